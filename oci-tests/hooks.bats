#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# config.md "POSIX-platform Hooks" and runtime.md "Lifecycle" (when each hook runs, with
# what state, arguments and environment, and what a failing hook does).
#
# Hooks are /init in "hook" mode: each run appends one JSON line (name, argv, cwd, env,
# mount ns, state from stdin) to $HOOKLOG (host-side hooks) or to /hooks.log inside the
# container (startContainer, resolved and run in the container).

load helpers

setup() {
	oci_setup
	HOOKLOG=$BUNDLE/hooks.log
	CLOG=$ROOTFS/hooks.log
}

# add_hook KIND NAME [ARG...]: a recording hook; extra ARGs are passed after the name.
add_hook() {
	local kind=$1 path=$INIT_BIN log=$HOOKLOG
	[ "$kind" = startContainer ] && path=/init log=/hooks.log
	update_config '.hooks[$k] += [{"path": $p, "args": (["oci-hook", "hook", $l] + $a),
		"env": ["OCI_HOOK=\($a[0])"]}]' --arg k "$kind" --arg p "$path" --arg l "$log" \
		--argjson a "$(json_array "${@:2}")"
}

# add_failing_hook KIND [INIT-ARGS...]: a hook running `/init INIT-ARGS` (default: exit 1).
add_failing_hook() {
	local kind=$1 path=$INIT_BIN
	shift
	[ $# -gt 0 ] || set -- exit 1
	[ "$kind" = startContainer ] && path=/init
	update_config '.hooks[$k] += [{"path": $p, "args": (["oci-hook"] + $a)}]' \
		--arg k "$kind" --arg p "$path" --argjson a "$(json_array "$@")"
}

# hook_names [LOG]: the recorded hook names, space separated, in order.
hook_names() {
	[ -f "${1:-$HOOKLOG}" ] || return 0
	jq -r .name "${1:-$HOOKLOG}" | paste -sd' '
}

# hook_json NAME [LOG]: the record of hook NAME.
hook_json() {
	jq -c --arg n "$1" 'select(.name == $n)' "${2:-$HOOKLOG}"
}

@test "config.md#posix-platform-hooks: prestart, createRuntime and createContainer run during create" {
	add_hook prestart pre
	add_hook createRuntime cr
	add_hook createContainer cc
	create
	[ "$(hook_names)" = "pre cr cc" ]
}

@test "config.md#posix-platform-hooks: startContainer runs at start, not at create" {
	add_hook startContainer sc
	set_args /init true
	create
	[ -z "$(hook_names "$CLOG")" ] || fail "ran at create"
	rt_ok start "$CID"
	wait_for_file "$CLOG"
	[ "$(hook_names "$CLOG")" = sc ]
}

@test "config.md#posix-platform-hooks: poststart runs at start, not at create" {
	add_hook poststart ps
	set_args /init pause
	create
	[ -z "$(hook_names)" ] || fail "poststart ran during create"
	rt_ok start "$CID"
	[ "$(hook_names)" = ps ]
}

@test "config.md#posix-platform-hooks: poststop runs at delete, not before" {
	add_hook poststop post
	start_detached true
	wait_status "$CID" stopped
	[ -z "$(hook_names)" ] || fail "poststop ran before delete"
	rt_ok delete "$CID"
	[ "$(hook_names)" = post ]
}

@test "runtime.md#delete: --force of a running container runs poststop hooks" {
	add_hook poststop post
	start_detached pause
	rt_ok delete --force "$CID"
	[ "$(hook_names)" = post ]
}

@test "runtime.md#lifecycle: host-side hooks run in lifecycle order" {
	add_hook poststop post
	add_hook poststart ps
	add_hook createContainer cc
	add_hook createRuntime cr
	add_hook prestart pre
	start_detached true
	wait_status "$CID" stopped
	rt_ok delete "$CID"
	[ "$(hook_names)" = "pre cr cc ps post" ]
}

@test "config.md#posix-platform-hooks: hooks of one kind run in array order" {
	add_hook createRuntime first
	add_hook createRuntime second
	add_hook createRuntime third
	create
	[ "$(hook_names)" = "first second third" ]
}

@test "config.md#posix-platform-hooks: args are passed as given, argv[0] included" {
	add_hook createRuntime cr "x y" --flag
	create
	[ "$(hook_json cr | jq -c .argv)" = "$(jq -nc --arg l "$HOOKLOG" '["oci-hook","hook",$l,"cr","x y","--flag"]')" ]
}

@test "config.md#posix-platform-hooks: env is exactly the hook's env" {
	add_hook createRuntime cr
	OCI_TESTS_LEAK=1 create
	[ "$(hook_json cr | jq -c .env)" = '["OCI_HOOK=cr"]' ]
}

@test "runtime.md#lifecycle: createRuntime gets the state (id, bundle, host pid) on stdin" {
	add_hook createRuntime cr
	create
	hook_json cr | jq -e --arg id "$CID" --arg b "$BUNDLE" --argjson pid "$(state_field pid)" \
		'.state.id == $id and .state.bundle == $b and .state.pid == $pid and (.state.ociVersion | type == "string")'
}

@test "runtime.md#lifecycle: createRuntime sees status creating" {
	add_hook createRuntime cr
	create
	[ "$(hook_json cr | jq -r .state.status)" = creating ]
}

@test "runtime.md#lifecycle: poststart sees status running" {
	add_hook poststart ps
	start_detached pause
	[ "$(hook_json ps | jq -r .state.status)" = running ]
}

@test "runtime.md#lifecycle: poststop sees status stopped" {
	add_hook poststop post
	start_detached true
	wait_status "$CID" stopped
	rt_ok delete "$CID"
	hook_json post | jq -e --arg id "$CID" '.state.status == "stopped" and .state.id == $id'
}

@test "config.md#posix-platform-hooks: createRuntime runs in the runtime's mount namespace" {
	add_hook createRuntime cr
	create
	[ "$(hook_json cr | jq .mntns)" = "$(host_ns mnt)" ]
}

@test "config.md#posix-platform-hooks: createContainer runs in the container's mount namespace" {
	add_hook createContainer cc
	create
	pid=$(state_field pid)
	[ "$(hook_json cc | jq .mntns)" = "$(stat -L -c %i "/proc/$pid/ns/mnt")" ]
}

@test "config.md#posix-platform-hooks: startContainer path is resolved and run in the container" {
	add_hook startContainer sc
	start_detached pause
	wait_for_file "$CLOG"
	[ "$(hook_json sc "$CLOG" | jq .mntns)" = "$(stat -L -c %i "/proc/$(state_field pid)/ns/mnt")" ]
}

@test "runtime.md#lifecycle: a failing prestart hook makes create fail and leaves no container" {
	add_failing_hook prestart
	expect_create_fails
}

@test "runtime.md#lifecycle: a failing createRuntime hook makes create fail" {
	add_failing_hook createRuntime
	expect_create_fails
}

@test "runtime.md#lifecycle: a failing createContainer hook makes create fail" {
	add_failing_hook createContainer
	expect_create_fails
}

@test "runtime.md#lifecycle: a failing createRuntime hook still runs poststop hooks" {
	add_failing_hook createRuntime
	add_hook poststop post
	expect_create_fails
	[ "$(hook_names)" = post ]
}

@test "runtime.md#lifecycle: a failing startContainer hook keeps the program from running" {
	add_failing_hook startContainer
	start_detached echo program-ran
	wait_status "$CID" stopped
	! grep -q program-ran "$BUNDLE/out" || fail "the program ran"
}

@test "runtime.md#lifecycle: a failing poststop hook does not fail delete" {
	add_failing_hook poststop
	start_detached true
	wait_status "$CID" stopped
	rt_ok delete "$CID"
	runtime state "$CID"
	expect_failure
}

@test "config.md#posix-platform-hooks: a hook past its timeout fails create" {
	add_failing_hook createRuntime sleep 5
	update_config '.hooks.createRuntime[0].timeout = 1'
	expect_create_fails
}

@test "config.md#posix-platform-hooks: a hook is aborted at its timeout" {
	add_failing_hook createRuntime sleep 8
	update_config '.hooks.createRuntime[0].timeout = 1'
	t0=$SECONDS
	expect_create_fails
	[ $((SECONDS - t0)) -lt 5 ] || fail "create took $((SECONDS - t0)) s"
}

@test "config.md#posix-platform-hooks: a hook with a relative path is refused" {
	update_config '.hooks.createRuntime = [{"path": "relative/hook"}]'
	expect_create_fails
}

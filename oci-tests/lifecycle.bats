#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# runtime.md: state, create, start, kill, delete and the lifecycle, driven from outside.

load helpers

# ------------------------------------------------------------------ state

@test "runtime.md#state: created container reports ociVersion, id, status, bundle and pid" {
	create
	runtime state "$CID"
	expect_status 0
	jq -e --arg id "$CID" --arg b "$BUNDLE" \
		'(.ociVersion | type == "string") and .id == $id and .status == "created" and
		 .bundle == $b and (.pid | type == "number") and .pid > 0' <<<"$output"
}

@test "runtime.md#state: pid is the host pid of the container process" {
	create
	pid=$(state_field pid)
	[ -d "/proc/$pid" ]
	[ "$(stat -L -c %i "/proc/$pid/ns/pid")" != "$(host_ns pid)" ]
}

@test "runtime.md#state: bundle is absolute when create gets a relative --bundle" {
	abs=$BUNDLE
	cd "$BUNDLE/.."
	BUNDLE=$(basename "$BUNDLE") create
	[ "$(state_field bundle)" = "$abs" ]
}

@test "runtime.md#state: annotations from config.json are reported" {
	update_config '.annotations = {"org.oci-tests.key": "value", "b": "2"}'
	create
	runtime state "$CID"
	jq -e '.annotations["org.oci-tests.key"] == "value" and .annotations.b == "2"' <<<"$output"
}

@test "runtime.md#state: started container is running" {
	start_detached pause
	wait_status "$CID" running
}

@test "runtime.md#state: container whose process exited is stopped" {
	start_detached exit 3
	wait_status "$CID" stopped
}

@test "runtime.md#state: unknown container id is an error" {
	runtime state "$CID"
	expect_failure
}

# ------------------------------------------------------------------ create

@test "runtime.md#create: the user program does not run before start" {
	set_args /init echo program-ran
	create
	sleep 0.3
	[ ! -s "$BUNDLE/out" ] || fail "program output before start: $(cat "$BUNDLE/out")"
	[ "$(state_field status)" = created ]
}

@test "runtime.md#create: an existing id is refused and the first container is untouched" {
	create
	pid=$(state_field pid)
	runtime create --bundle "$BUNDLE" "$CID"
	expect_failure
	[ "$(state_field status)" = created ]
	[ "$(state_field pid)" = "$pid" ]
}

@test "runtime.md#create: missing config.json is an error and leaves no container" {
	rm "$BUNDLE/config.json"
	expect_create_fails
}

@test "runtime.md#create: later changes to config.json do not affect the container" {
	set_args /init echo original
	create
	set_args /init echo changed
	rt_ok start "$CID"
	wait_status "$CID" stopped
	grep -qx original "$BUNDLE/out" || fail "output: $(cat "$BUNDLE/out")"
}

@test "runtime.md#start: runs the user program" {
	start_detached echo program-ran
	wait_for_file "$BUNDLE/out" program-ran
}

@test "runtime.md#start: second start of a running container fails and changes nothing" {
	start_detached pause
	pid=$(state_field pid)
	runtime start "$CID"
	expect_failure
	[ "$(state_field status)" = running ]
	[ "$(state_field pid)" = "$pid" ]
}

@test "runtime.md#start: start of a stopped container fails" {
	start_detached true
	wait_status "$CID" stopped
	runtime start "$CID"
	expect_failure
	[ "$(state_field status)" = stopped ]
}

@test "runtime.md#start: start of an unknown id fails" {
	runtime start "$CID"
	expect_failure
}

# ------------------------------------------------------------------ kill

@test "runtime.md#kill: default signal is SIGTERM" {
	start_detached trap TERM
	wait_for_file "$BUNDLE/out" ready
	rt_ok kill "$CID"
	wait_for_file "$BUNDLE/out" "caught TERM"
}

@test "runtime.md#kill: numeric signal is delivered" {
	start_detached trap USR1
	wait_for_file "$BUNDLE/out" ready
	rt_ok kill "$CID" 10
	wait_for_file "$BUNDLE/out" "caught USR1"
}

@test "runtime.md#kill: signal name with SIG prefix is delivered" {
	start_detached trap HUP
	wait_for_file "$BUNDLE/out" ready
	rt_ok kill "$CID" SIGHUP
	wait_for_file "$BUNDLE/out" "caught HUP"
}

@test "runtime.md#kill: signal name without SIG prefix is delivered" {
	start_detached trap USR2
	wait_for_file "$BUNDLE/out" ready
	rt_ok kill "$CID" USR2
	wait_for_file "$BUNDLE/out" "caught USR2"
}

@test "runtime.md#kill: SIGKILL stops a running container" {
	start_detached pause
	rt_ok kill "$CID" KILL
	wait_status "$CID" stopped
}

@test "runtime.md#kill: SIGKILL stops a created container" {
	create
	rt_ok kill "$CID" 9
	wait_status "$CID" stopped
}

@test "runtime.md#kill: signalling a stopped container is an error" {
	start_detached true
	wait_status "$CID" stopped
	runtime kill "$CID" KILL
	expect_failure
	[ "$(state_field status)" = stopped ]
}

@test "runtime.md#kill: signalling an unknown id is an error" {
	runtime kill "$CID" KILL
	expect_failure
}

# ------------------------------------------------------------------ delete

@test "runtime.md#delete: deleting a running container fails and leaves it running" {
	start_detached pause
	runtime delete "$CID"
	expect_failure
	[ "$(state_field status)" = running ]
}

@test "runtime.md#delete: stopped container is deleted" {
	start_detached true
	wait_status "$CID" stopped
	rt_ok delete "$CID"
	runtime state "$CID"
	expect_failure
}

@test "runtime.md#delete: deleted id can be used again" {
	start_detached true
	wait_status "$CID" stopped
	rt_ok delete "$CID"
	create
	[ "$(state_field status)" = created ]
}

@test "runtime.md#delete: resources created by the runtime (cgroups) are removed" {
	start_detached true
	wait_status "$CID" stopped
	[ -n "$(cgroup_dirs "$CGPATH")" ] || fail "runtime created no cgroup at $CGPATH"
	rt_ok delete "$CID"
	[ -z "$(cgroup_dirs "$CGPATH")" ] || fail "left behind: $(cgroup_dirs "$CGPATH")"
}

@test "runtime.md#delete: deleting an unknown id without --force is an error" {
	runtime delete "$CID"
	expect_failure
}

@test "runc-cli#delete: --force removes a running container and kills its process" {
	start_detached pause
	pid=$(state_field pid)
	rt_ok delete --force "$CID"
	runtime state "$CID"
	expect_failure
	for _ in $(seq 20); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
	[ ! -d "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
}

@test "runc-cli#delete: --force of an unknown id exits 0" {
	runtime delete --force "$CID"
	expect_status 0
}

@test "runc-cli#delete: created container can be deleted without --force" {
	create
	pid=$(state_field pid)
	rt_ok delete "$CID"
	runtime state "$CID"
	expect_failure
}

# ------------------------------------------------------------------ run, pid file, ids

@test "runc-cli#run: exit status of run is the process' exit status" {
	run_init exit 42
	expect_status 42
	run_init true
	expect_status 0
}

@test "runc-cli#run: a process killed by a signal gives 128+signal" {
	set_args /init pause
	rt_raw run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&- &
	wait_status "$CID" running
	rt_ok kill "$CID" KILL
	status=0
	wait $! || status=$?
	expect_status 137
}

@test "runc-cli#run: container is deleted when run returns" {
	init_ok true
	runtime state "$CID"
	expect_failure
}

@test "runc-cli#run: --detach returns with the container running" {
	set_args /init pause
	rt_raw run --detach --bundle "$BUNDLE" "$CID" </dev/null >"$BUNDLE/out" 2>&1 3>&- ||
		fail "run --detach failed: $(cat "$BUNDLE/out")"
	[ "$(state_field status)" = running ]
}

@test "runc-cli#create: --pid-file holds the init pid in decimal without newline" {
	create "$CID" --pid-file "$BUNDLE/pid"
	pid=$(state_field pid)
	[ "$(cat "$BUNDLE/pid")" = "$pid" ]
	[[ $(cat "$BUNDLE/pid"; echo x) =~ ^[0-9]+x$ ]] || fail "pid file is '$(od -c "$BUNDLE/pid")'"
}

@test "runc-cli#create: relative --pid-file is relative to the caller's cwd" {
	cd "$BUNDLE"
	create "$CID" --pid-file rel.pid
	[ "$(cat "$BUNDLE/rel.pid")" = "$(state_field pid)" ]
}

@test "runc-cli#ids: ids with / or .. are refused before touching disk" {
	for id in "bad/id" ".." "a/../b"; do
		runtime create --bundle "$BUNDLE" "$id"
		expect_failure
	done
	[ -z "$(ls -A "$RT_ROOT")" ] || fail "state left: $(ls -A "$RT_ROOT")"
}

@test "runc-cli#list: json lists the created container" {
	create
	runtime list --format json
	expect_status 0
	jq -e --arg id "$CID" 'map(select(.id == $id)) | length == 1' <<<"$output"
}

@test "runtime.md#lifecycle: create, start, exit, delete walk through created, running, stopped" {
	set_args /init sleep 0.5
	create
	[ "$(state_field status)" = created ]
	rt_ok start "$CID"
	[ "$(state_field status)" = running ]
	wait_status "$CID" stopped
	rt_ok delete "$CID"
	runtime state "$CID"
	expect_failure
}

@test "runtime.md#start: a container without process cannot be started" {
	update_config 'del(.process)'
	runtime create --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ] && return 0	# refusing at create is fine too
	runtime start "$CID"
	expect_failure
}

@test "runc-cli#kill: --all signals every process of the container" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	start_detached pause
	rt_ok exec --detach --pid-file "$BUNDLE/exec.pid" "$CID" /init pause
	epid=$(cat "$BUNDLE/exec.pid")
	rt_ok kill --all "$CID" KILL
	wait_status "$CID" stopped
	for _ in $(seq 20); do [ -d "/proc/$epid" ] || break; sleep 0.1; done
	[ ! -d "/proc/$epid" ] || [ "$(awk '{print $3}' "/proc/$epid/stat")" = Z ] ||
		fail "exec'd process $epid survived"
}

@test "runtime.md#state: a container whose process was killed from outside is stopped" {
	start_detached pause
	kill -9 "$(state_field pid)"
	wait_status "$CID" stopped
}

@test "runtime.md#kill: a signal sent to a paused container is delivered after resume" {
	start_detached trap TERM
	wait_for_file "$BUNDLE/out" ready
	rt_ok pause "$CID"
	rt_ok kill "$CID" TERM
	sleep 0.3
	! grep -q caught "$BUNDLE/out" || fail "handled while paused"
	rt_ok resume "$CID"
	wait_for_file "$BUNDLE/out" "caught TERM"
}

@test "runc-cli#run: signals sent to the foreground runtime are forwarded to the container" {
	set_args /init trap TERM
	timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$RT_ROOT" run --bundle "$BUNDLE" "$CID" \
		</dev/null >"$BUNDLE/out" 2>&1 3>&- &
	tpid=$!
	wait_for_file "$BUNDLE/out" ready
	kill -TERM "$(pgrep -P "$tpid")"	# the runtime itself, not timeout(1)
	status=0
	wait "$tpid" || status=$?
	expect_status 0
	grep -q "caught TERM" "$BUNDLE/out" || fail "output: $(cat "$BUNDLE/out")"
}

@test "runc-cli#state: created is an RFC 3339 timestamp" {
	create
	[[ $(state_field created) =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]] ||
		fail "created: $(state_field created)"
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# runtime-linux.md "File descriptors" and the runc-compatible CLI beyond the OCI operations:
# exec, --preserve-fds, pause/resume, ps.

load helpers

# exec_init [EXEC-OPTIONS...] -- CMD [ARGS...]: `exec` /init CMD in $CID, bats-run style.
exec_init() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	runtime exec "${opts[@]}" "$CID" /init "$@"
}

# ns_of PID TYPE...: "TYPE INODE" lines for the namespaces of host process PID.
ns_of() {
	local pid=$1 t
	shift
	for t in "$@"; do echo "$t $(stat -L -c %i "/proc/$pid/ns/$t")"; done
}

@test "runtime-linux.md#file-descriptors: only stdio is open in the container process" {
	exec 7</dev/null 8>"$BATS_TEST_TMPDIR/leak"
	init_ok fds
	exec 7<&- 8>&-
	expect_output "0 1 2"
}

@test "runtime-linux.md#file-descriptors: --preserve-fds passes fds 3.. and nothing more" {
	set_args /init fds
	status=0
	(
		exec 3</dev/null 4</dev/null 5</dev/null
		rt_raw run --preserve-fds 2 --bundle "$BUNDLE" "$CID" </dev/null >"$BUNDLE/out" 2>"$BUNDLE/err"
	) || status=$?
	expect_status 0
	[ "$(cat "$BUNDLE/out")" = "0 1 2 3 4" ] || fail "fds: $(cat "$BUNDLE/out") $(cat "$BUNDLE/err")"
}

@test "runc-cli#preserve-fds: LISTEN_FDS fds of the runtime's environment are passed" {
	set_args /init fds
	status=0
	# LISTEN_PID must be the runtime's own pid (systemd rules): exec it from the shell.
	(
		exec 3</dev/null 4</dev/null
		timeout -k 5 "$RT_TIMEOUT" bash -c 'LISTEN_FDS=1 LISTEN_PID=$$ exec "$@"' - \
			"$RUNTIME" --root "$RT_ROOT" run --bundle "$BUNDLE" "$CID" \
			</dev/null >"$BUNDLE/out" 2>"$BUNDLE/err"
	) || status=$?
	expect_status 0
	[ "$(cat "$BUNDLE/out")" = "0 1 2 3" ] || fail "fds: $(cat "$BUNDLE/out") $(cat "$BUNDLE/err")"
}

@test "runc-cli#exec: --preserve-fds passes fds 3.. to the process" {
	start_detached pause
	status=0
	(
		exec 3</dev/null 4</dev/null
		rt_raw exec --preserve-fds 1 "$CID" /init fds </dev/null >"$BUNDLE/exec.out" 2>&1
	) || status=$?
	expect_status 0
	[ "$(cat "$BUNDLE/exec.out")" = "0 1 2 3" ] || fail "fds: $(cat "$BUNDLE/exec.out")"
}

@test "runc-cli#exec: runs in the namespaces of the container" {
	start_detached pause
	pid=$(state_field pid)
	exec_init -- ns pid net ipc uts mnt
	expect_status 0
	expect_output "$(ns_of "$pid" pid net ipc uts mnt)"
}

@test "runc-cli#exec: exit status of the process is returned" {
	start_detached pause
	exec_init -- exit 7
	expect_status 7
}

@test "runc-cli#exec: a missing program gives 255" {
	start_detached pause
	runtime exec "$CID" /oci-tests-nonexistent
	expect_status 255
}

@test "runc-cli#exec: a program without a slash is looked up in the container's PATH" {
	update_config '.process.env = ["PATH=/bin:/"]'
	start_detached pause
	runtime exec "$CID" init echo found
	expect_status 0
	expect_output found
}

@test "runc-cli#exec: exec into a stopped container fails" {
	start_detached true
	wait_status "$CID" stopped
	exec_init -- true
	expect_failure
}

@test "runc-cli#exec: --process file sets args, env, cwd and user" {
	start_detached pause
	jq -n '{"args": ["/init", "env", "::", "cwd", "::", "ids"], "env": ["X=1", "HOME=/h"], "cwd": "/tmp",
		"user": {"uid": 1000, "gid": 1000}}' >"$BUNDLE/process.json"
	runtime exec --process "$BUNDLE/process.json" "$CID"
	expect_status 0
	expect_output "$(printf 'X=1\nHOME=/h\n/tmp\nuid=1000,1000,1000 gid=1000,1000,1000 groups=')"
}

@test "runc-cli#exec: --env, --cwd and --user override the container's process" {
	start_detached pause
	exec_init --env Y=2 --cwd /tmp --user 1000:1000 -- env :: cwd :: ids
	expect_status 0
	expect_line Y=2
	expect_line /tmp
	expect_line "uid=1000,1000,1000 gid=1000,1000,1000 groups="
}

@test "runc-cli#exec: the process gets the container's capabilities and no_new_privs" {
	start_detached pause
	exec_init -- status CapEff CapBnd NoNewPrivs
	expect_output "$(printf 'CapEff 0000000020000420\nCapBnd 0000000020000420\nNoNewPrivs 1')"
}

@test "runc-cli#exec: the container's seccomp filter applies" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	start_detached pause
	exec_init -- syscall mkdir :: status Seccomp
	expect_output "$(printf 'mkdir EPERM\nSeccomp 2')"
}

@test "runc-cli#exec: the process joins the container's cgroups" {
	start_detached pause
	pid=$(state_field pid)
	exec_init -- cat /proc/self/cgroup
	expect_status 0
	[ "$output" = "$(cat "/proc/$pid/cgroup")" ]
}

@test "runc-cli#exec: only stdio is open in the exec'd process" {
	start_detached pause
	exec 7</dev/null
	exec_init -- fds
	exec 7<&-
	expect_output "0 1 2"
}

@test "runc-cli#exec: --detach with --pid-file starts the process and writes its pid" {
	start_detached pause
	runtime exec --detach --pid-file "$BUNDLE/exec.pid" "$CID" /init pause
	expect_status 0
	epid=$(cat "$BUNDLE/exec.pid")
	[[ $epid =~ ^[0-9]+$ ]] || fail "pid file: '$epid'"
	[ "$(stat -L -c %i "/proc/$epid/ns/pid")" = "$(stat -L -c %i "/proc/$(state_field pid)/ns/pid")" ]
}

@test "runc-cli#exec: exec into a created container is allowed" {
	create
	exec_init -- echo in-created
	expect_status 0
	expect_output in-created
}

@test "runc-cli#pause: pause freezes and resume thaws the container" {
	start_detached pause
	rt_ok pause "$CID"
	[ "$(state_field status)" = paused ]
	if [ "$(cgroup_mode)" = v2 ]; then
		grep -qx 'frozen 1' "$CG_V1_ROOT/${CGPATH#/}/cgroup.events"
	else
		[ "$(cat "$CG_V1_ROOT/freezer/${CGPATH#/}/freezer.state")" = FROZEN ]
	fi
	rt_ok resume "$CID"
	[ "$(state_field status)" = running ]
}

@test "runc-cli#pause: pausing a stopped container fails" {
	start_detached true
	wait_status "$CID" stopped
	runtime pause "$CID"
	expect_failure
}

@test "runc-cli#exec: exec into a paused container fails" {
	start_detached pause
	rt_ok pause "$CID"
	exec_init -- true
	expect_failure
	rt_ok resume "$CID"
}

@test "runc-cli#ps: --format json lists the container's processes" {
	start_detached pause
	runtime ps --format json "$CID"
	expect_status 0
	jq -e --argjson pid "$(state_field pid)" 'index($pid) != null' <<<"$output"
}

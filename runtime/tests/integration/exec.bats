#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# `silo exec`: flags, --process, namespaces and cgroup joined, exit codes, failures.

load helpers

start_sleeper() {
	set_args sleep 1000
	silo run -d --bundle "$BUNDLE" "$ID" >/dev/null
}

@test "exec: output, exit status and namespaces of the container" {
	start_sleeper
	init=$(silo state "$ID" | jq -r .pid)
	run silo exec "$ID" sh -c 'echo out; for n in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$n; done; exit 7'
	[ "$status" -eq 7 ]
	[ "${lines[0]}" = out ]
	i=1
	for n in pid net ipc uts mnt cgroup; do
		[ "${lines[$i]}" = "$(readlink /proc/$init/ns/$n)" ]
		i=$((i + 1))
	done
}

@test "exec: joins the container's cgroup" {
	start_sleeper
	run silo exec "$ID" sh -c 'cat /proc/self/cgroup'
	[ "$status" -eq 0 ]
	[[ "$output" == *"pids:/silo-it-$$-$BATS_TEST_NUMBER"* ]] || [[ "$output" == *"pids:/"* ]]
	[ "$(silo ps --format json "$ID" | jq length)" -ge 1 ]
}

@test "exec: --env, --cwd, --user, --additional-gids, --cap, --no-new-privs" {
	start_sleeper
	run silo exec -e FOO=bar --env BAZ=qux --cwd /tmp "$ID" sh -c 'echo $FOO $BAZ; pwd'
	[ "${lines[0]}" = "bar qux" ]
	[ "${lines[1]}" = /tmp ]
	run silo exec -u 1000:1001 -g 20,30 "$ID" sh -c 'id -u; id -g; id -G'
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1001 ]
	[ "${lines[2]}" = "1001 20 30" ]
	run silo exec --cap CAP_SYS_ADMIN --no-new-privs "$ID" sh -c 'grep -E "^(CapEff|CapInh|NoNewPrivs)" /proc/self/status'
	[[ "$output" == *"CapInh:"*"0000000000000000"* ]]
	[[ "$output" == *"NoNewPrivs:"*"1"* ]]
	eff=$(awk '/^CapEff/ {print $2}' <<<"$output")
	[ $(( 0x$eff & (1 << 21) )) -ne 0 ]
}

@test "exec: --process file replaces the flags" {
	start_sleeper
	cat >"$BATS_TEST_TMPDIR/p.json" <<-'JSON'
	{"terminal": false, "user": {"uid": 2, "gid": 3}, "args": ["sh", "-c", "id -u; id -g; echo $X"],
	 "env": ["PATH=/bin", "X=from-json"], "cwd": "/"}
	JSON
	run silo exec --process "$BATS_TEST_TMPDIR/p.json" -e X=flag "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 2 ]
	[ "${lines[1]}" = 3 ]
	[ "${lines[2]}" = from-json ]
}

@test "exec: --detach with --pid-file" {
	start_sleeper
	silo exec -d --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" sleep 100 >/dev/null
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	grep -q sleep "/proc/$pid/cmdline"
	[ "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/$(silo state "$ID" | jq -r .pid)/ns/pid)" ]
}

@test "exec: failures give 255 and a message" {
	start_sleeper
	run silo exec "$ID" /nonexistent
	[ "$status" -eq 255 ]
	[[ "$output" == *"no such file or directory"* ]]
	run silo exec -u 1000:abc "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"--user"* ]]
	run silo exec -u "1000x" "$ID" true
	[ "$status" -eq 255 ]
	run silo exec "nonexistent-$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"does not exist"* ]]
	echo '{"args": 5}' >"$BATS_TEST_TMPDIR/bad.json"
	run silo exec --process "$BATS_TEST_TMPDIR/bad.json" "$ID"
	[ "$status" -eq 255 ]
	[[ "$output" == *".args"* ]]
	run silo exec --cap CAP_BOGUS "$ID" true
	[ "$status" -eq 255 ]
}

@test "exec: refused in a stopped container, paused only with --ignore-paused" {
	start_sleeper
	silo pause "$ID"
	run silo exec "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *paused* ]]
	# the new process joins the frozen cgroup: it starts once the container resumes
	silo exec -d --ignore-paused "$ID" true >/dev/null &
	sleep 0.3
	silo resume "$ID"
	wait $!
	silo kill "$ID" KILL
	for _ in $(seq 50); do
		[ "$(silo state "$ID" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	run silo exec "$ID" true
	[ "$status" -eq 255 ]
	[[ "$output" == *"stopped"* ]]
}

@test "exec: allowed in a created container" {
	set_args sleep 1000
	silo create --bundle "$BUNDLE" "$ID"
	run silo exec "$ID" echo hi
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
}

@test "exec: a signalled process gives 128+N" {
	start_sleeper
	run silo exec "$ID" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "exec: 50 concurrent execs, right outputs, nothing left behind" {
	start_sleeper
	init=$(silo state "$ID" | jq -r .pid)
	fds_before=$(ls /proc/$init/fd | wc -l)
	for i in $(seq 50); do
		(rc=0; silo exec "$ID" sh -c "echo n$i; exit $((i % 5))" >"$BATS_TEST_TMPDIR/out.$i" 2>&1 || rc=$?
		 echo $rc >"$BATS_TEST_TMPDIR/rc.$i") &
	done
	wait
	for i in $(seq 50); do
		[ "$(cat "$BATS_TEST_TMPDIR/out.$i")" = "n$i" ]
		[ "$(cat "$BATS_TEST_TMPDIR/rc.$i")" = $((i % 5)) ]
	done
	# no zombie or stray process left in the container, no fd leaked into its init
	[ "$(silo ps --format json "$ID" | jq length)" -eq 1 ]
	[ "$(ls /proc/$init/fd | wc -l)" -eq "$fds_before" ]
	! ps -o stat= --ppid "$init" | grep -q Z
	! ps -o stat= --ppid $$ | grep -q Z
}

@test "exec: fds beyond stdio do not leak; --preserve-fds passes them" {
	start_sleeper
	run silo exec "$ID" sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
	[ "$output" = "0 1 2 3 " ]
	echo pdata >"$BATS_TEST_TMPDIR/p"
	run silo exec --preserve-fds 1 "$ID" sh -c 'cat <&3' 3<"$BATS_TEST_TMPDIR/p"
	[ "$output" = pdata ]
}

@test "exec: cwd outside the container is refused (CVE-2024-21626)" {
	# The attack: a host directory leaked to silo (fd 9) is the process's cwd.
	host="$BATS_TEST_TMPDIR/host"
	mkdir -p "$host" && echo host-secret >"$host/secret"
	start_sleeper
	for n in 3 4 5 6 7 8 9; do
		run silo exec --cwd "/proc/self/fd/$n" "$ID" cat secret 9<"$host"
		[ "$status" -ne 0 ]
		[[ "$output" != *host-secret* ]]
	done
}

@test "exec: execCPUAffinity final is applied after joining the cgroup" {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
	start_sleeper
	cat >"$BATS_TEST_TMPDIR/p.json" <<-'JSON'
	{"user": {"uid": 0, "gid": 0}, "args": ["grep", "Cpus_allowed_list", "/proc/self/status"],
	 "env": ["PATH=/bin"], "cwd": "/", "execCPUAffinity": {"initial": "0", "final": "1"}}
	JSON
	run silo exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Cpus_allowed_list:"*"1" ]]
	sed -i 's/"final": "1"/"final": "9999"/' "$BATS_TEST_TMPDIR/p.json"
	run silo exec --process "$BATS_TEST_TMPDIR/p.json" "$ID"
	[ "$status" -eq 255 ]
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The create/start/state/kill/delete lifecycle as engines drive it, and `run`.

load helpers

@test "run: output reaches stdout and the exit status is the container's" {
	run_ctr sh -c 'echo hello-silo; exit 42'
	[ "$status" -eq 42 ]
	[[ "$output" == *hello-silo* ]]
	assert_clean
}

@test "run: a signalled init gives 128+N" {
	# pid 1 of a pid namespace ignores SIGKILL from inside: use the host's pid namespace
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	run_ctr sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
	assert_clean
}

@test "run --detach returns while the container runs" {
	set_args sleep 100
	# stdout to /dev/null: the detached container keeps it open
	silo run -d --bundle "$BUNDLE" "$ID" >/dev/null
	run silo state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	silo delete -f "$ID"
	assert_clean
}

@test "create/start/state/kill/delete: states, pid file and state JSON" {
	set_args sleep 100
	silo create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	run silo state "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .id <<<"$output")" = "$ID" ]
	[ "$(jq -r .bundle <<<"$output")" = "$(cd "$BUNDLE" && pwd -P)" ]
	[ "$(jq -r .ociVersion <<<"$output")" != null ]
	[[ "$(jq -r .created <<<"$output")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z$ ]]
	pid=$(jq -r .pid <<<"$output")
	# pid file: decimal, no trailing newline, the init's host pid
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$pid" ]
	[ "$(tail -c 1 "$BATS_TEST_TMPDIR/pid" | od -An -c | tr -d ' ')" != '\n' ]
	[ -d "/proc/$pid" ]
	silo start "$ID"
	run silo state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	grep -q sleep "/proc/$pid/cmdline"
	silo kill "$ID" KILL
	for _ in $(seq 50); do
		[ "$(silo state "$ID" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	run silo state "$ID"
	[ "$(jq -r .status <<<"$output")" = stopped ]
	[ "$(jq -r .pid <<<"$output")" = 0 ]
	silo delete "$ID"
	run silo state "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
	assert_clean
}

@test "create does not run the program before start" {
	set_args sh -c "touch /tmp/started"
	update_config '.root.readonly = false | .mounts += [{"destination":"/tmp","type":"tmpfs","source":"tmpfs"}]'
	silo create --bundle "$BUNDLE" "$ID"
	pid=$(silo state "$ID" | jq -r .pid)
	sleep 0.2
	[ ! -e "/proc/$pid/root/tmp/started" ]
	silo delete "$ID"
	assert_clean
}

@test "start twice: the second start fails and changes nothing" {
	set_args sleep 100
	silo create --bundle "$BUNDLE" "$ID"
	silo start "$ID"
	run silo start "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not in created state"* ]]
	[ "$(silo state "$ID" | jq -r .status)" = running ]
}

@test "delete of a running container needs --force" {
	set_args sleep 100
	silo run -d --bundle "$BUNDLE" "$ID"
	run silo delete "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not stopped"* ]]
	[ "$(silo state "$ID" | jq -r .status)" = running ]
	silo delete --force "$ID"
	assert_clean
}

@test "delete of a created container kills the waiting init" {
	set_args sleep 100
	silo create --bundle "$BUNDLE" "$ID"
	pid=$(silo state "$ID" | jq -r .pid)
	silo delete "$ID"
	! kill -0 "$pid" 2>/dev/null || grep -q '^State:.*Z' "/proc/$pid/status"
	assert_clean
}

@test "delete --force of a missing container exits 0; without --force it fails" {
	run silo delete --force "nonexistent-$ID"
	[ "$status" -eq 0 ]
	run silo delete "nonexistent-$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "kill: signal names and numbers; stopped container says container not running" {
	set_args sh -c 'trap "exit 3" USR1; while :; do sleep 0.05; done'
	silo run -d --bundle "$BUNDLE" "$ID"
	sleep 0.2
	silo kill "$ID" usr1
	for _ in $(seq 50); do
		[ "$(silo state "$ID" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	[ "$(silo state "$ID" | jq -r .status)" = stopped ]
	run silo kill "$ID" 15
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
	run silo kill --all "$ID" SIGKILL
	[ "$status" -eq 0 ]
	run silo kill "$ID" NOTASIGNAL
	[ "$status" -ne 0 ]
}

@test "kill --all reaches every process of the container" {
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	silo run -d --bundle "$BUNDLE" "$ID"
	sleep 0.3
	run silo ps --format json "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" -ge 3 ]
	silo kill --all "$ID" KILL
	for _ in $(seq 50); do
		[ "$(silo ps --format json "$ID" | jq length)" -eq 0 ] && break
		sleep 0.1
	done
	[ "$(silo ps --format json "$ID" | jq length)" -eq 0 ]
}

@test "duplicate id: create fails with already exists and leaves the first alone" {
	set_args sleep 100
	silo create --bundle "$BUNDLE" "$ID"
	run silo create --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"already exists"* ]]
	[ "$(silo state "$ID" | jq -r .status)" = created ]
}

@test "list: -q, table and json" {
	set_args sleep 100
	silo create --bundle "$BUNDLE" "$ID"
	run silo list -q
	[[ "$output" == *"$ID"* ]]
	run silo list --format json
	[ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" = created ]
	run silo list
	[[ "$output" == *ID*STATUS* ]]
	[[ "$output" == *"$ID"* ]]
}

@test "options accept both --opt value and --opt=value" {
	set_args true
	run "$SILO" --root="$IT_ROOT" --log-format=json run --bundle="$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	run "$SILO" --root "$IT_ROOT" --cgroup-manager=disabled --log-format text run -b "$BUNDLE" "$ID-b"
	[ "$status" -eq 0 ]
}

@test "JSON log: the fatal error is one JSON line in --log and also on stderr" {
	run "$SILO" --root "$IT_ROOT" --log "$BATS_TEST_TMPDIR/log.json" --log-format json state "nope-$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/log.json")" -eq 1 ]
	jq -e '.level == "error" and (.msg | test("does not exist")) and (.time | test("^[0-9-]+T[0-9:.]+Z$"))' "$BATS_TEST_TMPDIR/log.json"
}

@test "any ociVersion 1.x is accepted" {
	update_config '.ociVersion = "1.0.2-dev"'
	run_ctr true
	[ "$status" -eq 0 ]
}

@test "--version, --help, features and spec" {
	run "$SILO" --version
	[[ "${lines[0]}" =~ ^silo\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	run "$SILO" --help
	[[ "$output" == *create* && "$output" == *features* ]]
	run "$SILO" features
	[ "$status" -eq 0 ]
	jq -e '.ociVersionMin == "1.0.0" and .ociVersionMax == "1.2.1" and (.linux.namespaces | length) == 8 and (.mountOptions | index("rro") != null)' <<<"$output"
	mkdir "$BATS_TEST_TMPDIR/s"
	"$SILO" spec --bundle "$BATS_TEST_TMPDIR/s"
	jq -e '.process.args == ["sh"] and .root.readonly == true' "$BATS_TEST_TMPDIR/s/config.json"
	run "$SILO" spec --bundle "$BATS_TEST_TMPDIR/s"
	[ "$status" -ne 0 ]
	mkdir "$BATS_TEST_TMPDIR/r"
	"$SILO" spec --rootless --bundle "$BATS_TEST_TMPDIR/r"
	jq -e '.linux.uidMappings[0].size == 1 and any(.linux.namespaces[]; .type == "user")' "$BATS_TEST_TMPDIR/r/config.json"
}

@test "concurrent state and kill on one id do not corrupt it" {
	set_args sleep 100
	silo run -d --bundle "$BUNDLE" "$ID"
	for i in $(seq 20); do
		silo state "$ID" >/dev/null &
		silo kill "$ID" 0 2>/dev/null &
	done
	wait
	[ "$(silo state "$ID" | jq -r .status)" = running ]
	silo delete -f "$ID"
	assert_clean
}

@test "--pidfd-socket receives a pidfd of the init (create) and of the process (exec)" {
	command -v python3 >/dev/null || skip "python3 needed for the socket receiver"
	set_args sleep 100
	sock="$BATS_TEST_TMPDIR/pidfd.sock"
	python3 "$BATS_TEST_DIRNAME/fd-recv.py" "$sock" >"$BATS_TEST_TMPDIR/out" &
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
	silo create --pidfd-socket "$sock" --bundle "$BUNDLE" "$ID"
	wait $!
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "init 1 anon_inode:[pidfd]" ]
	rm -f "$sock"
	silo start "$ID"
	python3 "$BATS_TEST_DIRNAME/fd-recv.py" "$sock" >"$BATS_TEST_TMPDIR/out" &
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
	silo exec -d --pidfd-socket "$sock" "$ID" sleep 10 >/dev/null
	wait $!
	[[ "$(cat "$BATS_TEST_TMPDIR/out")" == *"anon_inode:[pidfd]" ]]
}

@test "--root: missing parents are created (0700), as runc does" {
	r="$BATS_TEST_TMPDIR/a/b/c"
	run "$SILO" --root "$r" list -q
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$r")" = 700 ]
}

@test "create killed at any point: delete --force removes everything" {
	set_args sleep 100
	for p in create-dir config-copy seccomp spawned maps cgroup go init-rootfs ready state-written; do
		# not `run`: a surviving init would keep its stdout pipe open
		rc=0
		SILO_FAULT_INJECT=$p "$SILO" --root "$IT_ROOT" create --bundle "$BUNDLE" "$ID" \
			>"$BATS_TEST_TMPDIR/out" 2>&1 || rc=$?
		[ "$rc" -ne 0 ] || fail_with "create survived fault point $p"
		silo delete --force "$ID"
		assert_clean || fail_with "leftovers after fault point $p"
	done
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# silomon driving the real runc with a busybox bundle: create/start, tty, exec, stdin, signals,
# OOM (cgroup v1 eventfd on this host).
load helpers

setup_file() {
	export RT_DIR=$(mktemp -d /tmp/silomon-rootfs.XXXXXX)
	export ROOTFS=$RT_DIR/rootfs
	[ -x "${RUNC:-/usr/sbin/runc}" ] || return 0
	make_rootfs "$ROOTFS"
}

teardown_file() {
	rm -rf "$RT_DIR"
}

setup() {
	[ -x "$RUNC" ] || skip "runc not installed"
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -x "$ROOTFS/bin/busybox" ] || skip "busybox-static not installed"
	common_setup
	RBASE=("${BASE[@]}")
	RBASE[7]=$RUNC # the value of -r
	RBASE+=(--runtime-arg "--root=$T/root")
}
teardown() { common_teardown; }

start_ctr() { echo "$RUNC --root $T/root start $ID"; }

@test "runc: create + start: output on both streams, exit code, log" {
	make_bundle "$T/b" false sh -c 'echo out; echo err >&2; printf partial; exit 3'
	run harness --after-pid "$(start_ctr)" -- "${RBASE[@]}"
	echo "$output"
	[ -n "$(sync_pid)" ]
	cat "$T/ctr.log"
	grep -q ' stdout F out$' "$T/ctr.log"
	grep -q ' stderr F err$' "$T/ctr.log"
	grep -q ' stdout P partial$' "$T/ctr.log"
	[ "$(cat "$T/exits/$ID")" = 3 ]
}

@test "runc: a failing create reports runc's error text" {
	make_bundle "$T/b" false /no/such/binary
	run harness -- "${RBASE[@]}"
	echo "$output"
	[[ "$output" == *'{"data": -1, "message": "'*'no such file or directory'* ]] || \
		[[ "$output" == *'{"data": -1, "message": "'*'/no/such/binary'* ]]
}

@test "runc: terminal: stty size after a 33x101 resize, CRLF in the log" {
	skip_under_valgrind "the resize written to ctl may be read only after the container ran stty"
	make_bundle "$T/b" true sh -c 'stty size; exit 2'
	run harness --after-pid "printf '1 33 101\n' > $T/b/ctl; $(start_ctr)" -- "${RBASE[@]}" -t
	echo "$output"
	cat -A "$T/ctr.log"
	grep -q 'stdout F 33 101'$'\r''$' "$T/ctr.log"
	[ "$(cat "$T/exits/$ID")" = 2 ]
}

@test "runc: -i: attach input reaches the container; SHUT_WR closes its stdin" {
	make_bundle "$T/b" false sh -c 'cat; echo eof-seen'
	run harness --after-pid "$(start_ctr); timeout 20 python3 $HARNESS attach $T/b/attach --send 'hello-in\n' --shut-wr > $T/c1" \
		-- "${RBASE[@]}" -i
	cat "$T/ctr.log" "$T/c1"
	grep -q ' stdout F hello-in$' "$T/ctr.log"
	grep -q ' stdout F eof-seen$' "$T/ctr.log"
	grep -q '"data": "hello-in\\n' "$T/c1"
}

@test "runc: SIGTERM to the monitor is forwarded to the container" {
	make_bundle "$T/b" false sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done'
	run harness --after-pid "$(start_ctr); sleep 0.5; kill -TERM \$(cat $T/conmon.pid)" -- "${RBASE[@]}"
	echo "$output"
	cat "$T/ctr.log"
	[ "$(cat "$T/exits/$ID")" = 7 ]
	grep -q ' stdout F got-term$' "$T/ctr.log"
}

@test "runc: exec session (-e --exec-attach) reports PID then exit code, output via attach" {
	make_bundle "$T/b" false sleep 30
	run harness --after-pid "$(start_ctr)" --timeout 10 -- "${RBASE[@]}" -T 20 &
	# wait for the container to run
	for i in $(seq 50); do "$RUNC" --root "$T/root" state "$ID" 2>/dev/null | grep -q running && break; sleep 0.1; done
	mkdir -p "$T/sess/exit"
	jq -n '{args: ["sh", "-c", "echo exec-out; echo exec-err >&2; exit 4"], cwd: "/", env: ["PATH=/bin:/usr/bin"], user: {uid: 0, gid: 0}, terminal: false}' >"$T/sess/process.json"
	run harness --attach-pipe --before-second-start "timeout 20 python3 $HARNESS attach $T/sess/attach --ready-file $T/ready > $T/c1 & for i in \$(seq 100); do [ -e $T/ready ] && break; sleep 0.05; done" \
		-- --api-version 1 -c "$ID" -u sess1 -r "$RUNC" -b "$T/sess" -p "$T/sess/exec_pid" \
		--exit-dir "$T/sess/exit" --full-attach -l none -e --exec-attach \
		--exec-process-spec "$T/sess/process.json" --runtime-arg "--root=$T/root"
	echo "$output"
	sleep 0.3
	cat "$T/c1"
	[[ "$output" == *'attach(valid,12): {"data": 0}'* ]]
	[[ "$output" == *'{"data": 4}'* ]]
	[ "$(cat "$T/sess/exit/$ID")" = 4 ]
	grep -q '"stream": 2, "len": 9, "data": "exec-out\\n"' "$T/c1"
	grep -q '"stream": 3, "len": 9, "data": "exec-err\\n"' "$T/c1"
	"$RUNC" --root "$T/root" kill "$ID" KILL
	wait
}

@test "runc: OOM kill gives 137 and oom files in the bundle and persist dir, none in cwd" {
	[ -d /sys/fs/cgroup/memory ] || skip "no cgroup v1 memory controller"
	make_bundle "$T/b" false sh -c 'echo start; tail /dev/zero'
	jq '.linux.resources.memory = {limit: 33554432, swap: 33554432}' "$T/b/config.json" >"$T/b/c.json"
	mv "$T/b/c.json" "$T/b/config.json"
	mkdir -p "$T/cwd"
	cd "$T/cwd"
	run harness --after-pid "$(start_ctr)" -- "${RBASE[@]}" --persist-dir "$T/persist"
	echo "$output"
	[ "$(cat "$T/exits/$ID")" = 137 ]
	[ -e "$T/b/oom" ]
	[ -e "$T/persist/oom" ]
	[ ! -e "$T/cwd/oom" ]
}

@test "runc: no oom file for a normal exit" {
	make_bundle "$T/b" false true
	run harness --after-pid "$(start_ctr)" -- "${RBASE[@]}" --persist-dir "$T/persist"
	[ "$(cat "$T/exits/$ID")" = 0 ]
	[ ! -e "$T/b/oom" ] && [ ! -e "$T/persist/oom" ]
}

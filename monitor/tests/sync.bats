#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Process model and engine protocol against fake-runtime: daemonizing, sync messages (modern and
# legacy, every failure path), exit files, signals, timeout, exit command (spec 2, 3, 9).
load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "sync: create reports {\"data\": PID}, writes pidfile without newline and the exit file" {
	export FAKE_CMD='echo out; exit 3'
	run harness -- "${BASE[@]}"
	echo "$output"
	[[ "$output" == *"first_rc=0"* ]]
	echo "$output" | grep -qE '^sync\(valid,[0-9]+\): \{"data": [0-9]+\}$'
	[[ "$output" == *eof* ]]
	[[ "$(cat "$T/conmon.pid")" =~ ^[0-9]+$ ]]
	[ "$(wc -l <"$T/conmon.pid")" -eq 0 ]
	[ "$(cat "$T/exits/$ID")" = 3 ]
	[ "$(wc -l <"$T/exits/$ID")" -eq 0 ]
	[ "$(stat -c %a "$T/exits/$ID")" = 644 ]
}

@test "sync: the monitor is a daemon: session leader, reparented, subreaper" {
	export FAKE_CMD='sleep 1'
	run harness --after-pid 'p=$(cat '"$T"'/conmon.pid); cat /proc/$p/stat > '"$T"'/stat; grep -E "^(PPid|SigBlk|SigIgn)" /proc/$p/status > '"$T"'/status' -- "${BASE[@]}"
	echo "$output"
	pid=$(cat "$T/conmon.pid")
	read -r -a st <"$T/stat"
	[ "${st[5]}" = "$pid" ] # session id == pid
	[ "${st[4]}" = "$pid" ] # pgrp
	grep -q '^PPid:.*1$' "$T/status" || [ "${st[3]}" != "$$" ]
}

@test "sync: runtime failure sends data -1 with the runtime's stderr, no exit file" {
	export FAKE_MODE=fail FAKE_ERR='setrlimit `RLIMIT_NOFILE`: Operation not permitted'
	run harness -- "${BASE[@]}" --exit-command /bin/sh --exit-command-arg -c --exit-command-arg "touch $T/exitcmd"
	echo "$output"
	[[ "$output" == *'sync(valid,'*'{"data": -1, "message": "setrlimit `RLIMIT_NOFILE`: Operation not permitted\n"}'* ]]
	[ ! -e "$T/exits/$ID" ]
	wait_for_file "$T/exitcmd" # the exit command runs on this path too [OBS]
}

@test "sync: silent runtime failure still gets a message (conmon #617)" {
	export FAKE_MODE=fail-silent
	run harness -- "${BASE[@]}"
	echo "$output"
	echo "$output" | grep -qE '^sync\(valid,[0-9]+\): \{"data": -1, "message": ".*exited with status 1"\}$'
}

@test "sync: missing or invalid pid file is reported, not an EOF" {
	FAKE_MODE=nopid run harness -- "${BASE[@]}"
	echo "$output"
	[[ "$output" == *'{"data": -1, "message": "Failed to read pidfile'* ]]
	FAKE_MODE=badpid run harness -- "${BASE[@]}"
	echo "$output"
	[[ "$output" == *'{"data": -1, "message": "Failed to read pidfile: invalid PID'* ]]
}

@test "sync: -t without a pty from the runtime is reported" {
	FAKE_MODE=notty run harness -- "${BASE[@]}" -t
	echo "$output"
	[[ "$output" == *'{"data": -1, "message": "Runtime did not set up terminal"}'* ]]
}

@test "sync: long, binary runtime errors stay valid JSON under 4096 bytes, keeping the tail" {
	export FAKE_MODE=fail
	FAKE_ERR="$(head -c 9000 /dev/zero | tr '\0' 'x')$(printf '\001\037\377\376"\\\t')THE-END"
	export FAKE_ERR
	run harness -- "${BASE[@]}"
	echo "$output" | cut -c1-200
	line=$(echo "$output" | grep '^sync(')
	[[ "$line" == "sync(valid,"* ]]
	len=$(echo "$line" | sed -E 's/^sync\(valid,([0-9]+)\).*/\1/')
	[ "$len" -lt 4096 ]
	[[ "$line" == *'\u0001\u001f'*'THE-END\n"}' ]]
}

@test "sync: legacy create sends {\"pid\": N}" {
	run harness -- -c "$ID" -u "$ID" -r "$FAKE" -b "$T/b" -p "$T/pidfile" --exit-dir "$T/exits" -l none
	echo "$output"
	echo "$output" | grep -qE '^sync\(valid,[0-9]+\): \{"pid": [0-9]+\}$'
}

@test "sync: legacy exec --sync sends only {\"exit_code\": N} and exits with it" {
	echo '{}' >"$T/process.json"
	FAKE_CMD='echo x; exit 4' run harness --sync-mode -- -c "$ID" -r "$FAKE" -p "$T/pidfile" \
		-e --exec-process-spec "$T/process.json" --sync -l "k8s-file:$T/exec.log"
	echo "$output"
	[ "$(echo "$output" | grep -c '^sync(')" -eq 1 ]
	[[ "$output" == *'sync(valid,17): {"exit_code": 4}'* ]]
	[[ "$output" == *"monitor_rc=4"* ]]
	grep -q ' stdout F x$' "$T/exec.log"
}

@test "sync: legacy exec timeout kills the process and says so" {
	echo '{}' >"$T/process.json"
	FAKE_CMD='sleep 30' run harness --sync-mode -- -c "$ID" -r "$FAKE" -p "$T/pidfile" \
		-e --exec-process-spec "$T/process.json" --sync -l none -T 1
	echo "$output"
	[[ "$output" == *'{"exit_code": -1, "message": "command timed out"}'* ]]
	! kill -0 "$(cat "$T/pidfile")" 2>/dev/null
}

@test "sync: api exec sends the PID, then the exit code; exit file is named by --cid" {
	echo '{}' >"$T/process.json"
	FAKE_CMD='exit 4' run harness -- "${BASE[@]}" -u session1 -e --exec-process-spec "$T/process.json" -l none
	echo "$output"
	echo "$output" | grep -qE '^sync\(valid,[0-9]+\): \{"data": [0-9]+\}$'
	[[ "$output" == *'sync(valid,12): {"data": 4}'* ]]
	[ "$(cat "$T/exits/$ID")" = 4 ]
}

@test "sync: exec process exiting before the runtime still reports PID then code" {
	echo '{}' >"$T/process.json"
	FAKE_MODE=exit-early FAKE_CMD='echo early; exit 6' run harness -- "${BASE[@]}" -e \
		--exec-process-spec "$T/process.json"
	echo "$output"
	[ "$(echo "$output" | grep -c '^sync(')" -eq 2 ]
	[[ "$output" == *'{"data": 6}'* ]]
	grep -q ' stdout F early$' "$T/ctr.log"
}

@test "sync: exec attach: {\"data\": 0} on the attach fd, runtime waits for the second start byte" {
	echo '{}' >"$T/process.json"
	FAKE_CMD='echo attached' run harness --attach-pipe \
		--before-second-start "sleep 0.3; test -S $T/b/attach && test -p $T/b/ctl && test ! -e $T/pidfile && touch $T/ok" \
		-- "${BASE[@]}" -e --exec-attach --exec-process-spec "$T/process.json"
	echo "$output"
	[[ "$output" == *'attach(valid,12): {"data": 0}'* ]]
	[ -e "$T/ok" ]
	[[ "$output" == *'{"data": 0}'* ]]
	[ ! -e "$T/b/attach" ] # removed at exit
}

@test "sync: the monitor survives the engine closing the sync fd (conmon #438)" {
	echo '{}' >"$T/process.json"
	FAKE_CMD='sleep 0.3; exit 5' run harness --close-sync --wait-pidfile "$T/conmon.pid" -- "${BASE[@]}" \
		-e --exec-process-spec "$T/process.json" --exit-command /bin/sh \
		--exit-command-arg -c --exit-command-arg "cat $T/exits/$ID > $T/seen"
	echo "$output"
	[[ "$output" == *"monitor gone"* ]]
	[ "$(cat "$T/exits/$ID")" = 5 ]
	[ "$(cat "$T/seen")" = 5 ]
}

@test "sync: works over a pipe and over a SOCK_STREAM socketpair" {
	for kind in pipe stream; do
		rm -f "$T/exits/$ID"
		FAKE_CMD='exit 2' run harness --sync-type $kind -- "${BASE[@]}"
		echo "$output"
		echo "$output" | grep -qE '^sync\(valid,[0-9]+\): \{"data": [0-9]+\}$'
		[ "$(cat "$T/exits/$ID")" = 2 ]
	done
}

@test "sync: no _OCI_STARTPIPE means no wait" {
	FAKE_CMD='exit 0' run harness --no-start-pipe -- "${BASE[@]}"
	[ -n "$(sync_pid)" ]
	[ "$(cat "$T/exits/$ID")" = 0 ]
}

@test "exit: killed by a signal gives 128+N; persist-dir gets exit too" {
	FAKE_CMD='kill -9 $$' run harness -- "${BASE[@]}" --persist-dir "$T/persist"
	echo "$output"
	[ "$(cat "$T/exits/$ID")" = 137 ]
	[ "$(cat "$T/persist/exit")" = 137 ]
}

@test "exit: SIGTERM to the monitor reaches the container; its own code is recorded" {
	FAKE_CMD='trap "exit 7" TERM; while :; do sleep 0.1; done' run harness \
		--after-pid "sleep 0.3; kill -TERM \$(cat $T/conmon.pid)" -- "${BASE[@]}"
	echo "$output"
	[ "$(cat "$T/exits/$ID")" = 7 ]
}

@test "exit: -T kills the container group, exit file -1" {
	FAKE_CMD='sleep 30' run harness -- "${BASE[@]}" -T 1
	echo "$output"
	[ "$(cat "$T/exits/$ID")" = -1 ]
	! kill -0 "$(cat "$T/pidfile")" 2>/dev/null
}

@test "exit: exit command runs after the exit file, after --exit-delay, with only fds 0-2 (/dev/null)" {
	cat >"$T/exitcmd" <<-EOS
	#!/bin/sh
	cat $T/exits/$ID > $T/exitcmd.seen
	ls /proc/\$\$/fd > $T/exitcmd.fds
	{ readlink /proc/\$\$/fd/0; readlink /proc/\$\$/fd/2; } > $T/exitcmd.stdout
	date +%s.%N > $T/exitcmd.time
	echo "\$@" > $T/exitcmd.args
	EOS
	chmod +x "$T/exitcmd"
	FAKE_CMD='exit 9' run harness -- "${BASE[@]}" \
		--exit-command "$T/exitcmd" --exit-command-arg a --exit-command-arg "b c" --exit-delay 1
	echo "$output"
	[[ "$output" == *eof* ]] # monitor waited for the exit command
	[ "$(cat "$T/exitcmd.seen")" = 9 ]
	[ "$(cat "$T/exitcmd.args")" = "a b c" ]
	cat "$T/exitcmd.stdout" "$T/exitcmd.fds"
	[ "$(cat "$T/exitcmd.stdout" | sort -u)" = /dev/null ]
	# 10 and 11 are dash's own (script, saved stdout during the redirect)
	[ "$(grep -cvE '^(0|1|2|10|11)$' "$T/exitcmd.fds")" -eq 0 ]
	# the delay runs from the exit file, written first, to the command (the file's mtime
	# comes from the coarse clock, so it can only be early)
	awk -v a="$(stat -c %.9Y "$T/exits/$ID")" -v b="$(cat "$T/exitcmd.time")" 'BEGIN { exit !(b - a >= 1.0) }'
}

@test "spawn: runtime argv for create, restore and exec (spec 3.2)" {
	FAKE_ARGV="$T/argv" run harness -- "${BASE[@]}" -s --no-pivot --no-new-keyring \
		--runtime-arg --root=/r --runtime-opt --preserve-fds --runtime-opt 0
	diff <(printf '%s\n' --systemd-cgroup --root=/r create --bundle "$T/b" --pid-file "$T/pidfile" \
		--no-pivot --no-new-keyring --preserve-fds 0 "$ID") "$T/argv"
	FAKE_ARGV="$T/argv" run harness -- "${BASE[@]}" --restore "$T/ckpt" --runtime-opt --tcp-established
	diff <(printf '%s\n' restore --bundle "$T/b" --pid-file "$T/pidfile" --detach --image-path "$T/ckpt" \
		--work-path "$T/b" --tcp-established "$ID") "$T/argv"
	echo '{}' >"$T/p.json"
	FAKE_ARGV="$T/argv" run harness -- "${BASE[@]}" -s -e --exec-process-spec "$T/p.json" -t
	head -n 6 "$T/argv" | diff <(printf '%s\n' exec --pid-file "$T/pidfile" --process "$T/p.json" --detach) - || true
	[ "$(sed -n 1p "$T/argv")" = exec ]
	[ "$(sed -n 7p "$T/argv")" = --console-socket ]
	[[ "$(sed -n 8p "$T/argv")" == /tmp/conmon-term.* ]]
	[ "$(sed -n 9p "$T/argv")" = "$ID" ]
}

@test "spawn: the runtime inherits no monitor fds, stdio fds are world-accessible" {
	FAKE_FDS="$T/fds" run harness -- "${BASE[@]}"
	echo "$output"
	cat "$T/fds"
	# dash keeps its script on 10 and a saved stdout on 11; nothing of the monitor's
	! grep -qE 'socket:|ctr\.log|ptmx|/dev/null' <(grep -vE ' 0 -> ' "$T/fds")
	[ "$(awk 'NR > 1 { print $9 }' "$T/fds" | grep -cvE '^(0|1|2|10|11)$')" -eq 0 ]
}

@test "spawn: LISTEN_PID is rewritten for the runtime with --replace-listen-pid" {
	FAKE_CMD='echo "lp=$LISTEN_PID pp=$PPID"' LISTEN_PID=1 LISTEN_FDS=0 run harness -- "${BASE[@]}" --replace-listen-pid
	echo "$output"
	grep -q ' stdout F lp=[0-9]' "$T/ctr.log"
	! grep -q ' stdout F lp=1 ' "$T/ctr.log"
}

@test "spawn: stdio pipes are mode 0777 for the container; /dev/null is never touched" {
	before=$(stat -c %a /dev/null) # mode only: other tests on this host touch its ctime
	FAKE_CMD='stat -L -c %a /proc/self/fd/1; stat -L -c %a /proc/self/fd/2' run harness -- "${BASE[@]}"
	cat "$T/ctr.log"
	[ "$(k8s_content "$T/ctr.log" | sort -u)" = 777 ]
	[ "$(stat -c %a /dev/null)" = "$before" ]
}

@test "cli: -0 is --persist-dir" {
	FAKE_CMD='exit 5' run harness -- "${BASE[@]}" -0 "$T/persist"
	[ "$(cat "$T/persist/exit")" = 5 ]
}

@test "exit: SIGTERM while the runtime still runs goes to the runtime; failure is reported" {
	FAKE_MODE=hang run harness --after-daemon "sleep 0.3; kill -TERM \$(cat $T/conmon.pid)" -- "${BASE[@]}"
	echo "$output"
	[[ "$output" == *'{"data": -1, "message": "runtime `'*'` killed by signal 15"}'* ]]
	[ ! -e "$T/exits/$ID" ]
	[[ "$output" == *eof* ]]
}

@test "exit: inherited fds stay open while the container runs and are closed at exit" {
	# (closing them right before the exit files is a few microseconds' window: not testable here)
	FAKE_CMD='sleep 0.5' run harness --extra-fd-check "$T/exits/$ID" --after-pid "sleep 0.2; echo running" \
		-- "${BASE[@]}"
	echo "$output"
	[[ "$output" == *"extra-fd closed, exit file "* ]]
	[ "$(echo "$output" | grep -n 'running' | cut -d: -f1)" -lt "$(echo "$output" | grep -n 'extra-fd' | cut -d: -f1)" ]
	[ "$(cat "$T/exits/$ID")" = 0 ]
}

@test "exit: SIGTERM before the runtime exists ends the monitor with status 1" {
	skip_under_valgrind "pgrep cannot find silomon by its command line"
	harness --start-delay 3 -- "${BASE[@]}" >"$T/out" &
	for i in $(seq 50); do pid=$(pgrep -f -- "^$SILOMON --api-version 1 -c $ID" | head -n1); [ -n "$pid" ] && break; sleep 0.1; done
	[ -n "$pid" ]
	sleep 0.3
	kill -TERM "$pid"
	wait
	cat "$T/out"
	grep -q 'first_rc=1' "$T/out"
	[ ! -e "$T/pidfile" ]
}

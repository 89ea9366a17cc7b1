#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# silomon under faults, with silo (and runc) as the runtime: the monitor SIGKILLed, the engine
# SIGKILLed, a runtime that hangs in create (-T), a full log filesystem. Everything runs below a
# child subreaper (mon.py reaper), which proves that no process of the test outlives it.
load helpers

SILO=${SILO:-$MONDIR/../runtime/silo}

setup_file() {
	export RT_DIR=$(mktemp -d /tmp/silomon-rootfs.XXXXXX)
	export ROOTFS=$RT_DIR/rootfs
	make_rootfs "$ROOTFS"
}

teardown_file() {
	rm -rf "$RT_DIR"
}

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -x "$RUNC" ] || skip "runc not installed (its \`spec\` makes the bundles)"
	[ -x "$ROOTFS/bin/busybox" ] || skip "busybox-static not installed"
	common_setup
}

# kill_tree PID: SIGKILL PID and every descendant (a failed test's leftovers).
kill_tree() {
	local c
	kill -STOP "$1" 2>/dev/null || return 0
	for c in $(ps -o pid= --ppid "$1"); do kill_tree "$c"; done
	kill -9 "$1" 2>/dev/null || true
}

teardown() {
	if [ -f "$T/reaper.pid" ]; then kill_tree "$(cat "$T/reaper.pid")"; fi
	if [ -n "${RT:-}" ] && [ -d "$T/root" ]; then
		"$RT" --root "$T/root" delete -f "$ID" >/dev/null 2>&1 || true
	fi
	common_teardown
}

# use_runtime PATH: the runtime for this test, with a private --root.
use_runtime() {
	RT=$1
	[ -x "$RT" ] || skip "$RT not built or not installed"
	RBASE=("${BASE[@]}")
	RBASE[7]=$RT # the value of -r
	RBASE+=(--runtime-arg "--root=$T/root")
}

# bundle ARGS...: a busybox bundle in its own cgroup, named after the test's unique id, without
# the ambient capabilities of `runc spec` (silo refuses them: they are not inheritable).
bundle() {
	make_bundle "$T/b" false "$@"
	jq --arg cg "/$ID" '.linux.cgroupsPath = $cg | del(.process.capabilities.ambient)' "$T/b/config.json" >"$T/b/c.json"
	mv "$T/b/c.json" "$T/b/config.json"
}

rt() { "$RT" --root "$T/root" "$@"; }

# engine [harness options] -- [monitor args]: the harness plays the engine, in the background
# below a subreaper; $T/reaped appears once no descendant (monitor, container, exit command,
# runtime) is left. Output in $T/out.
engine() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	python3 "$HARNESS" reaper --timeout 60 --pid-file "$T/reaper.pid" --done "$T/reaped" -- \
		timeout 60 python3 "$HARNESS" run "${opts[@]}" -- "$SILOMON" "$@" >"$T/out" 2>&1 3>&- &
}

wait_status() { # wait_status STATUS: the runtime reports it within 5 s
	local i
	for i in $(seq 50); do
		[ "$(rt state "$ID" 2>/dev/null | jq -r .status)" = "$1" ] && return 0
		sleep 0.1
	done
	rt state "$ID" || cat "$T/out"
	return 1
}

wait_alive() { # wait_alive PIDFILE: its process exists
	wait_for_file "$1" && kill -0 "$(cat "$1")"
}

# Nothing of the container is left: no state, no cgroup, no process below the reaper.
nothing_left() {
	wait_for_file "$T/reaped" 100 || { cat "$T/out"; ps -ef --forest | tail -20; return 1; }
	cat "$T/reaped"
	[ -z "$(rt list -q 2>/dev/null)" ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$ID" 2>/dev/null)" ]
}

# 1. The monitor dies (SIGKILL) while the container runs: the container is the runtime's, not
#    the monitor's, so state/kill/delete keep working and nothing is left.
monitor_killed() {
	use_runtime "$1"
	bundle sh -c 'echo started; exec sleep 600'
	engine --after-pid "$RT --root $T/root start $ID" -- "${RBASE[@]}"
	wait_status running
	wait_alive "$T/conmon.pid"
	kill -9 "$(cat "$T/conmon.pid")"
	wait_for_file "$T/out" && for i in $(seq 50); do grep -q '^eof' "$T/out" && break; sleep 0.1; done
	cat "$T/out"
	grep -q '^eof' "$T/out" # the engine sees the monitor go (EOF on the sync fd)
	sleep 0.2
	wait_status running
	pid=$(rt state "$ID" | jq -r .pid)
	kill -0 "$pid"
	rt kill "$ID" KILL
	wait_status stopped
	rt delete "$ID"
	nothing_left
	[ ! -e "$T/exits/$ID" ] # nobody was left to write it
}

@test "faults: silomon SIGKILLed, silo container keeps running; state, kill, delete work" {
	monitor_killed "$SILO"
}

@test "faults: silomon SIGKILLed, runc container keeps running; state, kill, delete work" {
	monitor_killed "$RUNC"
}

# 2. The engine dies (SIGKILL) right after the PID arrived: silomon stays, records the exit
#    code in the exit dir and the persist dir, keeps logging and runs the exit command.
engine_killed() {
	use_runtime "$1"
	bundle sh -c 'trap "echo bye; exit 5" TERM; echo ready; while :; do sleep 0.1; done'
	engine --after-pid "$RT --root $T/root start $ID; echo \$PPID >$T/engine.pid; kill -9 \$PPID" -- "${RBASE[@]}" \
		--persist-dir "$T/persist" --exit-command /usr/bin/touch --exit-command-arg "$T/exit-command-ran"
	wait_status running
	wait_alive "$T/conmon.pid"
	wait_for_file "$T/engine.pid"
	for i in $(seq 50); do kill -0 "$(cat "$T/engine.pid")" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$(cat "$T/engine.pid")" 2>/dev/null # the engine is gone
	sleep 0.3
	kill -0 "$(cat "$T/conmon.pid")"    # the monitor is not
	rt kill "$ID" TERM
	wait_for_file "$T/exit-command-ran"
	cat "$T/out" "$T/ctr.log"
	[ "$(cat "$T/exits/$ID")" = 5 ]
	[ "$(cat "$T/persist/exit")" = 5 ]
	grep -q ' stdout F ready$' "$T/ctr.log"
	grep -q ' stdout F bye$' "$T/ctr.log" # logged after the engine died
	wait_status stopped
	rt delete "$ID"
	nothing_left
}

@test "faults: engine SIGKILLed, silo container: exit code recorded, exit command runs" {
	engine_killed "$SILO"
}

@test "faults: engine SIGKILLed, runc container: exit code recorded, exit command runs" {
	engine_killed "$RUNC"
}

# 3. The runtime hangs in create: -T bounds it. The runtime is killed, the engine gets the
#    error on the sync fd, the monitor exits, nothing is left.
@test "faults: a runtime hanging in create is killed after -T; the engine gets the error" {
	FAKE_MODE=hang engine -- "${BASE[@]}" -T 2
	wait_alive "$T/conmon.pid"
	start=$SECONDS
	wait_for_file "$T/reaped" 150
	cat "$T/out"
	[ $((SECONDS - start)) -le 8 ]
	grep -q '^sync(valid,[0-9]*): {"data": -1, "message": "runtime .*fake-runtime. did not finish within 2 seconds' "$T/out"
	grep -q '^eof' "$T/out"
	[ ! -e "$T/exits/$ID" ]
	[ ! -e "$T/b/attach" ]
}

@test "faults: silo hanging in a createRuntime hook is killed after -T; delete -f cleans up" {
	use_runtime "$SILO"
	bundle true
	jq '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "600"]}]' "$T/b/config.json" >"$T/b/c.json"
	mv "$T/b/c.json" "$T/b/config.json"
	engine -- "${RBASE[@]}" -T 2
	wait_alive "$T/conmon.pid"
	for i in $(seq 100); do grep -q '^eof' "$T/out" 2>/dev/null && break; sleep 0.1; done
	cat "$T/out"
	grep -q '^sync(valid,[0-9]*): {"data": -1, "message": "runtime .*silo. did not finish within 2 seconds' "$T/out"
	# what podman does after a failed create
	rt delete -f "$ID" || true
	nothing_left
}

# 4. The k8s-file log fills its filesystem. Run in a private mount namespace: a 64 KiB tmpfs for
#    the log, and an overlay on /dev whose /dev/log is a stand-in syslog (mon.py journal --raw),
#    so --syslog diagnostics can be read. Both vanish with the namespace. (LOG_FULL_TIMEOUT=10
#    SILOMON=/usr/bin/conmon shows conmon 2.1.6: a warning per record, no reason, no amount.)
log_full() { # log_full MONITOR ARGS...: sets $T/out, $T/syslog, $T/full.log, $T/df
	cat >"$T/ns.sh" <<'NS'
set -e
mkdir -p "$T/old" "$T/ov" "$T/logfs"
mount --rbind /dev "$T/old"
mount -t tmpfs -o size=1m tmpfs "$T/ov"
mkdir "$T/ov/u" "$T/ov/w"
mount -t overlay overlay -o "lowerdir=/dev,upperdir=$T/ov/u,workdir=$T/ov/w" /dev
for m in pts shm mqueue; do [ ! -d "$T/old/$m" ] || mount --rbind "$T/old/$m" "/dev/$m"; done
python3 "$HARNESS" journal --raw /dev/log "$T/syslog" &
jpid=$!
for i in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
mount -t tmpfs -o size=64k tmpfs "$T/logfs"
rc=0
timeout "${LOG_FULL_TIMEOUT:-60}" python3 "$HARNESS" run --after-pid "$AFTER_PID" -- "$@" >"$T/out" 2>&1 || rc=$?
cp "$T/logfs/ctr.log" "$T/full.log" || true
df -k "$T/logfs" >"$T/df"
kill $jpid
exit $rc
NS
	export T HARNESS
	python3 "$HARNESS" reaper --timeout "${LOG_FULL_TIMEOUT:-60}" --pid-file "$T/reaper.pid" --done "$T/reaped" -- \
		unshare -m --propagation private bash "$T/ns.sh" "$@" 3>&-
}

@test "faults: k8s-file log on a full filesystem: the container is not blocked, the loss is reported" {
	use_runtime "$SILO"
	# 8 MB of output (the log fs holds 64 KiB), then a last line on stderr, then exit 3
	bundle sh -c 'echo first; yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 8000000; echo; echo last >&2; exit 3'
	RBASE[15]=k8s-file:$T/logfs/ctr.log
	start=$SECONDS
	AFTER_PID="$RT --root $T/root start $ID" log_full "$SILOMON" "${RBASE[@]}" --syslog ||
		echo "log_full failed: $?"
	elapsed=$((SECONDS - start))
	cat "$T/out" "$T/df" "$T/syslog" 2>/dev/null || true
	echo "elapsed: $elapsed s"
	[ "$(cat "$T/exits/$ID")" = 3 ]
	[ "$elapsed" -le 20 ]
	grep -q '^eof' "$T/out"
	# the log holds whole records only, the first one included
	head -n1 "$T/full.log" | grep -q ' stdout F first$'
	[ -z "$(grep -avE '^[0-9T:.+-]+ (stdout|stderr) [FP] ' "$T/full.log")" ]
	# the loss is reported, with the reason and the amount, without a warning per write
	grep -q 'No space left on device' "$T/syslog"
	lost=$(sed -nE 's/.*lost ([0-9]+) bytes of container output in [0-9]+ records in total.*/\1/p' "$T/syslog")
	# bytes in the log: each record's content, plus its newline unless it is partial (P)
	logged=$(($(k8s_content "$T/full.log" | wc -c) - $(grep -acE '^[^ ]+ std(out|err) P ' "$T/full.log")))
	echo "lost $lost, logged $logged"
	# first\n, the 8 MB, \n, last\n; +-2: an empty F record after a P one is either the
	# container's newline or the line end added at exit, the log cannot tell which
	diff=$((lost + logged - (6 + 8000000 + 1 + 5)))
	[ "$diff" -ge -2 ] && [ "$diff" -le 2 ]
	[ "$(grep -c 'ctr.log' "$T/syslog")" -le 3 ]
	rt delete "$ID"
	nothing_left
}

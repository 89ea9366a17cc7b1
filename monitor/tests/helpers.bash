# SPDX-License-Identifier: GPL-2.0-or-later
# Shared bats helpers for silomon tests: temp dirs, unique ids, the engine harness (mon.py),
# busybox bundles for runc, and teardown that removes every container and process.
MONDIR=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
SILOMON=${SILOMON:-$MONDIR/silomon}
HARNESS="$BATS_TEST_DIRNAME/mon.py"
FAKE="$BATS_TEST_DIRNAME/fake-runtime"
RUNC=${RUNC:-/usr/sbin/runc}

common_setup() {
	T=$(mktemp -d /tmp/silomon-test.XXXXXX)
	ID="silomon-test-$$-${BATS_TEST_NUMBER}-${RANDOM}"
	mkdir -p "$T/b" "$T/exits" "$T/persist" "$T/root"
	BASE=(--api-version 1 -c "$ID" -u "$ID" -r "$FAKE" -b "$T/b" -p "$T/pidfile"
		--exit-dir "$T/exits" -l "k8s-file:$T/ctr.log" --conmon-pidfile "$T/conmon.pid" --full-attach)
}

common_teardown() {
	[ -n "$T" ] || return 0
	if [ -f "$T/conmon.pid" ]; then kill -9 "$(cat "$T/conmon.pid")" 2>/dev/null || true; fi
	if [ -f "$T/pidfile" ]; then kill -9 "$(cat "$T/pidfile")" 2>/dev/null || true; fi
	if [ -f "$T/journal.pid" ]; then kill "$(cat "$T/journal.pid")" 2>/dev/null || true; fi
	if [ -d "$T/root" ] && [ -x "$RUNC" ]; then
		for c in $("$RUNC" --root "$T/root" list -q 2>/dev/null); do
			"$RUNC" --root "$T/root" delete -f "$c" >/dev/null 2>&1 || true
		done
	fi
	rm -rf "$T"
}

# harness [harness options] -- [monitor args]: play the engine against $SILOMON.
harness() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	timeout 60 python3 "$HARNESS" run "${opts[@]}" -- "$SILOMON" "$@" 3>&-
}

attach_client() {
	timeout 30 python3 "$HARNESS" attach "$@" 3>&-
}

# The sync message with the container PID.
sync_pid() {
	echo "$output" | sed -n 's/^sync(valid,[0-9]*): {"data": \([0-9]*\)}$/\1/p' | head -n1
}

k8s_content() { # content of every k8s-file record, one per line
	sed -E 's/^[^ ]+ (stdout|stderr) [FP] //' "$1"
}

# A busybox rootfs shared by the tests of one file.
make_rootfs() {
	local r=$1
	[ -x /bin/busybox ] || return 0 # tests skip when $r/bin/busybox is missing
	mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/etc"
	cp /bin/busybox "$r/bin/busybox"
	for a in $("$r/bin/busybox" --list-full); do
		mkdir -p "$r/$(dirname "$a")"
		[ -e "$r/$a" ] || ln -s /bin/busybox "$r/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
}

# make_bundle DIR TERMINAL ARGS...: config.json from `runc spec` pointing at $ROOTFS.
make_bundle() {
	local dir=$1 term=$2
	shift 2
	mkdir -p "$dir"
	(cd "$dir" && "$RUNC" spec)
	local args
	args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jq --argjson a "$args" --arg r "$ROOTFS" --argjson t "$term" \
		'.process.args = $a | .process.terminal = $t | .root.path = $r | .root.readonly = true' \
		"$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# Under monitor/tests/valgrind: for tests bound to silomon's start-up time or its process name.
skip_under_valgrind() {
	[ -z "${SILOMON_VALGRIND:-}" ] || skip "under valgrind: $1"
}

wait_for_file() { # wait_for_file PATH [tenths]
	local i=0 n=${2:-50}
	while [ ! -e "$1" ] && [ $i -lt "$n" ]; do sleep 0.1; i=$((i + 1)); done
	[ -e "$1" ]
}

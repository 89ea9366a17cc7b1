#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Parity: the same engine-side scenarios against silomon and Debian's conmon (/usr/bin/conmon).
# Where conmon 2.1.6 has a known bug (spec section 11) the test checks silomon's fixed behaviour
# and that conmon still shows the bug, so a conmon upgrade that fixes it is noticed.
load helpers

CONMON=${CONMON:-/usr/bin/conmon}

setup() {
	[ -x "$CONMON" ] || skip "conmon not installed"
	common_setup
	ORIG_SILOMON=$SILOMON
}
teardown() {
	SILOMON=$ORIG_SILOMON
	common_teardown
}

# both ARGS...: run the harness with each monitor; results in $T/<name>.{out,log,exit}
both() {
	local name mon
	for name in silomon conmon; do
		[ $name = silomon ] && mon=$ORIG_SILOMON || mon=$CONMON
		rm -rf "$T/exits"/* "$T/ctr.log" "$T/b"/*
		SILOMON=$mon harness "$@" >"$T/$name.out" 2>&1 || true
		sleep 0.2
		cp "$T/ctr.log" "$T/$name.log" 2>/dev/null || touch "$T/$name.log"
		cat "$T/exits/$ID" >"$T/$name.exit" 2>/dev/null || echo missing >"$T/$name.exit"
		sed -E 's/: [0-9]+\}/: PID}/; s/^(sync|attach)\(valid,[0-9]+\)/\1(valid)/' "$T/$name.out" >"$T/$name.norm"
		echo "== $name"; cat "$T/$name.out"
	done
}

strip_ts() { sed -E 's/^[^ ]+ //' "$1"; }

@test "parity: create, output on both streams, exit code, k8s-file log" {
	export FAKE_CMD='echo out; echo err >&2; echo; exit 3'
	both -- "${BASE[@]}"
	diff "$T/silomon.norm" "$T/conmon.norm"
	diff "$T/silomon.exit" "$T/conmon.exit"
	diff <(strip_ts "$T/silomon.log" | sort) <(strip_ts "$T/conmon.log" | sort)
}

@test "parity: runtime failure with stderr text gives the same sync message" {
	export FAKE_MODE=fail FAKE_ERR='fake: cannot do it'
	both -- "${BASE[@]}"
	diff "$T/silomon.norm" "$T/conmon.norm"
}

@test "parity: legacy create and legacy exec --sync messages" {
	both -- -c "$ID" -u "$ID" -r "$FAKE" -b "$T/b" -p "$T/pidfile" --exit-dir "$T/exits" -l none
	diff "$T/silomon.norm" "$T/conmon.norm"
	echo '{}' >"$T/p.json"
	FAKE_CMD='exit 4' both --sync-mode -- -c "$ID" -r "$FAKE" -p "$T/pidfile" -e --exec-process-spec "$T/p.json" \
		--sync -l none
	diff "$T/silomon.norm" "$T/conmon.norm"
}

@test "parity: validation messages match" {
	for args in "-u x -r $FAKE -l none" "-c x -r $FAKE -l none" "-c x -u x -l none" "-c x -u x -r $FAKE" \
		"-c x -u x -r $FAKE -l bogus:/x" "-c x -u x -r $FAKE -l none --exec-attach"; do
		run "$ORIG_SILOMON" $args
		s=$(echo "$output" | sed -E 's/^(\[conmon:e\]:? ?|conmon: )//')
		run "$CONMON" $args
		c=$(echo "$output" | sed -E 's/^(\[conmon:e\]:? ?|conmon: )//')
		echo "silomon: $s / conmon: $c"
		[ "$s" = "$c" ]
	done
}

@test "parity (known conmon bug #617): silent runtime failure: conmon sends nothing" {
	export FAKE_MODE=fail-silent
	both -- "${BASE[@]}"
	grep -q '^sync(valid): {"data": -1, "message": ' "$T/silomon.norm"
	! grep -q '^sync(' "$T/conmon.norm"
}

@test "parity (known conmon bug PR #566): two ctl lines in one write" {
	export FAKE_CMD='echo one; sleep 1; echo two'
	both --after-pid "sleep 0.4; mv $T/ctr.log $T/rotated; printf '7 0 0\n2 0 0\n' > $T/b/ctl" -- "${BASE[@]}"
	grep -q 'stdout F two$' "$T/silomon.log" # reopened
	[ ! -s "$T/conmon.log" ]                  # conmon never reopened: 'two' went to the renamed file
}

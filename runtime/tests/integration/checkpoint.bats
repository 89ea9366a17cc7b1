#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# checkpoint and restore through CRIU: the refusals (missing id, stopped container,
# no criu, criu that cannot run on this kernel) leave everything as it was; where
# `criu check` passes, a counting container continues after checkpoint + restore.

load helpers

# A container counting into $OUT/count (a bind mount: an external mount for CRIU).
counting_ctr() {
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
	# write + rename: a reader never sees a truncated file
	set_args sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/out/c; mv /out/c /out/count; sleep 0.05; done'
	update_config '.mounts += [{"destination": "/out", "type": "bind", "source": $s,
		"options": ["rbind", "rw"]}]' --arg s "$OUT"
	silo run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	for _ in $(seq 50); do [ -s "$OUT/count" ] && return 0; sleep 0.05; done
	fail_with "the counter did not start"
}

count() { cat "$OUT/count"; }

status_of() { silo state "$1" | jq -r .status; }

# PATH without any directory that holds a criu binary.
path_without_criu() {
	local d p=
	local IFS=:
	for d in $PATH; do
		[ -x "$d/criu" ] || p=${p:+$p:}$d
	done
	echo "$p"
}

criu_works() { command -v criu >/dev/null && criu check >/dev/null 2>&1; }

requires_criu_works() {
	criu_works || skip "criu check fails here: $(criu check 2>&1 | grep -m1 Error || echo 'criu is not installed')"
}

requires_criu_broken() {
	command -v criu >/dev/null || skip "criu is not installed"
	! criu_works || skip "criu works on this kernel"
}

@test "checkpoint --help and restore --help succeed (podman probes them)" {
	run silo checkpoint --help
	[ "$status" -eq 0 ]
	for f in --image-path --work-path --leave-running --tcp-established --pre-dump; do
		[[ $output == *"$f"* ]] || fail_with "checkpoint --help lacks $f"
	done
	run silo restore --help
	[ "$status" -eq 0 ]
	[[ $output == *--bundle* && $output == *--detach* && $output == *--pid-file* ]]
}

@test "checkpoint of a missing container fails and names it" {
	run silo checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$status" -eq 1 ]
	[[ $output == *"container \`$ID\` does not exist"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/img" ]
}

@test "checkpoint of a stopped container fails; the container stays" {
	set_args true
	silo create --bundle "$BUNDLE" "$ID"
	silo start "$ID"
	for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.05; done
	run silo checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$status" -eq 1 ]
	[[ $output == *"container not running (status stopped)"* ]]
	[ "$(status_of "$ID")" = stopped ]
	silo delete "$ID"
	assert_clean
}

@test "checkpoint without criu on PATH: a clear error, the container keeps running" {
	counting_ctr
	run env PATH="$(path_without_criu)" "$SILO" --root "$IT_ROOT" checkpoint \
		--image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$status" -eq 1 ]
	[[ $output == *"needs CRIU, but no \`criu\` binary is on \$PATH"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/img" ]
	[ "$(status_of "$ID")" = running ]
	local n=$(count)
	sleep 0.2
	[ "$(count)" -gt "$n" ]
	silo delete -f "$ID"
	assert_clean
}

@test "--criu names a missing binary; a bad --manage-cgroups-mode is refused" {
	counting_ctr
	run silo --criu /nonexistent/criu checkpoint "$ID"
	[ "$status" -eq 1 ]
	[[ $output == *"--criu \`/nonexistent/criu\`"* ]]
	run silo checkpoint --manage-cgroups-mode bogus "$ID"
	[ "$status" -eq 1 ]
	[[ $output == *"\`bogus\` is not soft, full, strict or ignore"* ]]
	[ "$(status_of "$ID")" = running ]
	silo delete -f "$ID"
	assert_clean
}

@test "restore without criu: a clear error and nothing left behind" {
	mkdir -p "$BATS_TEST_TMPDIR/img"
	run env PATH="$(path_without_criu)" "$SILO" --root "$IT_ROOT" restore -d \
		--bundle "$BUNDLE" --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$status" -eq 1 ]
	[[ $output == *"restore \`$ID\`: checkpoint/restore needs CRIU"* ]]
	assert_clean
}

@test "restore onto an existing id fails without touching it" {
	counting_ctr
	run silo restore -d --bundle "$BUNDLE" --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$status" -eq 1 ]
	[[ $output == *"container \`$ID\` already exists"* ]]
	[ "$(status_of "$ID")" = running ]
	silo delete -f "$ID"
	assert_clean
}

@test "criu that cannot run on this kernel: checkpoint and restore say why" {
	requires_criu_broken
	counting_ctr
	run silo checkpoint --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$status" -eq 1 ]
	[[ $output == *"CRIU cannot checkpoint/restore on this kernel (Linux $(uname -r))"* ]]
	[[ $output == *"check\` failed: "* ]]
	[ ! -e "$BATS_TEST_TMPDIR/img" ]
	[ "$(status_of "$ID")" = running ]
	silo delete -f "$ID"
	mkdir -p "$BATS_TEST_TMPDIR/img"
	run silo restore -d --bundle "$BUNDLE" --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ "$status" -eq 1 ]
	[[ $output == *"restore \`$ID\`: CRIU cannot checkpoint/restore on this kernel"* ]]
	assert_clean
}

@test "checkpoint + restore: the counter continues, state/kill/delete work after" {
	requires_criu_works
	counting_ctr
	silo checkpoint --image-path "$BATS_TEST_TMPDIR/img" --work-path "$BATS_TEST_TMPDIR/work" "$ID"
	[ -e "$BATS_TEST_TMPDIR/work/dump.log" ]
	# the dumped processes are gone, and so is the container (runc does the same)
	run silo state "$ID"
	[ "$status" -eq 1 ]
	local n=$(count)
	sleep 0.2
	[ "$(count)" = "$n" ]
	silo restore -d --bundle "$BUNDLE" --image-path "$BATS_TEST_TMPDIR/img" \
		--work-path "$BATS_TEST_TMPDIR/work" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" \
		</dev/null >/dev/null 2>&1
	[ "$(status_of "$ID")" = running ]
	[ "$(silo state "$ID" | jq .pid)" = "$(cat "$BATS_TEST_TMPDIR/pid")" ]
	sleep 0.3
	# continued from n, not restarted from 1
	[ "$(count)" -gt "$n" ]
	silo kill "$ID" KILL
	for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.05; done
	silo delete "$ID"
	assert_clean
}

@test "checkpoint --leave-running: the container keeps counting" {
	requires_criu_works
	counting_ctr
	silo checkpoint --leave-running --image-path "$BATS_TEST_TMPDIR/img" "$ID"
	[ -e "$BATS_TEST_TMPDIR/img/inventory.img" ]
	[ "$(status_of "$ID")" = running ]
	local n=$(count)
	sleep 0.2
	[ "$(count)" -gt "$n" ]
	silo delete -f "$ID"
	assert_clean
}

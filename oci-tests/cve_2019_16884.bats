#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# CVE-2019-16884, CVE-2019-19921, CVE-2023-27561, CVE-2023-28642: procfs writes of the
# runtime (sysctls, oom_score_adj, LSM labels) redirected by a rootfs whose /proc is a
# symlink or by a mount over /proc.  Requirement (contract 16.5): such a rootfs or mount
# is refused, or the writes still reach the real procfs.

load helpers

@test "config.md#mounts: a rootfs whose /proc is a symlink is refused or still gets a real procfs (CVE-2023-27561)" {
	rmdir "$ROOTFS/proc"
	mkdir "$ROOTFS/fakeproc"
	ln -s fakeproc "$ROOTFS/proc"
	update_config '.process.oomScoreAdj = 321'
	run_init cat /proc/self/oom_score_adj
	[ "$status" -ne 0 ] && return 0
	expect_output 321
	[ -z "$(ls -A "$ROOTFS/fakeproc")" ] || fail "runtime wrote into the symlink target"
}

@test "config.md#mounts: a bind mount over /proc/self is refused (CVE-2019-16884)" {
	mkdir -p "$BATS_TEST_TMPDIR/fake-self/attr"
	update_config '.mounts += [{"destination": "/proc/self", "source": $s, "options": ["bind"]}]' \
		--arg s "$BATS_TEST_TMPDIR/fake-self"
	expect_create_fails
}

# The attack itself: the LSM label the runtime writes for the program goes to a file of
# the bundle instead of procfs. The bind's target is the init's own attr directory (the
# runtime resolves /proc/self when it mounts), so the container works: refusing is all
# that stops it.
@test "config.md#mounts: a bind mount over /proc/self/attr is refused (CVE-2019-16884)" {
	mkdir -p "$BATS_TEST_TMPDIR/fake-attr"
	update_config '.mounts += [{"destination": "/proc/self/attr", "source": $s, "options": ["bind"]}]' \
		--arg s "$BATS_TEST_TMPDIR/fake-attr"
	expect_create_fails
}

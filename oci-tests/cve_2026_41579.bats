#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# CVE-2026-41579 (runc), CVE-2026-47766 (crun): an image whose /dev is a symlink made the
# runtime create device nodes and links outside the rootfs.  CVE-2021-30465 (runc),
# CVE-2019-18837 (crun): mount destinations with symlinks escaped the rootfs.
# Requirement (config.md "Mounts": destinations are inside the rootfs; contract 16.3/16.8):
# nothing is created outside the rootfs; refusing the bundle is fine.

load helpers

setup() {
	oci_setup
	OUTSIDE=$BATS_TEST_TMPDIR/outside
	mkdir -p "$OUTSIDE"
}

expect_outside_untouched() {
	[ -z "$(ls -A "$OUTSIDE")" ] || fail "created outside the rootfs: $(ls -A "$OUTSIDE")"
}

@test "config-linux.md#default-devices: a /dev symlink in the image creates nothing outside the rootfs (CVE-2026-41579)" {
	update_config '.mounts |= map(select(.destination | startswith("/dev") | not))'
	rmdir "$ROOTFS/dev"
	ln -s "$OUTSIDE" "$ROOTFS/dev"
	run_init true
	expect_outside_untouched
}

@test "config.md#mounts: a /dev symlink in the image does not redirect the /dev mount (CVE-2026-41579)" {
	rmdir "$ROOTFS/dev"
	ln -s "$OUTSIDE" "$ROOTFS/dev"
	run_init true
	expect_outside_untouched
}

@test "config.md#mounts: a destination through an absolute symlink stays in the rootfs (CVE-2021-30465)" {
	ln -s "$OUTSIDE" "$ROOTFS/evil"
	update_config '.mounts += [{"destination": "/evil/sub/dir", "type": "tmpfs", "source": "tmpfs"}]'
	run_init true
	expect_outside_untouched
}

@test "config.md#mounts: a destination through a relative symlink stays in the rootfs (CVE-2021-30465)" {
	ln -s ../../../../../../../../../../.."$OUTSIDE" "$ROOTFS/evil"
	update_config '.mounts += [{"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"}]'
	run_init true
	expect_outside_untouched
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# CVE-2025-31133 (runc): masked paths were covered by a bind of the container's /dev/null,
# which the image may make a symlink to a procfs file, unmasking or exposing that file.
# Requirement (config-linux.md "Masked Paths"; contract 16.6): masked paths stay unreadable
# and no procfs file becomes writable.
# The symlink targets the container's own hostname (UTS-namespaced): a vulnerable runtime
# must not be able to damage the host (a global file such as core_pattern would be).

load helpers

setup() {
	oci_setup
	update_config '.mounts |= map(select(.destination | startswith("/dev") | not))'
	ln -s /proc/sys/kernel/hostname "$ROOTFS/dev/null"
}

@test "config-linux.md#masked-paths: a /dev/null symlink in the image does not unmask paths (CVE-2025-31133)" {
	requires path:/proc/timer_list
	run_init echo start :: cat /proc/timer_list
	[ "$status" -ne 0 ] && return 0
	expect_output start
}

# A runtime that covers a masked path with the image's /dev/null has bound the hostname
# file there, writable: the write through the masked path then renames the container.
@test "config-linux.md#readonly-paths: a /dev/null symlink in the image leaves procfs read-only (CVE-2025-31133)" {
	requires path:/proc/timer_list
	run_init writable /proc/sys/kernel/hostname :: write /proc/timer_list pwned :: uname
	[ "$status" -ne 0 ] && return 0
	expect_output "$(printf '/proc/sys/kernel/hostname EROFS\n/proc/timer_list ok\nhostname=oci-tests domainname=(none)')"
}

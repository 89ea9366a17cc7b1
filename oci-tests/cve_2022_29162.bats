#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# CVE-2022-29162 (runc), CVE-2022-27650 (crun): inheritable capabilities were set from
# other sets, so a non-root program with file capabilities gained them.  Requirement
# (config.md "Linux Process" capabilities): inheritable is exactly what is listed.

load helpers

@test "config.md#linux-process: inheritable set stays empty when not listed (CVE-2022-29162)" {
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	init_ok status CapInh CapAmb
	expect_output "$(printf 'CapInh 0000000000000000\nCapAmb 0000000000000000')"
}

@test "runc-cli#exec: --cap adds to effective but not to inheritable or ambient (CVE-2022-29162)" {
	start_detached pause
	runtime exec --cap CAP_SYS_ADMIN "$CID" /init status CapInh CapAmb :: syscall umount
	expect_status 0
	expect_output "$(printf 'CapInh 0000000000000000\nCapAmb 0000000000000000\numount ENOENT')"
}

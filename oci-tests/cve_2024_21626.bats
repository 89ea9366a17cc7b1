#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# CVE-2024-21626 (runc): a host fd leaked into the container plus process.cwd (or exec
# --cwd) under /proc/self/fd gave the program a working directory on the host.
# Requirement (runtime-linux.md "File descriptors"; contract 16.4): no such cwd is ever
# outside the container: the runtime refuses, or getcwd() shows a path inside the root.

load helpers

# expect_cwd_contained: $status/$output of `init cwd`; refused or contained.
expect_cwd_contained() {
	[ "$status" -ne 0 ] && return 0
	[[ $output == /* ]] || fail "working directory outside the container: '$output'"
}

@test "runtime-linux.md#file-descriptors: cwd /proc/self/fd/N never leaves the container (CVE-2024-21626)" {
	for fd in 3 4 5 6 7 8 9; do
		update_config '.process.cwd = $c' --arg c "/proc/self/fd/$fd"
		CID=$(new_id) run_init cwd
		expect_cwd_contained
	done
}

@test "runc-cli#exec: --cwd /proc/self/fd/N never leaves the container (CVE-2024-21626)" {
	start_detached pause
	for fd in 3 4 5 6 7 8 9; do
		runtime exec --cwd "/proc/self/fd/$fd" "$CID" /init cwd
		expect_cwd_contained
	done
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# CVE-2024-21626 (runc): a host fd leaked into the container plus process.cwd (or exec
# --cwd) under /proc/self/fd gave the program a working directory on the host.
# Requirement (runtime-linux.md "File descriptors"; contract 16.4): no such cwd is ever
# outside the container: the runtime refuses, or getcwd() shows a path inside the root.

load helpers

# The attack: the caller leaks a host directory to the runtime (fd 9 here), which holds a
# marker file; the program reads the marker relative to its cwd, then prints the cwd.
setup() {
	oci_setup
	HOST_DIR=$BATS_TEST_TMPDIR/host
	mkdir -p "$HOST_DIR"
	touch "$HOST_DIR/host-marker"
}

# expect_cwd_contained: $status/$output of `init read host-marker :: cwd`; refused or
# contained, and the host directory never reached.
expect_cwd_contained() {
	[[ $output != *"host-marker ok"* ]] || fail "the program read a file of the host directory"
	[ "$status" -ne 0 ] && return 0
	[[ $output == *$'\n'/* ]] || fail "working directory outside the container: '$output'"
}

@test "runtime-linux.md#file-descriptors: cwd /proc/self/fd/N never leaves the container (CVE-2024-21626)" {
	for fd in 3 4 5 6 7 8 9; do
		update_config '.process.cwd = $c' --arg c "/proc/self/fd/$fd"
		CID=$(new_id) run_init read host-marker :: cwd 9<"$HOST_DIR"
		expect_cwd_contained
	done
}

@test "runc-cli#exec: --cwd /proc/self/fd/N never leaves the container (CVE-2024-21626)" {
	start_detached pause
	for fd in 3 4 5 6 7 8 9; do
		runtime exec --cwd "/proc/self/fd/$fd" "$CID" /init read host-marker :: cwd 9<"$HOST_DIR"
		expect_cwd_contained
	done
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input: each case must fail with a message naming what, where and why, exit
# non-zero, and leave nothing behind (state dir, cgroup, mount, process).

load helpers

# expect_create_error SUBSTRING: create must fail, mention SUBSTRING, leave nothing.
expect_create_error() {
	run silo create --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ] || fail_with "create succeeded"
	[[ "$output" == *"$1"* ]] || fail_with "expected '$1' in: $output"
	assert_clean
}

@test "bad input: missing config.json" {
	rm "$BUNDLE/config.json"
	expect_create_error "config.json"
	[[ "$output" == *"No such file or directory"* ]]
}

@test "bad input: malformed JSON names the file" {
	printf '{"ociVersion": "1.2.1", "process": {' >"$BUNDLE/config.json"
	expect_create_error "config.json"
}

@test "bad input: wrong type names the JSON path" {
	update_config '.process.args = 42'
	expect_create_error ".process.args"
}

@test "bad input: empty process.args" {
	update_config '.process.args = []'
	expect_create_error ".process.args"
}

@test "bad input: unknown namespace type" {
	update_config '.linux.namespaces += [{"type": "pidd"}]'
	expect_create_error "pidd"
	[[ "$output" == *".linux.namespaces["* ]]
}

@test "bad input: duplicate namespace" {
	update_config '.linux.namespaces += [{"type": "ipc"}]'
	expect_create_error "ipc"
}

@test "bad input: missing rootfs" {
	update_config '.root.path = "/nonexistent-rootfs-silo"'
	expect_create_error "nonexistent-rootfs-silo"
}

@test "bad input: rootfs is a regular file" {
	touch "$BATS_TEST_TMPDIR/file"
	update_config '.root.path = $p' --arg p "$BATS_TEST_TMPDIR/file"
	expect_create_error "Not a directory"
}

@test "bad input: namespace path that does not exist" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/nonexistent/netns" else . end)'
	expect_create_error "/nonexistent/netns"
}

@test "bad input: namespace path of the wrong type" {
	update_config '.linux.namespaces |= map(if .type == "ipc" then .path = "/proc/self/ns/net" else . end)'
	expect_create_error "not a ipc namespace"
}

@test "bad input: ociVersion 2.0.0 is refused" {
	update_config '.ociVersion = "2.0.0"'
	expect_create_error "ociVersion"
}

@test "bad input: unknown rlimit" {
	update_config '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	expect_create_error "RLIMIT_BOGUS"
}

@test "bad input: duplicate rlimit" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}, {"type": "RLIMIT_NOFILE", "soft": 2, "hard": 2}]'
	expect_create_error "RLIMIT_NOFILE"
}

@test "bad input: rlimit above the hard limit we may set" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 4000000, "hard": 4000000}]'
	expect_create_error "RLIMIT_NOFILE"
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "bad input: unknown capability" {
	update_config '.process.capabilities.bounding += ["CAP_BOGUS"]'
	expect_create_error "CAP_BOGUS"
	[[ "$output" == *".process.capabilities.bounding"* ]]
}

@test "bad input: relative cwd" {
	update_config '.process.cwd = "relative/dir"'
	expect_create_error ".process.cwd"
}

@test "bad input: cwd that does not exist" {
	update_config '.process.cwd = "/does/not/exist"'
	expect_create_error "/does/not/exist"
}

@test "bad input: args[0] not found is reported by create" {
	set_args /nonexistent-binary
	expect_create_error "no such file or directory"
	set_args nonexistent-binary
	expect_create_error "executable file not found"
}

@test "bad input: invalid container ids" {
	for id in "bad/id" ".hidden" "" "a b"; do
		run silo create --bundle "$BUNDLE" "$id"
		[ "$status" -ne 0 ]
		[[ "$output" == *"invalid container id"* ]]
	done
	[ -z "$(ls -A "$IT_ROOT")" ]
}

@test "bad input: sysctl outside the container's namespaces" {
	update_config '.linux.sysctl = {"kernel.panic": "1"}'
	expect_create_error "kernel.panic"
}

@test "bad input: terminal without a console socket" {
	update_config '.process.terminal = true'
	expect_create_error "console-socket"
}

@test "bad input: hostname without a uts namespace" {
	update_config '.linux.namespaces |= map(select(.type != "uts"))'
	expect_create_error "uts"
}

@test "bad input: a device over an existing regular file" {
	update_config '.root.readonly = false | .linux.devices = [{"type": "c", "path": "/etc/passwd", "major": 1, "minor": 3}]'
	expect_create_error "/etc/passwd"
}

@test "bad input: a mount that cannot be mounted names its destination" {
	update_config '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["size=notanumber"]}]'
	expect_create_error "/mnt"
}

@test "bad input: bind mount source missing" {
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent-src", "options": ["bind"]}]'
	expect_create_error "/nonexistent-src"
}

@test "bad input: --preserve-fds beyond the open fds" {
	run silo create --preserve-fds 40 --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"preserved-fd"* ]]
	assert_clean
}

@test "bad input: a failing createRuntime hook fails create, runs poststop" {
	update_config '.hooks = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "echo hook-broke >&2; exit 3"]}],
		"poststop": [{"path": "/bin/sh", "args": ["sh", "-c", "touch '"$BATS_TEST_TMPDIR"'/poststop-ran"]}]}'
	expect_create_error "hook-broke"
	[ -e "$BATS_TEST_TMPDIR/poststop-ran" ]
}

@test "bad input: start, kill, state on a container that does not exist" {
	for verb in start state "kill" pause resume; do
		run silo $verb "nonexistent-$ID"
		[ "$status" -eq 1 ]
		[[ "$output" == *"does not exist"* ]]
	done
}

@test "bad input: unknown command and unknown option" {
	run "$SILO" frobnicate
	[ "$status" -ne 0 ]
	[[ "$output" == *"unknown command"* ]]
	run "$SILO" --no-such-option state x
	[ "$status" -ne 0 ]
}

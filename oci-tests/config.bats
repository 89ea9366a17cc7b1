#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# config.md / config-linux.md validity rules: invalid or unsupported values MUST make create
# fail cleanly (runtime.md "create": "If the runtime cannot create the container as
# specified in config.json, it MUST generate an error and a new container MUST NOT be
# created"), while unknown properties MUST be ignored.

load helpers

# invalid FILTER [JQ-OPTIONS...]: apply FILTER to config.json, create must fail cleanly.
invalid() {
	update_config "$@"
	expect_create_fails
}

@test "config.md#extensibility: unknown properties are ignored" {
	update_config '.oci_tests_unknown = {"x": 1} | .process.oci_tests_unknown = true |
		.linux.oci_tests_unknown = [1]'
	init_ok echo fine
	expect_output fine
}

@test "config.md#specification-version: a -dev ociVersion of 1.0.x is accepted" {
	update_config '.ociVersion = "1.0.2-dev"'
	init_ok true
}

@test "config.md#valid-values: config.json that is not JSON is refused" {
	echo '{"ociVersion": ' >"$BUNDLE/config.json"
	expect_create_fails
}

@test "config.md#root: absent root is refused" {
	invalid 'del(.root)'
}

@test "config.md#process: empty args are refused" {
	invalid '.process.args = []'
}

@test "config.md#process: relative cwd is refused" {
	invalid '.process.cwd = "tmp"'
}

@test "config.md#process: a cwd that is a file is refused" {
	invalid '.process.cwd = "/init"'
}

@test "config.md#posix-process: unknown rlimit type is refused" {
	invalid '.process.rlimits += [{"type": "RLIMIT_OCI_TESTS", "soft": 1, "hard": 1}]'
}

@test "config.md#posix-process: duplicate rlimit type is refused" {
	invalid '.process.rlimits += [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 100}]'
}

@test "config.md#posix-process: rlimit soft above hard is refused" {
	invalid '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 200, "hard": 100}]'
}

@test "config.md#posix-process: out-of-range oomScoreAdj is refused" {
	invalid '.process.oomScoreAdj = 5000'
}

@test "config.md#user: negative uid is refused" {
	invalid '.process.user.uid = -1'
}

@test "config-linux.md#namespaces: unknown namespace type is refused" {
	invalid '.linux.namespaces += [{"type": "oci-tests-bogus"}]'
}

@test "config-linux.md#namespaces: duplicate namespace type is refused" {
	invalid '.linux.namespaces += [{"type": "uts"}]'
}

@test "config-linux.md#namespaces: namespace path of another type is refused" {
	invalid '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)'
}

@test "config-linux.md#namespaces: nonexistent namespace path is refused" {
	invalid '.linux.namespaces |= map(if .type == "ipc" then .path = "/oci-tests/no/such/ns" else . end)'
}

@test "config.md#hostname: hostname without a new uts namespace is refused" {
	# the host's own name: harmless should a runtime set it on the host
	invalid '.linux.namespaces |= map(select(.type != "uts")) | .hostname = $h' --arg h "$(uname -n)"
}

@test "config-linux.md#devices: unknown device type is refused" {
	invalid '.linux.devices = [{"path": "/dev/oci-x", "type": "x", "major": 1, "minor": 3}]'
}

@test "config-linux.md#rootfs-mount-propagation: unknown value is refused" {
	invalid '.linux.rootfsPropagation = "oci-tests-bogus"'
}

@test "config.md#mounts: mount without destination is refused" {
	invalid '.mounts += [{"type": "tmpfs", "source": "tmpfs"}]'
}

@test "config.md#mounts: bind mount of a missing source is refused" {
	invalid '.mounts += [{"destination": "/vol", "source": "/oci-tests/no/such/dir", "options": ["bind"]}]'
}

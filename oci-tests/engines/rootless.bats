#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Rootless podman: user nobody without subuid ranges (a single-uid mapping: container root
# is the user), vfs storage, the runtime and monitor under test. Run via ./run.

bats_require_minimum_version 1.5.0
load helpers

IMG=$ENGINE_IMAGE

setup_file() {
	[ -n "${ENGINE_WORK:-}" ] || { echo "run these tests with oci-tests/engines/run" >&2; return 1; }
	rl import --quiet --change 'CMD ["/pause"]' "$ENGINE_WORK/image/rootfs.tar" "$IMG" >/dev/null
}

teardown_file() {
	rl rm -af -t 0 >/dev/null 2>&1 || true
}

@test "rootless: podman info shows rootless mode, the runtime and the monitor" {
	run rl info --format '{{.Host.Security.Rootless}} {{.Host.OCIRuntime.Path}} {{.Host.Conmon.Path}}'
	assert_status 0
	assert_eq "$output" "true $ENGINE_RUNTIME $ENGINE_CONMON"
}

@test "rootless: run --rm prints output; container root is the user" {
	run rl run --rm "$IMG" sh -c 'id -u; cat /proc/self/uid_map'
	assert_status 0
	assert_eq "${lines[0]}" 0
	[[ ${lines[1]} =~ ^[[:space:]]*0[[:space:]]+${ENGINE_RL_UID}[[:space:]]+1$ ]] ||
		{ echo "# uid_map: ${lines[1]}" >&3; false; }
}

@test "rootless: exit code 42 is passed through" {
	run rl run --rm "$IMG" sh -c 'exit 42'
	assert_status 42
}

@test "rootless: run -d runs under the monitor and runtime; exec; stop; rm" {
	local name pid exe id
	name=$(uname_for rl)
	run rl run -d --name "$name" "$IMG" sleep 1000
	assert_status 0
	id=$output
	pid=$(rl inspect --format '{{.State.ConmonPid}}' "$name")
	exe=$(readlink "/proc/$pid/exe")
	assert_eq "$exe" "$ENGINE_CONMON"
	# podman runs the runtime in its user namespace, with XDG_RUNTIME_DIR set.
	run rl unshare "$ENGINE_RUNTIME" state "$id"
	assert_status 0
	assert_eq "$(jq -r .status <<<"$output")" running
	run rl exec "$name" sh -c 'echo in-exec; id -u'
	assert_status 0
	assert_eq "$output" $'in-exec\n0'
	run rl stop -t 2 "$name"
	assert_status 0
	run rl rm "$name"
	assert_status 0
}

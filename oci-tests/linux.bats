#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# config-linux.md "Devices", "Default Devices", "Sysctl", "Masked Paths", "Readonly Paths"
# and runtime-linux.md "Dev symbolic links".

load helpers

# add_device PATH TYPE MAJOR MINOR MODE UID GID (MODE octal, written as a number).
add_device() {
	update_config '.linux.devices += [{"path": $p, "type": $t, "major": ($ma|tonumber),
		"minor": ($mi|tonumber), "fileMode": $m, "uid": ($u|tonumber), "gid": ($g|tonumber)}]' \
		--arg p "$1" --arg t "$2" --arg ma "$3" --arg mi "$4" --argjson m "$((8#$5))" \
		--arg u "$6" --arg g "$7"
}

# expect_default_device PATH MAJ:MIN: a character device, openable.
expect_default_device() {
	init_ok stat "$1" :: read "$1"
	expect_match "^$1 c $2 "
	expect_line "$1 ok"
}

@test "config-linux.md#default-devices: /dev/null" {
	expect_default_device /dev/null 1:3
}

@test "config-linux.md#default-devices: /dev/zero" {
	expect_default_device /dev/zero 1:5
}

@test "config-linux.md#default-devices: /dev/full" {
	expect_default_device /dev/full 1:7
}

@test "config-linux.md#default-devices: /dev/random" {
	expect_default_device /dev/random 1:8
}

@test "config-linux.md#default-devices: /dev/urandom" {
	expect_default_device /dev/urandom 1:9
}

@test "config-linux.md#default-devices: /dev/tty" {
	init_ok stat /dev/tty
	expect_match "^/dev/tty c 5:0 "
}

@test "config-linux.md#default-devices: /dev/ptmx is pts/ptmx (link or bind)" {
	init_ok stat /dev/ptmx :: readlink /dev/ptmx
	grep -qxE '/dev/ptmx -> (/dev/)?pts/ptmx|/dev/ptmx c 5:2 .*' <<<"$output" ||
		fail "/dev/ptmx is neither"
}

@test "config-linux.md#default-devices: default devices stay usable under a deny-all device rule" {
	init_ok write /dev/null x :: read /dev/zero /dev/urandom
	expect_output "$(printf '/dev/null ok\n/dev/zero ok\n/dev/urandom ok')"
}

@test "runtime-linux.md#dev-symbolic-links: /dev/fd" {
	init_ok readlink /dev/fd
	expect_output "/dev/fd -> /proc/self/fd"
}

@test "runtime-linux.md#dev-symbolic-links: /dev/stdin" {
	init_ok readlink /dev/stdin
	expect_output "/dev/stdin -> /proc/self/fd/0"
}

@test "runtime-linux.md#dev-symbolic-links: /dev/stdout" {
	init_ok readlink /dev/stdout
	expect_output "/dev/stdout -> /proc/self/fd/1"
}

@test "runtime-linux.md#dev-symbolic-links: /dev/stderr" {
	init_ok readlink /dev/stderr
	expect_output "/dev/stderr -> /proc/self/fd/2"
}

@test "config-linux.md#devices: character device with mode and owner" {
	add_device /dev/oci-null c 1 3 0640 1000 5
	init_ok stat /dev/oci-null
	expect_output "/dev/oci-null c 1:3 0640 1000:5"
}

@test "config-linux.md#devices: block device" {
	add_device /dev/oci-loop b 7 200 0600 0 0
	init_ok stat /dev/oci-loop
	expect_output "/dev/oci-loop b 7:200 0600 0:0"
}

@test "config-linux.md#devices: fifo" {
	update_config '.linux.devices += [{"path": "/dev/oci-fifo", "type": "p", "fileMode": 420}]'
	init_ok stat /dev/oci-fifo
	expect_match '^/dev/oci-fifo p 0:0 0644 '
}

@test "config-linux.md#devices: device in a missing subdirectory" {
	add_device /dev/sub/dir/oci-zero c 1 5 0666 0 0
	init_ok stat /dev/sub/dir/oci-zero
	expect_match '^/dev/sub/dir/oci-zero c 1:5 '
}

@test "config-linux.md#devices: an existing file at path that is not the device is an error" {
	update_config '.mounts |= map(select(.destination != "/dev"))'
	echo not-a-device >"$ROOTFS/dev/oci-null"
	add_device /dev/oci-null c 1 3 0666 0 0
	expect_create_fails
}

@test "config-linux.md#allowed-device-list: a device not allowed cannot be opened" {
	add_device /dev/kmsg c 1 11 0666 0 0
	init_ok write /dev/kmsg
	expect_output "/dev/kmsg EPERM"
}

@test "config-linux.md#allowed-device-list: an allowed device can be opened" {
	add_device /dev/kmsg c 1 11 0666 0 0
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
	init_ok write /dev/kmsg
	expect_output "/dev/kmsg ok"
}

@test "config-linux.md#masked-paths: a masked file reads as empty" {
	update_config '.linux.maskedPaths += ["/proc/version"]'
	init_ok cat /proc/version
	expect_output ""
}

@test "config-linux.md#masked-paths: a masked directory shows no entries" {
	update_config '.linux.maskedPaths += ["/proc/tty"]'
	init_ok ls /proc/tty
	expect_output ""
}

@test "config-linux.md#masked-paths: masked /proc/timer_list reads as empty" {
	requires path:/proc/timer_list
	init_ok cat /proc/timer_list
	expect_output ""
}

@test "config-linux.md#masked-paths: a missing masked path is ignored" {
	update_config '.linux.maskedPaths += ["/proc/oci-tests-nonexistent"]'
	init_ok true
}

@test "config-linux.md#readonly-paths: /proc/sys is read-only" {
	init_ok write /proc/sys/kernel/hostname x
	expect_output "/proc/sys/kernel/hostname EROFS"
}

@test "config-linux.md#readonly-paths: a read-only directory in the rootfs refuses writes" {
	update_config '.linux.readonlyPaths += ["/tmp"]'
	init_ok create /tmp /
	expect_output "$(printf '/tmp EROFS\n/ ok')"
}

@test "config-linux.md#readonly-paths: a missing read-only path is ignored" {
	update_config '.linux.readonlyPaths += ["/oci-tests-nonexistent"]'
	init_ok true
}

# expect_sysctl KEY VALUE: the container sees VALUE for KEY and the host's value is unchanged
# (a runtime writing the host's sysctl is caught, and the host value put back).
expect_sysctl() {
	local file=/proc/sys/${1//.//} host
	host=$(cat "$file")
	update_config '.linux.sysctl = {($k): $v}' --arg k "$1" --arg v "$2"
	init_ok cat "$file"
	if [ "$(cat "$file")" != "$host" ]; then
		echo "$host" >"$file"
		fail "the host's $1 was changed"
	fi
	expect_output "$2"
}

@test "config-linux.md#sysctl: a net.* sysctl is set in the new network namespace" {
	expect_sysctl net.ipv4.ping_group_range "$(printf '0\t4242')"
}

@test "config-linux.md#sysctl: an IPC sysctl is set in the new ipc namespace" {
	expect_sysctl kernel.msgmax 4242
}

@test "config-linux.md#sysctl: a sysctl outside the container's namespaces is refused" {
	update_config '.linux.sysctl = {"vm.swappiness": $v}' --arg v "$(cat /proc/sys/vm/swappiness)"	# harmless if applied
	expect_create_fails
}

@test "config-linux.md#sysctl: a net.* sysctl without a network namespace is refused" {
	update_config '.linux.namespaces |= map(select(.type != "network")) |
		.linux.sysctl = {"net.ipv4.ip_forward": $v}' --arg v "$(cat /proc/sys/net/ipv4/ip_forward)"
	expect_create_fails
}

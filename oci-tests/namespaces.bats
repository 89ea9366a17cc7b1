#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# config-linux.md "Namespaces", "User namespace mappings", "Offset for Time Namespace";
# config.md "Hostname", "Domainname".

load helpers

# add_ns TYPE [PATH]: add a namespace entry to the config.
add_ns() {
	update_config '.linux.namespaces += [{"type": $t} + (if $p == "" then {} else {"path": $p} end)]' \
		--arg t "$1" --arg p "${2:-}"
}

# drop_ns TYPE: remove namespace TYPE from the config (the container then shares ours).
drop_ns() {
	update_config '.linux.namespaces |= map(select(.type != $t))' --arg t "$1"
}

# expect_ns TYPE new|host: the container's namespace TYPE is new or the host's.
expect_ns() {
	init_ok ns "$1"
	local ino=${output#* }
	case $2 in
	new) [ "$ino" != "$(host_ns "$1")" ] || fail "$1 namespace is the host's" ;;
	host) [ "$ino" = "$(host_ns "$1")" ] || fail "$1 namespace is not the host's" ;;
	esac
}

# enable_userns: new user namespace mapping container 0-65535 to host 100000-165535.  The
# bundle must be reachable by the mapped root.
enable_userns() {
	add_ns user
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	local d=$BUNDLE
	while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
}

@test "config-linux.md#namespaces: pid namespace is new" {
	expect_ns pid new
}

@test "config-linux.md#namespaces: the process is pid 1 of the new pid namespace" {
	init_ok pid
	expect_output "pid=1 ppid=0"
}

@test "config-linux.md#namespaces: network namespace is new" {
	expect_ns net new
}

@test "config-linux.md#namespaces: new network namespace holds only lo" {
	init_ok ls /sys/class/net
	expect_output lo
}

@test "config-linux.md#namespaces: ipc namespace is new" {
	expect_ns ipc new
}

@test "config-linux.md#namespaces: uts namespace is new" {
	expect_ns uts new
}

@test "config-linux.md#namespaces: mount namespace is new" {
	expect_ns mnt new
}

@test "config-linux.md#namespaces: cgroup namespace is new when requested" {
	requires path:/proc/self/ns/cgroup
	add_ns cgroup
	expect_ns cgroup new
}

@test "config-linux.md#namespaces: time namespace is new when requested" {
	requires path:/proc/self/ns/time
	add_ns time
	expect_ns time new
}

@test "config-linux.md#namespaces: user namespace is new when requested" {
	enable_userns
	expect_ns user new
}

@test "config-linux.md#namespaces: absent network namespace is inherited from the runtime" {
	drop_ns network
	expect_ns net host
}

@test "config-linux.md#namespaces: absent ipc namespace is inherited from the runtime" {
	drop_ns ipc
	expect_ns ipc host
}

@test "config-linux.md#namespaces: absent cgroup namespace is inherited from the runtime" {
	expect_ns cgroup host
}

@test "config-linux.md#namespaces: namespace path is joined" {
	start_detached pause
	pid=$(state_field pid)
	want=$(stat -L -c %i "/proc/$pid/ns/net")
	CID=$(new_id)
	update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg p "/proc/$pid/ns/net"
	init_ok ns net
	expect_output "net $want"
}

@test "config-linux.md#namespaces: mounts of the new mount namespace do not show on the host" {
	start_detached pause
	wait_status "$CID" running
	! grep -qF " $ROOTFS" /proc/self/mountinfo || fail "$(grep -F " $ROOTFS" /proc/self/mountinfo)"
}

@test "config-linux.md#user-namespace-mappings: uid_map and gid_map are written" {
	enable_userns
	update_config '.linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	init_ok cat /proc/self/uid_map /proc/self/gid_map
	[ "$(awk '{print $1, $2, $3}' <<<"$output")" = "$(printf '0 100000 65536\n0 200000 65536')" ]
}

@test "config-linux.md#user-namespace-mappings: container root is the mapped host uid" {
	enable_userns
	create
	pid=$(state_field pid)
	[ "$(stat -c %u:%g "/proc/$pid")" = 100000:100000 ]
}

@test "config-linux.md#offset-for-time-namespace: monotonic and boottime offsets are applied" {
	requires path:/proc/self/ns/time
	add_ns time
	update_config '.linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0},
		"boottime": {"secs": 172800, "nanosecs": 0}}'
	init_ok clock monotonic :: clock boottime
	host_mono=$(awk '{print int($1)}' /proc/uptime)
	mono=$(sed -n 1p <<<"$output") boot=$(sed -n 2p <<<"$output")
	[ "$mono" -ge $((86400 + host_mono - 5)) ] && [ "$boot" -ge $((172800 + host_mono - 5)) ] ||
		fail "monotonic $mono, boottime $boot (host uptime $host_mono)"
}

@test "config.md#hostname: hostname is set in the container" {
	init_ok uname
	expect_output "hostname=oci-tests domainname=(none)"
}

@test "config.md#domainname: domainname is set in the container" {
	update_config '.domainname = "example.org"'
	init_ok uname
	expect_output "hostname=oci-tests domainname=example.org"
}

@test "config.md#hostname: the host's hostname is unchanged" {
	before=$(uname -n)
	update_config '.hostname = "oci-tests-other"'
	init_ok true
	[ "$(uname -n)" = "$before" ]
}

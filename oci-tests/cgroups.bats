#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# config-linux.md "Control groups", "cgroupsPath" and the resource sections, checked in the
# files of the container's cgroup: cgroup v1 files, or on a cgroup v2 host the files of the
# v1-to-v2 mapping runc and crun agree on (contract 15.4; where they differ, e.g.
# cpu.shares -> cpu.weight, the point is v1 only).  runc-cli update is checked the same way.

load helpers

# resources JSON: merge JSON into linux.resources.
resources() {
	update_config '.linux.resources += $r' --argjson r "$1"
}

# cg_path V1-CONTROLLER FILE: the file in the container's cgroup (v2: the controller is unused).
cg_path() {
	if [ "$(cgroup_mode)" = v2 ]; then
		echo "$CG_V1_ROOT/${CGPATH#/}/$2"
	else
		echo "$CG_V1_ROOT/$1/${CGPATH#/}/$2"
	fi
}

# expect_cg V1-CONTROLLER V1-FILE V1-VALUE V2-FILE V2-VALUE: the container's cgroup holds the
# value of the host's cgroup version ("-" as V2-FILE: v1-only point, skipped on v2).
expect_cg() {
	local file=$2 want=$3 got
	if [ "$(cgroup_mode)" = v2 ]; then
		[ "$4" != - ] || skip "cgroup v1 only"
		file=$4 want=$5
	fi
	got=$(cat "$(cg_path "$1" "$file")") || fail "no $file"
	[ "$got" = "$want" ] || fail "$file is '$got', expected '$want'"
}

@test "config-linux.md#cgroups-path: the process is in cgroupsPath" {
	create
	pid=$(state_field pid)
	if [ "$(cgroup_mode)" = v2 ]; then
		grep -qx "0::$CGPATH" "/proc/$pid/cgroup" || fail "$(cat "/proc/$pid/cgroup")"
		return
	fi
	for ctrl in memory pids cpu devices freezer; do
		grep -qE "^[0-9]+:([^:]*,)?$ctrl(,[^:]*)?:$CGPATH\$" "/proc/$pid/cgroup" ||
			fail "$ctrl: $(cat "/proc/$pid/cgroup")"
	done
}

@test "config-linux.md#cgroups-path: absent cgroupsPath still gives the container a cgroup" {
	update_config 'del(.linux.cgroupsPath)'
	create
	pid=$(state_field pid)
	[ "$(grep -E '^[0-9]+:(memory)?:' "/proc/$pid/cgroup")" != "$(grep -E '^[0-9]+:(memory)?:' /proc/self/cgroup)" ]
}

@test "config-linux.md#memory: limit" {
	requires controller:memory
	resources '{"memory": {"limit": 67108864}}'
	create
	expect_cg memory memory.limit_in_bytes 67108864 memory.max 67108864
}

@test "config-linux.md#memory: reservation" {
	requires controller:memory
	resources '{"memory": {"limit": 67108864, "reservation": 33554432}}'
	create
	expect_cg memory memory.soft_limit_in_bytes 33554432 memory.low 33554432
}

@test "config-linux.md#memory: swap (memory+swap limit)" {
	requires controller:memory
	[ "$(cgroup_mode)" = v2 ] || requires path:$CG_V1_ROOT/memory/memory.memsw.limit_in_bytes
	resources '{"memory": {"limit": 67108864, "swap": 134217728}}'
	create
	expect_cg memory memory.memsw.limit_in_bytes 134217728 memory.swap.max 67108864
}

@test "config-linux.md#memory: swappiness" {
	requires controller:memory
	resources '{"memory": {"swappiness": 17}}'
	create
	expect_cg memory memory.swappiness 17 - -
}

@test "config-linux.md#memory: disableOOMKiller" {
	requires cgroups_v1
	resources '{"memory": {"disableOOMKiller": true}}'
	create
	grep -qx 'oom_kill_disable 1' "$(cg_path memory memory.oom_control)"
}

@test "config-linux.md#cpu: shares" {
	requires controller:cpu
	resources '{"cpu": {"shares": 512}}'
	create
	expect_cg cpu cpu.shares 512 - -
}

@test "config-linux.md#cpu: quota and period" {
	requires controller:cpu
	resources '{"cpu": {"quota": 25000, "period": 50000}}'
	create
	expect_cg cpu cpu.cfs_period_us 50000 cpu.max "25000 50000"
	expect_cg cpu cpu.cfs_quota_us 25000 cpu.max "25000 50000"
}

@test "config-linux.md#cpu: burst" {
	requires controller:cpu
	[ "$(cgroup_mode)" = v2 ] || requires path:$CG_V1_ROOT/cpu/cpu.cfs_burst_us
	resources '{"cpu": {"quota": 25000, "period": 50000, "burst": 10000}}'
	create
	expect_cg cpu cpu.cfs_burst_us 10000 cpu.max.burst 10000
}

@test "config-linux.md#cpu: cpus and mems" {
	requires controller:cpuset
	resources '{"cpu": {"cpus": "0", "mems": "0"}}'
	create
	expect_cg cpuset cpuset.cpus 0 cpuset.cpus 0
	expect_cg cpuset cpuset.mems 0 cpuset.mems 0
}

@test "config-linux.md#pids: limit" {
	requires controller:pids
	resources '{"pids": {"limit": 42}}'
	create
	expect_cg pids pids.max 42 pids.max 42
}

@test "config-linux.md#block-io: weight" {
	requires cgroups_v1 path:$CG_V1_ROOT/blkio/blkio.weight
	resources '{"blockIO": {"weight": 300}}'
	create
	expect_cg blkio blkio.weight 300 - -
}

@test "config-linux.md#block-io: throttleReadBpsDevice" {
	requires controller:blkio
	dev=$(mountpoint -d /)
	resources "$(jq -n --argjson ma "${dev%:*}" --argjson mi "${dev#*:}" \
		'{"blockIO": {"throttleReadBpsDevice": [{"major": $ma, "minor": $mi, "rate": 1048576}]}}')"
	create
	expect_cg blkio blkio.throttle.read_bps_device "$dev 1048576" \
		io.max "$dev rbps=1048576 wbps=max riops=max wiops=max"
}

@test "config-linux.md#allowed-device-list: the device cgroup denies what the config denies" {
	requires cgroups_v1
	create
	! grep -q '^a \*:\* rwm$' "$(cg_path devices devices.list)" || fail "devices.list allows everything"
}

@test "config-linux.md#namespaces: a new cgroup namespace is rooted at the container's cgroup" {
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	init_ok cat /proc/self/cgroup
	! grep -v ':/$' <<<"$output" || fail "lines not at the namespace root"
}

@test "config-linux.md#control-groups: a cgroup mount shows the container's own cgroup" {
	requires controller:pids
	update_config '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
		"options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
	[ "$(cgroup_mode)" != v2 ] || update_config '.linux.namespaces += [{"type": "cgroup"}]'
	resources '{"pids": {"limit": 77}}'
	init_ok cat "$([ "$(cgroup_mode)" = v2 ] && echo /sys/fs/cgroup/pids.max || echo /sys/fs/cgroup/pids/pids.max)"
	expect_output 77
}

@test "runc-cli#update: --resources applies new limits to the live cgroup" {
	requires controller:memory controller:pids
	resources '{"memory": {"limit": 67108864}}'
	start_detached pause
	echo '{"memory": {"limit": 100663296}, "pids": {"limit": 50}}' >"$BUNDLE/res.json"
	rt_ok update --resources "$BUNDLE/res.json" "$CID"
	expect_cg memory memory.limit_in_bytes 100663296 memory.max 100663296
	expect_cg pids pids.max 50 pids.max 50
}

@test "runc-cli#update: --pids-limit flag" {
	requires controller:pids
	start_detached pause
	rt_ok update --pids-limit 33 "$CID"
	expect_cg pids pids.max 33 pids.max 33
}

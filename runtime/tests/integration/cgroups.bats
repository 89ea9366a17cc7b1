#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Container cgroups through the CLI: limits applied at create, update, pause/resume,
# events, and removal at delete (on this host's hybrid v1 layout).

load helpers

cg() { echo "/sys/fs/cgroup/$1/silo-it-$$-$BATS_TEST_NUMBER/$2"; }

@test "cgroups: resources applied at create, the cgroup removed at delete" {
	update_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 64},
		"cpu": {"shares": 512, "quota": 20000, "period": 100000}}'
	set_args sleep 1000
	silo run -d --bundle "$BUNDLE" "$ID" >/dev/null
	[ "$(cat "$(cg memory memory.limit_in_bytes)")" = 67108864 ]
	[ "$(cat "$(cg pids pids.max)")" = 64 ]
	[ "$(cat "$(cg cpu cpu.shares)")" = 512 ]
	[ "$(cat "$(cg cpu cpu.cfs_quota_us)")" = 20000 ]
	pid=$(silo state "$ID" | jq -r .pid)
	grep -qx "$pid" "$(cg freezer cgroup.procs)"
	silo delete -f "$ID"
	assert_clean
}

@test "cgroups: a pids limit stops a fork bomb" {
	update_config '.linux.resources = {"pids": {"limit": 10}}'
	run_ctr sh -c 'for i in $(seq 30); do sleep 5 & done; echo started'
	[[ "$output" == *"can't fork"* || "$output" == *"Resource temporarily unavailable"* ]]
}

@test "update: flags and --resources (file and stdin)" {
	set_args sleep 1000
	silo run -d --bundle "$BUNDLE" "$ID" >/dev/null
	silo update --memory 64m --pids-limit 50 --cpu-quota 50000 --cpu-period 100000 "$ID"
	[ "$(cat "$(cg memory memory.limit_in_bytes)")" = 67108864 ]
	[ "$(cat "$(cg pids pids.max)")" = 50 ]
	[ "$(cat "$(cg cpu cpu.cfs_quota_us)")" = 50000 ]
	echo '{"memory": {"limit": 134217728}, "pids": {"limit": 77}}' >"$BATS_TEST_TMPDIR/r.json"
	silo update --resources="$BATS_TEST_TMPDIR/r.json" --pids-limit 5 "$ID"
	[ "$(cat "$(cg memory memory.limit_in_bytes)")" = 134217728 ]
	[ "$(cat "$(cg pids pids.max)")" = 77 ]
	echo '{"pids": {"limit": 99}}' | silo update -r - "$ID"
	[ "$(cat "$(cg pids pids.max)")" = 99 ]
	run silo update --memory notanumber "$ID"
	[ "$status" -ne 0 ]
	echo '{"memory": {"limit": "x"}}' >"$BATS_TEST_TMPDIR/bad.json"
	run silo update -r "$BATS_TEST_TMPDIR/bad.json" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *".memory.limit"* ]]
}

@test "pause and resume freeze the container" {
	set_args sh -c 'while :; do date +%s%N >/tmp/tick 2>/dev/null; sleep 0.05; done'
	update_config '.root.readonly = false | .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]'
	silo run -d --bundle "$BUNDLE" "$ID" >/dev/null
	silo pause "$ID"
	[ "$(silo state "$ID" | jq -r .status)" = paused ]
	[ "$(cat "$(cg freezer freezer.state)")" = FROZEN ]
	run silo pause "$ID"
	[ "$status" -ne 0 ]
	silo resume "$ID"
	[ "$(silo state "$ID" | jq -r .status)" = running ]
	run silo resume "$ID"
	[ "$status" -ne 0 ]
	silo delete -f "$ID"
	assert_clean
}

@test "delete --force of a paused container" {
	set_args sleep 1000
	silo run -d --bundle "$BUNDLE" "$ID" >/dev/null
	silo pause "$ID"
	silo delete --force "$ID"
	assert_clean
}

@test "events --stats: one JSON snapshot" {
	update_config '.linux.resources = {"pids": {"limit": 42}}'
	set_args sleep 1000
	silo run -d --bundle "$BUNDLE" "$ID" >/dev/null
	run silo events --stats "$ID"
	[ "$status" -eq 0 ]
	jq -e --arg id "$ID" '.type == "stats" and .id == $id and .data.pids.limit == 42 and .data.pids.current >= 1' <<<"$output"
	run timeout 5 "$SILO" --root "$IT_ROOT" events --interval 100ms "$ID"
	[ "$(grep -c '"type":"stats"' <<<"$output")" -ge 3 ]
}

@test "ps: table output filtered to the container" {
	set_args sleep 1000
	silo run -d --bundle "$BUNDLE" "$ID" >/dev/null
	run silo ps "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID* ]]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *"sleep 1000"* ]]
}

@test "events: an OOM kill is reported" {
	update_config '.linux.resources = {"memory": {"limit": 16777216, "swap": 16777216}}'
	set_args sh -c 'sleep 1; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 2'
	silo run -d --bundle "$BUNDLE" "$ID" >/dev/null
	run timeout 10 "$SILO" --root "$IT_ROOT" events --interval 200ms "$ID"
	grep -q "{\"type\":\"oom\",\"id\":\"$ID\"}" <<<"$output"
	[ "$(awk '/^oom_kill / {print $2}' "$(cg memory memory.oom_control)")" -ge 1 ]
}

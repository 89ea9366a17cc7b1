#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Regression tests for the runc/crun CVEs silo defends against by construction.

load helpers

@test "CVE-2019-5736: silo processes in the container run from a sealed copy" {
	skip_if_sanitized
	set_args sleep 1000
	silo create --bundle "$BUNDLE" "$ID"
	init=$(silo state "$ID" | jq -r .pid)
	# The waiting init is silo code: its exe must be the sealed memfd, not the host binary.
	[[ "$(readlink /proc/$init/exe)" == "/memfd:silo"* ]]
	run sh -c "echo overwrite >>/proc/$init/exe"
	[ "$status" -ne 0 ]
	run python3 -c "import os; os.open('/proc/$init/exe', os.O_WRONLY)"
	[ "$status" -ne 0 ]
}

@test "CVE-2019-5736: the host binary is unchanged after a container tried to rewrite it" {
	skip_if_sanitized
	sum=$(sha256sum "$SILO" | cut -d' ' -f1)
	set_args sh -c 'for p in /proc/[0-9]*; do echo x >>$p/exe; done 2>/dev/null; true'
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	run silo run --bundle "$BUNDLE" "$ID"
	[ "$(sha256sum "$SILO" | cut -d' ' -f1)" = "$sum" ]
}

@test "CVE-2024-21626: no host fd reaches the init, not even silo's own" {
	set_args sleep 1000
	silo create --bundle "$BUNDLE" "$ID" 7</dev/null
	init=$(silo state "$ID" | jq -r .pid)
	silo start "$ID"
	sleep 0.2
	[ "$(ls /proc/$init/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
}

@test "CVE-2022-29162: inheritable and ambient sets are empty unless configured" {
	update_config '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	run_ctr sh -c 'grep -E "^Cap(Inh|Amb)" /proc/self/status'
	[[ "$output" == *"CapInh:"*"0000000000000000"* ]]
	[[ "$output" == *"CapAmb:"*"0000000000000000"* ]]
}

@test "/proc and /dev in the image as symlinks are refused" {
	for d in proc dev; do
		r="$BATS_TEST_TMPDIR/rootfs-$d"
		cp -a "$IT_BASE/rootfs" "$r"
		rm -rf "${r:?}/$d"
		ln -s /etc "$r/$d"
		update_config '.root.path = $r' --arg r "$r"
		run silo create --bundle "$BUNDLE" "$ID"
		[ "$status" -ne 0 ]
		[[ "$output" == *"/$d"* ]]
		assert_clean
	done
}

@test "CVE-2021-30465: a volume flipping dir <-> symlink to / cannot redirect a mount" {
	vol="$BATS_TEST_TMPDIR/vol"
	target="silo-race-$$-$BATS_TEST_NUMBER"
	mkdir -p "$vol/sub"
	update_config '.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind"]},
		{"destination": ("/vol/sub/" + $t), "type": "tmpfs", "source": "tmpfs"}]' --arg v "$vol" --arg t "$target"
	set_args true
	# the attacker: swap the directory for a symlink to / and back, as fast as it can
	(set +e; while :; do mv "$vol/sub" "$vol/sub.d"; ln -s / "$vol/sub"
		rm -f "$vol/sub"; mv "$vol/sub.d" "$vol/sub"; done) 2>/dev/null &
	flipper=$!
	ran=0
	for i in $(seq 150); do
		silo run --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 && ran=$((ran + 1))
		silo delete -f "$ID" >/dev/null 2>&1
	done
	echo "# $ran of 150 containers ran" >&3
	kill $flipper
	wait $flipper 2>/dev/null || true
	# nothing may have been created or mounted outside the rootfs
	[ ! -e "/$target" ] || { rmdir "/$target"; fail_with "created /$target on the host"; }
	! grep -q "$target" /proc/self/mountinfo
	assert_clean
}

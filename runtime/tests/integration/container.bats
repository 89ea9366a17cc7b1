#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What the process sees inside: namespaces, rootfs, devices, mounts, process fields.

load helpers

ns_inode() { readlink "/proc/$1/ns/$2"; }

@test "namespaces: pid, net, ipc, uts, mount, cgroup are new" {
	run_ctr sh -c 'for n in pid net ipc uts mnt cgroup; do echo $n $(readlink /proc/self/ns/$n); done; echo pid1 $$'
	[ "$status" -eq 0 ]
	for n in pid net ipc uts mnt cgroup; do
		inner=$(awk -v n=$n '$1 == n {print $2}' <<<"$output")
		[ -n "$inner" ]
		[ "$inner" != "$(ns_inode self $n)" ]
	done
	[[ "$output" == *"pid1 1"* ]]
}

@test "namespaces: user namespace with uid/gid mappings" {
	# The mapped root (host uid 100000) must be able to reach the rootfs: bats' temp
	# dirs are 0700, so give this test a traversable copy.
	r=$(mktemp -d /tmp/silo-it-userns.XXXXXX)
	chmod 755 "$r"
	cp -a "$IT_BASE/rootfs" "$r/rootfs"
	update_config '.root.path = $r' --arg r "$r/rootfs"
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	run_ctr sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	rm -rf "$r"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^\ *0\ +100000\ +65536$ ]]
	[[ "${lines[1]}" =~ ^\ *0\ +100000\ +65536$ ]]
	[ "${lines[2]}" = 0 ]
}

@test "namespaces: time namespace with offsets" {
	update_config '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 172800, "nanosecs": 0}}'
	run_ctr cat /proc/self/timens_offsets
	[ "$status" -eq 0 ]
	[[ "$output" == *"monotonic"*"86400"* ]]
	[[ "$output" == *"boottime"*"172800"* ]]
}

@test "namespaces: joined by path" {
	unshare --net sleep 100 &
	holder=$!
	for _ in $(seq 50); do
		[ "$(readlink /proc/$holder/ns/net)" != "$(ns_inode self net)" ] && break
		sleep 0.05
	done
	expected=$(readlink /proc/$holder/ns/net)
	update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg p "/proc/$holder/ns/net"
	run_ctr readlink /proc/self/ns/net
	kill $holder
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
}

@test "hostname and domainname" {
	update_config '.hostname = "silo-host" | .domainname = "silo.example"'
	run_ctr sh -c 'hostname; cat /proc/sys/kernel/domainname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = silo-host ]
	[ "${lines[1]}" = silo.example ]
}

@test "rootfs: read-only root, writable tmpfs with options" {
	update_config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1770", "size=1m", "nosuid"]}]'
	run_ctr sh -c 'touch /x 2>&1; echo rc=$?; touch /data/ok && echo data-ok; stat -c %a /data; grep " /data " /proc/self/mountinfo'
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *data-ok* ]]
	[[ "$output" == *1770* ]]
	[[ "$output" == *nosuid* ]]
}

@test "rootfs: bind mounts rw and ro" {
	mkdir -p "$BATS_TEST_TMPDIR/vol"
	echo host-data >"$BATS_TEST_TMPDIR/vol/file"
	update_config '.mounts += [{"destination": "/rw", "type": "bind", "source": $s, "options": ["rbind"]},
		{"destination": "/ro", "type": "bind", "source": $s, "options": ["bind", "ro"]}]' --arg s "$BATS_TEST_TMPDIR/vol"
	run_ctr sh -c 'cat /ro/file; echo new >/rw/new && echo rw-ok; echo x >/ro/x 2>&1 || echo ro-refused'
	[[ "$output" == *host-data* ]]
	[[ "$output" == *rw-ok* ]]
	[[ "$output" == *ro-refused* ]]
	[ -e "$BATS_TEST_TMPDIR/vol/new" ]
	[ ! -e "$BATS_TEST_TMPDIR/vol/x" ]
}

@test "rootfs: a mount target symlinked out of the rootfs stays inside" {
	r="$BATS_TEST_TMPDIR/rootfs"
	cp -a "$IT_BASE/rootfs" "$r"
	ln -s "$BATS_TEST_TMPDIR/outside" "$r/escape"
	mkdir -p "$BATS_TEST_TMPDIR/outside"
	update_config '.root.path = $r | .mounts += [{"destination": "/escape/x", "type": "tmpfs", "source": "tmpfs"}]' --arg r "$r"
	run_ctr sh -c 'grep -c " tmpfs " /proc/self/mountinfo >/dev/null; echo done'
	[ ! -e "$BATS_TEST_TMPDIR/outside/x" ]
	! grep -q "$BATS_TEST_TMPDIR/outside" /proc/self/mountinfo
}

@test "devices: defaults, links, linux.devices" {
	update_config '.linux.devices = [{"type": "c", "path": "/dev/silo-null", "major": 1, "minor": 3, "fileMode": 432, "uid": 0, "gid": 0}]'
	run_ctr sh -c 'for d in null zero full random urandom tty silo-null; do stat -c "%n %F %t:%T %a" /dev/$d; done; for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done'
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/null character special file 1:3"* ]]
	[[ "$output" == *"/dev/zero character special file 1:5"* ]]
	[[ "$output" == *"/dev/tty character special file 5:0"* ]]
	[[ "$output" == *"/dev/silo-null character special file 1:3 660"* ]]
	[[ "$output" == *"/proc/self/fd"* ]]
	[[ "$output" == *"/proc/self/fd/0"* ]]
	[[ "$output" == *"pts/ptmx"* ]]
}

@test "masked and readonly paths" {
	[ "$(wc -c </proc/timer_list)" -gt 0 ]
	run_ctr sh -c 'wc -c </proc/timer_list; ls /sys/firmware | wc -l; echo 1 >/proc/sys/kernel/panic 2>&1 || echo sys-ro'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[[ "$output" == *sys-ro* ]]
}

@test "sysctl in the container's network namespace" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run_ctr cat /proc/sys/net/ipv4/ip_forward
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "process: env, cwd, user, groups, umask" {
	update_config '.process.env = ["PATH=/bin:/usr/bin", "A=1", "A=2", "B=x y"] | .process.cwd = "/tmp" |
		.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [20, 30], "umask": 63}'
	run_ctr sh -c 'echo A=$A B=$B HOME=$HOME; pwd; id -u; id -g; id -G; umask'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "A=2 B=x y HOME=/" ]]
	[ "${lines[1]}" = /tmp ]
	[ "${lines[2]}" = 1000 ]
	[ "${lines[3]}" = 1001 ]
	[[ "${lines[4]}" == "1001 20 30" ]]
	[ "${lines[5]}" = 0077 ]
}

@test "process: rlimits and oomScoreAdj" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1000, "hard": 2000}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}] | .process.oomScoreAdj = 123'
	run_ctr sh -c 'ulimit -n; ulimit -Hn; ulimit -c; cat /proc/self/oom_score_adj'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 2000 ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = 123 ]
}

@test "process: capabilities and no_new_privs" {
	update_config '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]} | .process.noNewPrivileges = true'
	run_ctr sh -c 'grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)" /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapInh:"*"0000000000000000"* ]]
	[[ "$output" == *"CapEff:"*"0000000000000020"* ]]
	[[ "$output" == *"CapBnd:"*"0000000000000021"* ]]
	[[ "$output" == *"NoNewPrivs:"*"1"* ]]
}

@test "fds: only stdio reaches the container; --preserve-fds passes 3.." {
	run_ctr sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2 3 " ] # 3 is ls's own directory fd
	set_args sh -c 'cat <&3; ls /proc/self/fd | sort -n | tr "\n" " "'
	echo preserved-data >"$BATS_TEST_TMPDIR/p"
	run silo run --preserve-fds 1 --bundle "$BUNDLE" "$ID-b" 3<"$BATS_TEST_TMPDIR/p"
	[ "$status" -eq 0 ]
	[[ "$output" == *preserved-data* ]]
	[[ "$output" == *"0 1 2 3 4 "* ]]
}

@test "cwd under /proc/self/fd is refused (CVE-2024-21626)" {
	# The attack: a host directory leaked to silo (fd 9) is the container's cwd.
	host="$BATS_TEST_TMPDIR/host"
	mkdir -p "$host" && echo host-secret >"$host/secret"
	set_args cat secret
	for n in 3 4 5 6 7 8 9; do
		update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		run silo run --bundle "$BUNDLE" "$ID" 9<"$host"
		[ "$status" -ne 0 ]
		[[ "$output" != *host-secret* ]]
		assert_clean
	done
}

@test "terminal: the pty master goes to the console socket" {
	command -v python3 >/dev/null || skip "python3 needed for the console socket receiver"
	update_config '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 101}'
	set_args sh -c 'tty; stty size'
	sock="$BATS_TEST_TMPDIR/console.sock"
	python3 "$BATS_TEST_DIRNAME/console-recv.py" "$sock" >"$BATS_TEST_TMPDIR/console.out" &
	recv=$!
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
	silo create --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	silo start "$ID"
	wait $recv
	grep -q '/dev/pts/0' "$BATS_TEST_TMPDIR/console.out"
	grep -q '33 101' "$BATS_TEST_TMPDIR/console.out"
}

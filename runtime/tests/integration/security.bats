#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Regression tests for the runc/crun CVEs silo defends against by construction.

load helpers

# exe_is_guarded PID: the exe of PID cannot be opened for writing, now or through an fd
# kept for later: a sealed memfd, or the root of a read-only mount (ETXTBSY alone passes
# while silo runs, and is gone when it exits).
exe_is_guarded() {
	python3 - "$1" <<'PY'
import fcntl, os, sys
fd = os.open(f"/proc/{sys.argv[1]}/exe", os.O_RDONLY)
try:
    seals = fcntl.fcntl(fd, 1034)  # F_GET_SEALS
except OSError:
    seals = None
if seals is not None:
    sys.exit(0 if seals & 0xf == 0xf else 1)  # SEAL, SHRINK, GROW, WRITE
sys.exit(0 if os.fstatvfs(fd).f_flag & os.ST_RDONLY else 1)
PY
}

@test "CVE-2019-5736: silo processes in the container run from a read-only clone of the binary" {
	skip_if_sanitized
	set_args sleep 1000
	silo create --bundle "$BUNDLE" "$ID"
	init=$(silo state "$ID" | jq -r .pid)
	# The waiting init is silo code: its exe is the host binary's inode, but on a private,
	# detached, read-only mount (readlink shows its root, "/"), never the host's mount.
	[ "$(readlink /proc/$init/exe)" = / ]
	[ "$(stat -Lc %i /proc/$init/exe)" = "$(stat -c %i "$SILO")" ]
	exe_is_guarded "$init"
	run sh -c "echo overwrite >>/proc/$init/exe"
	[ "$status" -ne 0 ]
	run python3 -c "import os; os.open('/proc/$init/exe', os.O_WRONLY)"
	[ "$status" -ne 0 ]
}

@test "CVE-2019-5736: SILO_SELFCLONE_COPY=1 runs them from a sealed memfd copy instead" {
	skip_if_sanitized
	set_args sleep 1000
	SILO_SELFCLONE_COPY=1 silo create --bundle "$BUNDLE" "$ID"
	init=$(silo state "$ID" | jq -r .pid)
	[[ "$(readlink /proc/$init/exe)" == "/memfd:silo"* ]]
	exe_is_guarded "$init"
	run python3 -c "import os; os.open('/proc/$init/exe', os.O_WRONLY)"
	[ "$status" -ne 0 ]
}

# The attack of CVE-2019-5736, scripted: a container sharing the host pid namespace holds
# the exe of a silo process that entered a container (a created init, still silo code),
# and writes through it once no silo runs any more. The attacker gets CAP_SYS_PTRACE, as
# the init's full capability set would otherwise deny it /proc/PID/exe; the original
# exploit had silo itself exec'd as a container process (#!/proc/self/exe), a race.
# silo runs from a copy here, so a runtime without the guard damages only that.
# attack_host_binary [ENV=VALUE...]: the attack, with silo run under env ENV=VALUE.
attack_host_binary() {
	local rt="$BATS_TEST_TMPDIR/silo" x="$BATS_TEST_TMPDIR/x" victim="$BATS_TEST_TMPDIR/victim"
	cp "$SILO" "$rt"
	sum=$(sha256sum "$rt" | cut -d' ' -f1)
	mkdir -p "$x" "$victim"
	jq '.process.args = ["true"] | .linux.cgroupsPath += "-b"' "$BUNDLE/config.json" >"$victim/config.json"
	attack='while [ ! -s /x/pid ]; do sleep 0.02; done
		exec 3<"/proc/$(cat /x/pid)/exe" && echo opened >/x/opened
		while [ ! -e /x/go ]; do sleep 0.02; done
		echo pwned >>/proc/self/fd/3 && echo wrote >/x/wrote'
	update_config '.process.args = ["sh", "-c", $a]
		| .linux.namespaces |= map(select(.type != "pid"))
		| .process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])
		| .mounts += [{"destination": "/x", "type": "bind", "source": $x, "options": ["rbind"]}]' --arg x "$x" --arg a "$attack"
	env "$@" "$rt" --root "$IT_ROOT" run -d --bundle "$BUNDLE" "$ID" >/dev/null
	env "$@" "$rt" --root "$IT_ROOT" create --bundle "$victim" "$ID-b" >/dev/null 2>&1
	"$rt" --root "$IT_ROOT" state "$ID-b" | jq -r .pid >"$x/pid"
	for _ in $(seq 250); do [ -e "$x/opened" ] && break; sleep 0.02; done
	[ -e "$x/opened" ] || fail_with "the attacker could not open the exe of pid $(cat "$x/pid")"
	"$rt" --root "$IT_ROOT" delete -f "$ID-b"
	touch "$x/go"
	for _ in $(seq 250); do
		[ "$(silo state "$ID" | jq -r .status)" = stopped ] && break
		sleep 0.02
	done
	[ "$(sha256sum "$rt" | cut -d' ' -f1)" = "$sum" ] || fail_with "the container rewrote silo"
	[ ! -e "$x/wrote" ]
}

@test "CVE-2019-5736: a container cannot rewrite the host binary through a silo process" {
	skip_if_sanitized
	attack_host_binary
}

@test "CVE-2019-5736: nor with the sealed-copy fallback (SILO_SELFCLONE_COPY=1)" {
	skip_if_sanitized
	attack_host_binary SILO_SELFCLONE_COPY=1
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
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'CapInh:\t0000000000000000\nCapAmb:\t0000000000000000')" ]
}

# create_with_symlink DIR: create from a copy of the rootfs whose /DIR is a symlink to /etc;
# the output goes to a file (a container created by mistake would hold a pipe open).
create_with_symlink() {
	local r="$BATS_TEST_TMPDIR/rootfs-$1" out="$BATS_TEST_TMPDIR/create.out"
	cp -a "$IT_BASE/rootfs" "$r"
	rm -rf "${r:?}/$1"
	ln -s /etc "$r/$1"
	update_config '.root.path = $r' --arg r "$r"
	status=0
	silo create --bundle "$BUNDLE" "$ID" >"$out" 2>&1 || status=$?
	output=$(cat "$out")
}

@test "CVE-2019-16884: /proc in the image as a symlink is refused" {
	create_with_symlink proc
	[ "$status" -ne 0 ]
	[[ "$output" == *"/proc"* ]]
	assert_clean
}

@test "CVE-2026-41579: /dev in the image as a symlink is refused" {
	create_with_symlink dev
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev"* ]]
	assert_clean
}

@test "a bind of a whole procfs over /proc is allowed (podman --pid=host rootless), of a part refused" {
	# podman asks for this in a user namespace, where a fresh procfs of the host's PID
	# namespace is refused by the kernel.
	update_config '.linux.namespaces |= map(select(.type != "pid")) | .mounts |= map(
		if .destination == "/proc" then {"destination": "/proc", "type": "bind", "source": "/proc",
			"options": ["rbind", "nosuid", "noexec", "nodev"]} else . end)'
	run_ctr cat /proc/1/comm
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat /proc/1/comm)" ]
	assert_clean
	# Part of a procfs, or any other file system, still may not cover /proc.
	for src in /proc/sys "$BATS_TEST_TMPDIR"; do
		update_config '.mounts |= map(if .destination == "/proc" then .source = $s else . end)' --arg s "$src"
		run silo run --bundle "$BUNDLE" "$ID"
		[ "$status" -ne 0 ]
		[[ "$output" == *"only procfs may be mounted under /proc"* ]]
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

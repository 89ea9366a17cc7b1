#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Rootless podman with the runtime and monitor under test, vfs storage, run via ./run:
# * as a user created here (silo-rl-<random>) with subuid/subgid ranges of 65536, so podman
#   maps container root to the user and container ids 1..65536 to its ranges (newuidmap);
#   the last test removes the user and all it left, and checks /etc/subuid and /etc/subgid;
# * as nobody, which has no ranges: podman maps only its own uid (a single-line map).
# Which binaries ran: podman info in every test (runtime path and version, monitor path),
# and the monitor process and the runtime's state of a running container.

bats_require_minimum_version 1.5.0
load helpers

IMG=$ENGINE_IMAGE

setup_file() {
	[ -n "${ENGINE_WORK:-}" ] || { echo "run these tests with oci-tests/engines/run" >&2; return 1; }
	local t
	for t in useradd userdel newuidmap newgidmap; do
		command -v $t >/dev/null || { echo "$t is missing (package uidmap / passwd)" >&2; return 1; }
	done
	rootless_user_create || return 1
	rl import --quiet --change 'CMD ["/pause"]' "$ENGINE_WORK/image/rootfs.tar" "$IMG" >/dev/null
}

teardown_file() {
	rootless_user_remove
}

# podman as USER (rl or rl_nobody, default rl) resolves the runtime and the monitor under
# test: rootless mode, runtime path and `--version` line, monitor path. podman picks the
# monitor on every call (falling back silently), so every test that runs containers starts
# with this; the run -d test also checks the monitor process and the runtime's state.
assert_rl_binaries() {
	local as=${1:-rl} f='{{.Host.Security.Rootless}}|{{.Host.OCIRuntime.Path}}|{{.Host.Conmon.Path}}'
	run "$as" info --format "$f|{{.Host.OCIRuntime.Version}}"
	assert_status 0
	assert_eq "${output%|*}" "true|$ENGINE_RUNTIME|$ENGINE_CONMON"
	assert_output_contains "|$(runtime_name) version "
}

# The uid_map (or gid_map) text $1 has the line "$2 $3 $4" (inside, outside, count).
has_map_line() {
	awk -v a="$2" -v b="$3" -v c="$4" '$1 == a && $2 == b && $3 == c { f = 1 } END { exit !f }' <<<"$1" &&
		return 0
	printf '# no map line "%s %s %s" in:\n%s\n' "$2" "$3" "$4" "$1" >&3
	return 1
}

# The host uid:gid of the file $1, which must be $2.
assert_owner() {
	local got
	got=$(stat -c %u:%g "$1") || return 1
	assert_eq "$got" "$2"
}

# A directory every container uid can write to, for bind mounts: rl_volume NAME.
rl_volume() {
	local d=$ENGINE_RL/vol-$1-${BATS_TEST_NUMBER}
	mkdir -p "$d" && chmod 1777 "$d" && echo "$d"
}

@test "rootless: the test user has subuid and subgid ranges of 65536 of its own" {
	local f r start
	for f in /etc/subuid /etc/subgid; do
		r=$(subid_range "$f" "$ENGINE_RL_USER")
		assert_eq "${r#* }" 65536
		start=${r% *}
		# No other entry overlaps [start, start + 65536).
		run awk -F: -v u="$ENGINE_RL_USER" -v s="$start" \
			'$1 != u && $2 < s + 65536 && $2 + $3 > s { print }' "$f"
		assert_eq "$output" ""
	done
	assert_eq "$(subid_range /etc/subuid "$ENGINE_RL_USER")" "$ENGINE_RL_SUBUID 65536"
	assert_eq "$(subid_range /etc/subgid "$ENGINE_RL_USER")" "$ENGINE_RL_SUBGID 65536"
	[ -u /usr/bin/newuidmap ] || getcap /usr/bin/newuidmap | grep -q cap_setuid
}

@test "rootless: podman info shows rootless mode, the runtime, the monitor and the id maps" {
	assert_rl_binaries
	run rl info --format '{{.Host.IDMappings.UIDMap}} {{.Host.IDMappings.GIDMap}}'
	assert_output_contains "{0 $ENGINE_RL_UID 1} {1 $ENGINE_RL_SUBUID 65536}"
	assert_output_contains "{0 $ENGINE_RL_GID 1} {1 $ENGINE_RL_SUBGID 65536}"
}

@test "rootless: run --rm prints output; root inside is the user, ids from 1 its sub-ids" {
	assert_rl_binaries
	run rl run --rm "$IMG" sh -c \
		'echo hello; id -u; id -g; cat /proc/self/uid_map; echo =; cat /proc/self/gid_map'
	assert_status 0
	assert_eq "${lines[0]}" hello
	assert_eq "${lines[1]}" 0
	assert_eq "${lines[2]}" 0
	local uid_map=${output#*$'\n'0$'\n'0$'\n'} gid_map=${output##*=$'\n'}
	uid_map=${uid_map%%=*}
	has_map_line "$uid_map" 0 "$ENGINE_RL_UID" 1
	has_map_line "$uid_map" 1 "$ENGINE_RL_SUBUID" 65536
	has_map_line "$gid_map" 0 "$ENGINE_RL_GID" 1
	has_map_line "$gid_map" 1 "$ENGINE_RL_SUBGID" 65536
}

@test "rootless: exit code 42 is passed through" {
	assert_rl_binaries
	run rl run --rm "$IMG" sh -c 'exit 42'
	assert_status 42
}

@test "rootless: files of container root and uid 1000 belong to the user and to a sub-id" {
	assert_rl_binaries
	local vol
	vol=$(rl_volume ids)
	run rl run --rm -v "$vol:/data" "$IMG" \
		sh -c 'touch /data/root && touch /data/chowned && chown 1000:1000 /data/chowned'
	assert_status 0
	run rl run --rm --user 1000:1000 -v "$vol:/data" "$IMG" \
		sh -c 'id -u; id -g; touch /data/u1000'
	assert_status 0
	assert_eq "$output" $'1000\n1000'
	assert_owner "$vol/root" "$ENGINE_RL_UID:$ENGINE_RL_GID"
	assert_owner "$vol/chowned" "$((ENGINE_RL_SUBUID + 999)):$((ENGINE_RL_SUBGID + 999))"
	assert_owner "$vol/u1000" "$((ENGINE_RL_SUBUID + 999)):$((ENGINE_RL_SUBGID + 999))"
}

@test "rootless: run -d under the monitor and runtime; exec; logs; pause; stop; rm" {
	assert_rl_binaries
	local name id pid exe cgv
	name=$(uname_for rl)
	run rl run -d --name "$name" "$IMG" sh -c 'echo started; exec /pause'
	assert_status 0
	id=$output
	pid=$(rl inspect --format '{{.State.ConmonPid}}' "$name")
	exe=$(readlink "/proc/$pid/exe")
	assert_eq "$exe" "$ENGINE_CONMON"
	assert_eq "$(stat -c %u "/proc/$pid")" "$ENGINE_RL_UID"
	# podman runs the runtime in its user namespace, with XDG_RUNTIME_DIR set.
	run rl unshare "$ENGINE_RUNTIME" state "$id"
	assert_status 0
	assert_eq "$(jq -r .status <<<"$output")" running
	# The container's init runs as the user on the host.
	pid=$(rl inspect --format '{{.State.Pid}}' "$name")
	assert_eq "$(stat -c %u "/proc/$pid")" "$ENGINE_RL_UID"
	run rl exec "$name" sh -c 'echo in-exec; id -u'
	assert_status 0
	assert_eq "$output" $'in-exec\n0'
	run rl exec --user 1000 "$name" id -u
	assert_status 0
	assert_eq "$output" 1000
	run rl logs "$name"
	assert_status 0
	assert_eq "$output" started
	# Rootless containers get a cgroup only where the host delegates one (cgroup v2). On v1
	# podman refuses to pause before it calls the runtime (the same with crun).
	cgv=$(rl info --format '{{.Host.CgroupsVersion}}')
	if [ "$cgv" = v1 ]; then
		run rl pause "$name"
		assert_status 125
		assert_output_contains "can not pause containers on rootless containers with cgroup V1"
	else
		run rl pause "$name"
		assert_status 0
		assert_eq "$(rl inspect --format '{{.State.Status}}' "$name")" paused
		run rl unpause "$name"
		assert_status 0
	fi
	run rl exec "$name" echo still-running
	assert_eq "$output" still-running
	run rl stop -t 10 "$name"
	assert_status 0
	assert_eq "$(rl inspect --format '{{.State.ExitCode}}' "$name")" 0
	run rl rm "$name"
	assert_status 0
	run rl unshare "$ENGINE_RUNTIME" state "$id"
	[ "$status" -ne 0 ]
}

@test "rootless: run -t gives the container a terminal" {
	assert_rl_binaries
	export -f rl rl_as runtime_name
	export RL_V1_VIEW ENGINE_TIMEOUT
	run env SHELL=/bin/bash timeout 60 script -qec \
		"rl run --rm -t $IMG sh -c 'tty; [ -t 0 ] && echo stdin-is-tty'" /dev/null
	assert_status 0
	output=${output//$'\r'/}
	assert_output_contains /dev/pts/0
	assert_output_contains stdin-is-tty
}

@test "rootless: --userns=keep-id runs as the user's own uid" {
	assert_rl_binaries
	run rl run --rm --userns=keep-id "$IMG" \
		sh -c 'id -u; id -g; cat /proc/self/uid_map'
	assert_status 0
	assert_eq "${lines[0]}" "$ENGINE_RL_UID"
	assert_eq "${lines[1]}" "$ENGINE_RL_GID"
	has_map_line "$output" "$ENGINE_RL_UID" 0 1
}

@test "rootless: --uidmap/--gidmap 0:1:1000 make container root the first sub-id" {
	assert_rl_binaries
	local vol
	vol=$(rl_volume map)
	run rl run --rm --uidmap 0:1:1000 --gidmap 0:1:1000 \
		-v "$vol:/data" "$IMG" sh -c 'id -u; cat /proc/self/uid_map; touch /data/f'
	assert_status 0
	assert_eq "${lines[0]}" 0
	# The map is relative to podman's user namespace, where the user's sub-ids start at 1.
	has_map_line "$output" 0 1 1000
	assert_owner "$vol/f" "$ENGINE_RL_SUBUID:$ENGINE_RL_SUBGID"
}

@test "rootless: --cgroups=disabled runs" {
	assert_rl_binaries
	run rl run --rm --cgroups=disabled "$IMG" sh -c 'echo no-cgroup; exit 3'
	assert_status 3
	assert_eq "$output" no-cgroup
}

@test "rootless: --pid=host shows the host's processes (podman binds the host's /proc)" {
	assert_rl_binaries
	run rl run --rm --pid host "$IMG" cat /proc/1/comm
	assert_status 0
	assert_eq "$output" "$(cat /proc/1/comm)"
}

@test "rootless: single mapping (nobody, no sub-ids): root inside is nobody, exit code" {
	rl_nobody import --quiet "$ENGINE_WORK/image/rootfs.tar" "$IMG" >/dev/null
	assert_rl_binaries rl_nobody
	run rl_nobody run --rm "$IMG" sh -c 'id -u; cat /proc/self/uid_map; exit 7'
	assert_status 7
	assert_eq "${lines[0]}" 0
	assert_eq "${#lines[@]}" 2
	has_map_line "$output" 0 65534 1
	rootless_nobody_stop
}

@test "rootless: the user, its sub-id lines, processes, storage and runtime dir are removed" {
	local name=$ENGINE_RL_USER f
	rootless_user_remove
	run id -u "$name"
	[ "$status" -ne 0 ]
	run user_pids "$ENGINE_RL_UID" "$ENGINE_RL_SUBUID 65536"
	assert_eq "$output" ""
	[ ! -e "$ENGINE_RL/home" ] && [ ! -e "$ENGINE_RL/xdg" ]
	for f in subuid subgid; do
		run grep "^$name:" "/etc/$f"
		assert_eq "$output" ""
		# Every line from before the run is still there (others may add theirs meanwhile).
		run comm -23 <(sort "$ENGINE_RL/$f.orig") <(sort "/etc/$f")
		assert_eq "$output" ""
	done
	run user_cgroups "$ENGINE_RL_UID" "$ENGINE_RL_SUBUID 65536"
	assert_eq "$output" ""
}

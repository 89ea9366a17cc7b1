# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the engine tests (podman.bats, pods.bats, containerd.bats) and by ./run.
#
# ./run sets up one private work directory per run and exports:
#   ENGINE_WORK     the work directory (podman store, run root, tmp dir, containerd dirs)
#   ENGINE_RUNTIME  absolute path of the OCI runtime (default runtime/silo)
#   ENGINE_CONMON   absolute path of the monitor (default monitor/silomon)
#   ENGINE_IMAGE    name of the local busybox image in the private podman store
#   ENGINE_RUN_ID   a token unique to this run, used in container and pod names
# The functions below never touch the machine's default podman store or containerd.

ENGINE_TIMEOUT=${ENGINE_TIMEOUT:-60}

# podman against the private store and config of this run (a string for `sh -c` and
# `script -c` command lines, and a function). Every call of pm is bounded.
PODMAN="podman --root $ENGINE_WORK/storage --runroot $ENGINE_WORK/runroot --tmpdir $ENGINE_WORK/tmp --storage-driver overlay"
pm() {
	# shellcheck disable=SC2086
	timeout --foreground -k 5 "$ENGINE_TIMEOUT" $PODMAN "$@"
}

# The log of container $1 (all lines joined) matches the extended regex $2.
logs_contain() { pm logs "$1" 2>&1 | tr '\n' ' ' | grep -qE "$2"; }

# The name podman knows the runtime by (containers.conf [engine.runtimes] key).
runtime_name() { basename "$ENGINE_RUNTIME"; }

# A name unique to this run and test: NAME-<run id>-<test number>.
uname_for() { echo "$1-$ENGINE_RUN_ID-${BATS_TEST_NUMBER:-0}"; }

# Fail with a message (and the last command's output) unless $1 == $2.
assert_eq() {
	[ "$1" == "$2" ] && return 0
	printf '# expected: %q\n#      got: %q\n' "$2" "$1" >&3
	[ -z "${output:-}" ] || printf '# output: %s\n' "${output:0:2000}" >&3
	return 1
}

# Fail unless the output of the last `run` contains $1.
assert_output_contains() {
	[[ $output == *"$1"* ]] && return 0
	printf '# expected output to contain: %q\n# output: %s\n' "$1" "${output:0:2000}" >&3
	return 1
}

# Fail unless the last `run` exited with status $1 (bats sets $status).
# shellcheck disable=SC2154
assert_status() {
	[ "$status" -eq "$1" ] && return 0
	printf '# expected exit status %s, got %s\n# output: %s\n' "$1" "$status" "${output:0:2000}" >&3
	return 1
}

# Wait up to $1 seconds for the command "$@" (after $1) to succeed.
wait_until() {
	local limit=$(($1 * 10)) i=0
	shift
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt $limit ] || return 1
		sleep 0.1
	done
}

# The proof every test file starts with: podman resolves the runtime and the monitor to
# the binaries under test, and names the runtime by its own --version line.
assert_podman_uses_runtime() {
	run pm info --format '{{.Host.OCIRuntime.Path}}'
	assert_status 0
	assert_eq "$output" "$ENGINE_RUNTIME"
	run pm info --format '{{.Host.OCIRuntime.Name}}'
	assert_eq "$output" "$(runtime_name)"
	run pm info --format '{{.Host.OCIRuntime.Version}}'
	assert_output_contains "$(runtime_name) version "
}

assert_podman_uses_monitor() {
	if [ ! -x "$ENGINE_CONMON" ]; then
		echo "# monitor $ENGINE_CONMON does not exist: podman runs another conmon" >&3
		return 1
	fi
	run pm info --format '{{.Host.Conmon.Path}}'
	assert_status 0
	assert_eq "$output" "$ENGINE_CONMON"
}

# The process of a running container's monitor is the monitor under test, and the
# runtime under test (its default state root, as podman uses it) knows the container.
assert_container_binaries() {
	local name=$1 pid exe
	pid=$(pm inspect --format '{{.State.ConmonPid}}' "$name")
	exe=$(readlink "/proc/$pid/exe")
	if [ "$exe" != "$ENGINE_CONMON" ]; then
		echo "# monitor process $pid of $name runs ${exe:-?}, not $ENGINE_CONMON" >&3
		return 1
	fi
	run pm inspect --format '{{.OCIRuntime}}' "$name"
	assert_eq "$output" "$(runtime_name)" || return 1
	run "$ENGINE_RUNTIME" state "$(pm inspect --format '{{.Id}}' "$name")"
	assert_status 0
	[ "$(jq -r .status <<<"$output")" = running ] || { echo "# runtime state: $output" >&3; return 1; }
}

# Mount points, cgroups and processes that still refer to container id $1.
leftovers_of() {
	local id=$1
	grep -F "$id" /proc/self/mountinfo | sed 's/^/mount: /'
	find /sys/fs/cgroup -maxdepth 4 -type d -name "*$id*" 2>/dev/null | sed 's/^/cgroup: /'
	local p cmd
	for p in /proc/[0-9]*; do
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		[[ $cmd != *"$id"* ]] || echo "process: ${p#/proc/} $cmd"
	done
	return 0
}

# ------------------------------------------------------------------- rootless podman
# rootless.bats runs podman as two unprivileged users, each with a directory of this run
# holding HOME, XDG_RUNTIME_DIR (xdg), containers.conf and storage.conf (vfs):
#   $ENGINE_RL         a user the test creates (rootless_user_create): silo-rl-<random>,
#                      subuid/subgid ranges of 65536 allocated by useradd, removed with
#                      everything it owns by rootless_user_remove (also from ./run's clean-up)
#   $ENGINE_RL_NOBODY  nobody, which has no ranges: podman maps only its own uid

# rl_as DIR USER PODMAN-ARGS...: podman as USER with the store and config in DIR, bounded.
# crun 1.8 refuses the host's hybrid cgroup layout even without cgroups: for it (the
# reference runtime) podman starts in a private mount namespace whose /sys/fs/cgroup holds
# only the v1 hierarchies. podman's rootless pause process keeps that mount namespace, and
# later calls join it.
rl_as() {
	local dir=$1 user=$2 view=()
	shift 2
	[ "$(runtime_name)" != crun ] || view=(unshare -m --propagation private bash -c "$RL_V1_VIEW" bash)
	# from the user's home: the caller's cwd (a checkout in a mode-0700 mktemp dir, say)
	# may be closed to the user, and podman's rootless re-exec chdirs back to it
	(cd "$dir/home" && exec timeout --foreground -k 5 "$ENGINE_TIMEOUT" "${view[@]}" \
		setpriv --reuid "$user" --regid "$(id -g "$user")" --init-groups \
		env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		USER="$user" LOGNAME="$user" HOME="$dir/home" XDG_RUNTIME_DIR="$dir/xdg" \
		XDG_CONFIG_HOME="$dir/home/.config" CONTAINERS_CONF="$dir/containers.conf" \
		CONTAINERS_STORAGE_CONF="$dir/storage.conf" CONTAINERS_REGISTRIES_CONF="$ENGINE_WORK/registries.conf" \
		podman --log-level fatal --root "$dir/home/storage" --runroot "$dir/xdg/run" \
		--tmpdir "$dir/xdg/tmp" --storage-driver vfs "$@")
}
# A tmpfs on /sys/fs/cgroup with the host's v1 hierarchies mounted again (same options),
# then "$@".
# shellcheck disable=SC2016
RL_V1_VIEW='set -e
v1=$(findmnt -rn -t cgroup -o TARGET,OPTIONS)
mount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup
while read -r t o; do mkdir -p "$t"; mount -t cgroup -o "$o" cgroup "$t"; done <<<"$v1"
exec "$@"'

rl() { rl_as "$ENGINE_RL" "$ENGINE_RL_USER" "$@"; }
rl_nobody() { rl_as "$ENGINE_RL_NOBODY" nobody "$@"; }

# The first id and the count of USER's range in /etc/subuid or /etc/subgid (FILE).
# subid_range FILE USER
subid_range() { awk -F: -v u="$2" '$1 == u { print $2, $3; exit }' "$1"; }

# Create the rootless test user and export ENGINE_RL_USER, _UID, _GID, _SUBUID, _SUBGID (the
# first ids of its ranges). The name is written to $ENGINE_RL/user first, so that the
# clean-up finds a half-created user too; /etc/subuid and /etc/subgid are saved to compare
# at the end.
rootless_user_create() {
	local name r
	name=silo-rl-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
	[ -f "$ENGINE_RL/containers.conf" ] && cp /etc/subuid "$ENGINE_RL/subuid.orig" &&
		cp /etc/subgid "$ENGINE_RL/subgid.orig" && echo "$name" >"$ENGINE_RL/user" || return 1
	# useradd allocates ranges that overlap no existing entry (SUB_UID_MIN.. of login.defs),
	# under the lock of /etc/subuid.
	useradd -m -d "$ENGINE_RL/home" -s /usr/sbin/nologin -c "silo engine tests $ENGINE_RUN_ID" \
		-K SUB_UID_COUNT=65536 -K SUB_GID_COUNT=65536 "$name" || return 1
	ENGINE_RL_USER=$name
	ENGINE_RL_UID=$(id -u "$name") && ENGINE_RL_GID=$(id -g "$name") || return 1
	r=$(subid_range /etc/subuid "$name")
	[ "${r#* }" = 65536 ] || { echo "rootless: no subuid range of 65536 for $name: '$r'" >&2; return 1; }
	ENGINE_RL_SUBUID=${r% *}
	r=$(subid_range /etc/subgid "$name")
	[ "${r#* }" = 65536 ] || { echo "rootless: no subgid range of 65536 for $name: '$r'" >&2; return 1; }
	ENGINE_RL_SUBGID=${r% *}
	export ENGINE_RL_USER ENGINE_RL_UID ENGINE_RL_GID ENGINE_RL_SUBUID ENGINE_RL_SUBGID
	mkdir -p "$ENGINE_RL/xdg" && chown "$name:" "$ENGINE_RL/xdg" && chmod 700 "$ENGINE_RL/xdg"
}

# Pids of the processes running as uid $1 or (real uid) in the sub-id range "$2" (FIRST COUNT).
# Zombies do not count: killed daemons (podman's pause process, the monitors) are children
# of pid 1, which reaps them late on the test hosts.
# user_pids UID RANGE
user_pids() {
	ps -e -o pid=,ruid=,stat= | awk -v u="$1" -v r="$2" '
		BEGIN { split(r, a, " ") }
		$3 !~ /^Z/ && ($2 == u || (r != "" && $2 >= a[1] && $2 < a[1] + a[2])) { print $1 }'
}

# The cgroup directories owned by uid $1 or by an id in the range "$2" (FIRST COUNT), deepest
# first. Other tests create and remove cgroups meanwhile: find's complaints are dropped.
# user_cgroups UID RANGE
user_cgroups() {
	find /sys/fs/cgroup -mindepth 2 -maxdepth 8 -depth -type d -printf '%U %p\n' 2>/dev/null |
		awk -v u="$1" -v r="$2" 'BEGIN { split(r, a, " ") }
			$1 == u || (r != "" && $1 >= a[1] && $1 < a[1] + a[2]) { sub(/^[0-9]+ /, ""); print }'
}

# Remove the rootless test user of this run and everything it left: its containers, its
# processes and those running as its sub-ids (all of them ours: the ranges were allocated
# to it), cgroups owned by any of its ids, the user with its home (podman's storage), its
# XDG_RUNTIME_DIR, and its /etc/subuid and /etc/subgid lines (userdel removes them; any
# left are deleted). Idempotent. Prints what it could not remove, and fails then.
rootless_user_remove() {
	local name uid su left='' f i
	[ -f "$ENGINE_RL/user" ] || return 0
	name=$(cat "$ENGINE_RL/user")
	[[ $name == silo-rl-* ]] || { echo "rootless: bad user name '$name' in $ENGINE_RL/user" >&2; return 1; }
	if uid=$(id -u "$name" 2>/dev/null); then
		ENGINE_RL_USER=$name rl rm -af -t 0 >/dev/null 2>&1 || true
		su=$(subid_range /etc/subuid "$name")
		for i in 1 2 3 4 5 6 7 8 9 10; do
			pkill -KILL -u "$uid" 2>/dev/null || true
			user_pids "$uid" "$su" | xargs -r kill -KILL 2>/dev/null || true
			[ -n "$(user_pids "$uid" "$su")" ] || break
			sleep 0.2
		done
		[ -z "$(user_pids "$uid" "$su")" ] || left="$left processes"
		# The user owns no cgroup unless the host delegated some.
		user_cgroups "$uid" "$su" | while read -r f; do
			rmdir "$f" || echo "rootless: cgroup $f left" >&2
		done
		# -f: zombies of the user may remain until pid 1 reaps them.
		userdel -f -r "$name" >/dev/null 2>&1 || true
		! id -u "$name" >/dev/null 2>&1 || left="$left user"
	fi
	rm -rf "${ENGINE_RL:?}/home" "${ENGINE_RL:?}/xdg"
	for f in /etc/subuid /etc/subgid; do
		if grep -q "^$name:" "$f"; then
			sed -i "/^$name:/d" "$f"
		fi
		cmp -s "$f" "$ENGINE_RL/${f#/etc/}.orig" ||
			echo "rootless: $f differs from before the run (changed by somebody else?)" >&2
	done
	rm -f "$ENGINE_RL/user"
	[ -z "$left" ] || { echo "rootless: could not remove $name's:$left" >&2; return 1; }
}

# Rootless podman keeps a "pause" process holding its user namespace: stop nobody's (its
# pid file is in podman's tmp dir of this run).
rootless_nobody_stop() {
	local f pid d=$ENGINE_RL_NOBODY
	[ -f "$d/containers.conf" ] || return 0
	rl_nobody rm -af -t 0 >/dev/null 2>&1 || true
	for f in "$d/xdg/tmp/pause.pid" "$d/xdg/libpod/tmp/pause.pid"; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		if [ "$(stat -c %u "/proc/$pid" 2>/dev/null)" = 65534 ] &&
			grep -q '^podman pause' "/proc/$pid/comm" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
		fi
		rm -f "$f"
	done
}

# containerd of this run (started by containerd_start in containerd.bats).
CTD_DIR=${ENGINE_WORK:-/nonexistent}/containerd
CTD_NS=silo-test-${ENGINE_RUN_ID:-0}
ctrc() { timeout -k 5 "$ENGINE_TIMEOUT" ctr -a "$CTD_DIR/containerd.sock" -n "$CTD_NS" "$@"; }

containerd_start() {
	mkdir -p "$CTD_DIR/root" "$CTD_DIR/state" "$CTD_DIR/runc"
	cat >"$CTD_DIR/config.toml" <<-EOF
		# SPDX-License-Identifier: GPL-2.0-or-later
		version = 2
		root = "$CTD_DIR/root"
		state = "$CTD_DIR/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CTD_DIR/containerd.sock"
		[ttrpc]
		  address = "$CTD_DIR/containerd.sock.ttrpc"
		[debug]
		  address = ""
		[metrics]
		  address = ""
	EOF
	containerd --config "$CTD_DIR/config.toml" >"$CTD_DIR/containerd.log" 2>&1 &
	echo $! >"$CTD_DIR/containerd.pid"
	wait_until 20 ctr -a "$CTD_DIR/containerd.sock" version
}

containerd_stop() {
	[ -f "$CTD_DIR/containerd.pid" ] || return 0
	local pid
	pid=$(cat "$CTD_DIR/containerd.pid")
	# Only our own containerd: the pid must still run containerd with our config.
	if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$CTD_DIR/config.toml"; then
		kill "$pid"
		wait_until 10 sh -c "! kill -0 $pid" || kill -9 "$pid"
	fi
	rm -f "$CTD_DIR/containerd.pid"
}

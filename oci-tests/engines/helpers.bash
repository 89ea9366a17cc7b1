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

# Rootless podman as $ENGINE_RL_UID (nobody) with the private rootless store of this run.
rl() {
	timeout --foreground -k 5 "$ENGINE_TIMEOUT" setpriv --reuid "$ENGINE_RL_UID" --regid "$ENGINE_RL_UID" \
		--clear-groups env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="$ENGINE_RL/home" XDG_RUNTIME_DIR="$ENGINE_RL/xdg" XDG_CONFIG_HOME="$ENGINE_RL/home/.config" \
		CONTAINERS_CONF="$ENGINE_RL/containers.conf" CONTAINERS_STORAGE_CONF="$ENGINE_RL/storage.conf" \
		CONTAINERS_REGISTRIES_CONF="$ENGINE_WORK/registries.conf" \
		podman --log-level fatal --root "$ENGINE_RL/home/storage" --runroot "$ENGINE_RL/xdg/run" \
		--tmpdir "$ENGINE_RL/xdg/tmp" --storage-driver vfs "$@"
}

# Rootless podman keeps a "pause" process holding its user namespace: stop ours (its pid
# file is in podman's tmp dir).
rootless_pause_stop() {
	local f pid
	for f in "$ENGINE_RL/xdg/tmp/pause.pid" "$ENGINE_RL/xdg/libpod/tmp/pause.pid"; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		if [ "$(stat -c %u "/proc/$pid" 2>/dev/null)" = "$ENGINE_RL_UID" ] &&
			grep -q '^podman pause' "/proc/$pid/comm" 2>/dev/null; then
			kill "$pid" 2>/dev/null
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

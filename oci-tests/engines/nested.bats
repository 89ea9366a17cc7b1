#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# podman in a container (issue 8 point 5). The outer podman (private store of this run)
# runs a Debian 12 rootfs with podman, crun, conmon, fuse-overlayfs and uidmap inside
# (mkdebian.sh, cached in /var/cache/silo-tests) with the runtime and monitor under test,
# --privileged; inside it an inner podman runs a busybox container, rootful and as a user
# with subuid ranges (rootless in rootful), first with crun (Debian's default) and then
# with the runtime and monitor under test bind-mounted in as /usr/local/bin/silo and
# /usr/local/bin/silomon. The inner rootful podman uses cgroupfs by default (the outer
# container shares the host's cgroup namespace and sees its own cgroup as the root of each
# v1 hierarchy); with `--cgroups=disabled` it passes --cgroup-manager=disabled to the runtime.
# Skips only when the Debian rootfs cannot be built for lack of a mirror. Run via ./run.

bats_require_minimum_version 1.5.0
load helpers

NESTED=$ENGINE_WORK/nested
NESTED_IMG=localhost/silo-debian-podman-$ENGINE_RUN_ID:latest
NESTED_CTR=silo-nested-$ENGINE_RUN_ID
INNER_IMG=localhost/inner-busybox:latest
# The outer container's limits (within the hosts' hard limits); the inner podman's
# default_ulimits (1024) stay below them.
OUTER_ULIMITS=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)

# add_sanitizer_libs ARRAY: append to ARRAY the bind mounts of the host's ASan and UBSan
# runtimes, which sanitizer builds (make SANITIZE=...) need and the Debian rootfs lacks.
# Inside, a report goes to stderr and fails the inner podman call.
add_sanitizer_libs() {
	local -n add_to=$1
	local lib
	for lib in $(ldd "$ENGINE_RUNTIME" "$ENGINE_CONMON" 2>/dev/null | awk '/lib(a|ub)san/ { print $3 }' | sort -u); do
		add_to+=(-v "$lib:$lib:ro")
	done
}

setup_file() {
	[ -n "${ENGINE_WORK:-}" ] || { echo "run these tests with oci-tests/engines/run" >&2; return 1; }
	mkdir -p "$NESTED/storage"
	local tarball rc=0 start
	start=$(date +%s)
	tarball=$("$BATS_TEST_DIRNAME/mkdebian.sh" 2>"$NESTED/mkdebian.log") || rc=$?
	echo "$(($(date +%s) - start))" >"$NESTED/build-seconds"
	if [ $rc = 3 ]; then
		echo "no Debian mirror: $(tail -n 1 "$NESTED/mkdebian.log")" >"$NESTED/skip"
		return 0
	fi
	if [ $rc != 0 ]; then
		{ echo "mkdebian.sh failed ($rc):"; cat "$NESTED/mkdebian.log"; } >"$NESTED/error"
		return 0
	fi
	echo "$tarball" >"$NESTED/tarball"
	# The outer container: the Debian rootfs as an image, run --privileged with the
	# binaries under test mounted where the inner containers.conf expects them, the
	# rootful inner store on a volume (native overlay cannot use an overlay upper dir).
	# shellcheck disable=SC2086
	if ! zstd -dc "$tarball" | timeout 300 $PODMAN import --quiet - "$NESTED_IMG" >"$NESTED/import.log" 2>&1; then
		{ echo "podman import of $tarball failed:"; cat "$NESTED/import.log"; } >"$NESTED/error"
		return 0
	fi
	local mounts=(-v "$ENGINE_RUNTIME:/usr/local/bin/silo:ro" -v "$NESTED/storage:/var/lib/containers")
	[ ! -x "$ENGINE_CONMON" ] || mounts+=(-v "$ENGINE_CONMON:/usr/local/bin/silomon:ro")
	add_sanitizer_libs mounts
	if ! pm run -d --privileged --name "$NESTED_CTR" "${OUTER_ULIMITS[@]}" "${mounts[@]}" \
		"$NESTED_IMG" sleep infinity >"$NESTED/outer.log" 2>&1; then
		{ echo "the outer container did not start:"; cat "$NESTED/outer.log"; } >"$NESTED/error"
		return 0
	fi
	# /dev/fuse is 0600 on the hosts (and so in a privileged container): the rootless
	# user's fuse-overlayfs needs it. Rootless podman wants / shared (else it warns).
	pm exec "$NESTED_CTR" sh -c 'chmod 666 /dev/fuse && mount --make-rshared /'
}

teardown_file() {
	# Inner containers first (their mounts live in the outer mount namespace), then the
	# outer container, its image and the rootful inner store (root-owned volume files).
	if [ -n "$(pm ps -q --filter "name=^$NESTED_CTR\$")" ]; then
		pm exec "$NESTED_CTR" podman rm -af -t 0 >/dev/null 2>&1
		pm exec "$NESTED_CTR" setpriv --reuid 1000 --regid 1000 --init-groups \
			env -i HOME=/home/nested XDG_RUNTIME_DIR=/tmp/xdg-nested \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin podman rm -af -t 0 >/dev/null 2>&1
	fi
	pm rm -f -t 0 "$NESTED_CTR" "$NESTED_CTR-cgns" >/dev/null 2>&1
	pm rmi -f "$NESTED_IMG" >/dev/null 2>&1
	awk -v w="$NESTED/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$NESTED/storage" "$NESTED/storage-cgns"
	return 0
}

setup() {
	[ ! -f "$NESTED/skip" ] || skip "$(cat "$NESTED/skip")"
	if [ -f "$NESTED/error" ]; then
		sed 's/^/# /' "$NESTED/error" | tail -n 40 >&3
		return 1
	fi
}

# A shell command line inside the outer container, as root.
outer() { pm exec "$NESTED_CTR" sh -c "$1"; }
# The same as the user "nested" (uid 1000, subuid/subgid 100000:65536).
outer_user() {
	pm exec "$NESTED_CTR" setpriv --reuid 1000 --regid 1000 --init-groups \
		env -i HOME=/home/nested USER=nested LOGNAME=nested XDG_RUNTIME_DIR=/tmp/xdg-nested \
		PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin sh -c "mkdir -p -m 700 /tmp/xdg-nested; $1"
}

# The inner podman with the runtime under test: silo and silomon, proven by podman info.
# `--runtime silo` (the name, resolved by the inner containers.conf to /usr/local/bin/silo):
# podman looks runtime_supports_nocgroup and runtime_supports_json up by that name.
INNER_SILO="podman --runtime silo --conmon /usr/local/bin/silomon"

@test "nested: the outer container runs under the runtime and monitor under test" {
	echo "# Debian rootfs: $(cat "$NESTED/tarball"), mkdebian.sh took $(cat "$NESTED/build-seconds") s" >&3
	assert_podman_uses_runtime
	assert_podman_uses_monitor
	assert_container_binaries "$NESTED_CTR"
	run outer 'getcap /usr/bin/newuidmap /usr/bin/newgidmap; podman --version; crun --version | head -n 1'
	assert_status 0
	assert_output_contains "/usr/bin/newuidmap cap_setuid=ep"
	assert_output_contains "/usr/bin/newgidmap cap_setgid=ep"
}

@test "nested: rootful inner podman with crun runs a container" {
	run outer "podman import --quiet /opt/silo-tests/busybox.tar $INNER_IMG >/dev/null &&
		podman info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}' &&
		podman run --rm $INNER_IMG echo hello from crun inside"
	assert_status 0
	assert_eq "${lines[0]}" "crun overlay"
	assert_eq "${lines[1]}" "hello from crun inside"
}

@test "nested: rootful inner podman runs silo and silomon (podman info)" {
	run outer "$INNER_SILO info --format '{{.Host.OCIRuntime.Path}} {{.Host.OCIRuntime.Name}} {{.Host.Conmon.Path}}'"
	assert_status 0
	if [ -x "$ENGINE_CONMON" ]; then
		assert_eq "$output" "/usr/local/bin/silo silo /usr/local/bin/silomon"
	else
		assert_output_contains "/usr/local/bin/silo silo "
	fi
}

@test "nested: rootful inner podman with silo runs a container" {
	run outer "podman image exists $INNER_IMG || podman import --quiet /opt/silo-tests/busybox.tar $INNER_IMG >/dev/null;
		$INNER_SILO run --rm $INNER_IMG echo hello from silo inside"
	assert_status 0
	assert_eq "$output" "hello from silo inside"
}

@test "nested: rootful inner podman with silo: exit code, run -d, exec, stop" {
	local name=inner-$ENGINE_RUN_ID
	run outer "$INNER_SILO run --rm $INNER_IMG sh -c 'exit 42'"
	assert_status 42
	run outer "$INNER_SILO run -d --name $name $INNER_IMG sleep 1000"
	assert_status 0
	run outer "$INNER_SILO exec $name sh -c 'echo in-exec; id -u'"
	assert_status 0
	assert_eq "$output" $'in-exec\n0'
	run outer "$INNER_SILO stop -t 2 $name && $INNER_SILO rm $name"
	assert_status 0
}

@test "nested: rootful inner podman with silo and --cgroups=disabled runs a container" {
	# podman passes --cgroup-manager=disabled to runtimes in runtime_supports_nocgroup.
	run outer "podman image exists $INNER_IMG || podman import --quiet /opt/silo-tests/busybox.tar $INNER_IMG >/dev/null;
		$INNER_SILO run --rm --cgroups=disabled $INNER_IMG echo hello from silo without cgroups"
	assert_status 0
	assert_eq "$output" "hello from silo without cgroups"
}

@test "nested: rootless inner podman (subuid ranges) with crun runs a container" {
	run outer_user "podman import --quiet /opt/silo-tests/busybox.tar $INNER_IMG >/dev/null &&
		podman info --format '{{.Host.Security.Rootless}} {{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}' &&
		podman run --rm $INNER_IMG sh -c 'echo hello from rootless crun; id -u; cat /proc/self/uid_map'"
	assert_status 0
	assert_eq "${lines[0]}" "true crun overlay"
	assert_eq "${lines[1]}" "hello from rootless crun"
	assert_eq "${lines[2]}" 0
	# The user's own uid, then its subuid range.
	[[ ${lines[3]} =~ ^[[:space:]]*0[[:space:]]+1000[[:space:]]+1$ ]] || { echo "# uid_map: ${lines[3]}" >&3; false; }
	[[ ${lines[4]} =~ ^[[:space:]]*1[[:space:]]+100000[[:space:]]+65536$ ]] || { echo "# uid_map: ${lines[4]}" >&3; false; }
}

@test "nested: rootless inner podman (subuid ranges) with silo runs a container" {
	run outer_user "podman image exists $INNER_IMG || podman import --quiet /opt/silo-tests/busybox.tar $INNER_IMG >/dev/null;
		$INNER_SILO info --format '{{.Host.OCIRuntime.Path}} {{.Host.Conmon.Path}}' &&
		$INNER_SILO run --rm $INNER_IMG sh -c 'echo hello from rootless silo; id -u'"
	assert_status 0
	assert_output_contains "hello from rootless silo"
	assert_eq "${lines[2]}" 0
	if [ -x "$ENGINE_CONMON" ]; then
		assert_eq "${lines[0]}" "/usr/local/bin/silo /usr/local/bin/silomon"
	fi
}

# Not the default (podman on cgroup v1 shares the host's cgroup namespace), but it tells
# apart the cgroup v1 mount-root problem from everything else nested: with a private
# cgroup namespace the outer container sees its own cgroups at the roots of the hierarchies.
@test "nested: outer --cgroupns=private: inner silo runs a container, rootful and rootless" {
	local c=$NESTED_CTR-cgns
	local mounts=(-v "$ENGINE_RUNTIME:/usr/local/bin/silo:ro" -v "$NESTED/storage-cgns:/var/lib/containers")
	[ ! -x "$ENGINE_CONMON" ] || mounts+=(-v "$ENGINE_CONMON:/usr/local/bin/silomon:ro")
	add_sanitizer_libs mounts
	mkdir -p "$NESTED/storage-cgns"
	run pm run -d --privileged --cgroupns=private --name "$c" "${OUTER_ULIMITS[@]}" "${mounts[@]}" \
		"$NESTED_IMG" sleep infinity
	assert_status 0
	run pm exec "$c" sh -c "chmod 666 /dev/fuse && mount --make-rshared / &&
		podman import --quiet /opt/silo-tests/busybox.tar $INNER_IMG >/dev/null &&
		$INNER_SILO run --rm $INNER_IMG echo rootful silo, private cgroupns &&
		setpriv --reuid 1000 --regid 1000 --init-groups env -i HOME=/home/nested USER=nested \
			XDG_RUNTIME_DIR=/tmp/xdg-nested PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin sh -c '
			mkdir -p -m 700 /tmp/xdg-nested &&
			podman import --quiet /opt/silo-tests/busybox.tar $INNER_IMG >/dev/null &&
			$INNER_SILO run --rm $INNER_IMG echo rootless silo, private cgroupns'"
	pm exec "$c" sh -c 'podman rm -af -t 0; setpriv --reuid 1000 --regid 1000 --init-groups env -i \
		HOME=/home/nested XDG_RUNTIME_DIR=/tmp/xdg-nested PATH=/usr/bin:/bin podman rm -af -t 0' >/dev/null 2>&1
	pm rm -f -t 0 "$c" >/dev/null 2>&1
	rm -rf "$NESTED/storage-cgns"
	assert_status 0
	assert_eq "$output" $'rootful silo, private cgroupns\nrootless silo, private cgroupns'
}

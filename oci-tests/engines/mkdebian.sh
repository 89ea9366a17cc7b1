#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# oci-tests/engines/mkdebian.sh [-n]
#
# Prints the path of a cached Debian 12 (bookworm) rootfs tarball for nested.bats, building
# it first if it is not cached yet. The rootfs (debootstrap --variant=minbase) holds
# podman, crun, conmon, fuse-overlayfs, uidmap and busybox-static (and the CNI plugins, as
# podman needs a "container-network-stack", unused: netns none), plus:
#   * newuidmap/newgidmap with file capabilities instead of setuid (nested podman needs
#     that, see /work/shared/host.md), and setcap/getcap to check or repeat it;
#   * /etc/containers/containers.conf and storage.conf for podman inside a container
#     (cgroupfs, file event log, no network, default ulimits within the test hosts' hard
#     limits, runtime "silo" at /usr/local/bin/silo), and the same for the user below;
#   * user "nested" (uid 1000) with /etc/subuid and /etc/subgid ranges for rootless podman;
#   * /opt/silo-tests/busybox.tar: a busybox rootfs to `podman import` inside.
#
# The tarball is /var/cache/silo-tests/debian-podman-<hash>.tar.zst, <hash> the SHA-256 of
# this script (SILO_TEST_CACHE changes the directory): edit the script and the next run
# builds a new one. Builds are serialised by a lock file, bounded by MKDEBIAN_TIMEOUT
# seconds (default 600), and a failed or interrupted build leaves no partial tarball.
#
#   -n   only print the path, build nothing (exit 1 if it is not cached)
#
# Exit status: 0 (path printed), 1 build failed, 3 the Debian mirror is unreachable (the
# caller skips), 2 usage.
{	# (the braces make bash read the whole script first: editing it mid-run is safe)
set -u
here=$(cd "$(dirname "$0")" && pwd)
self=$here/$(basename "$0")
cache=${SILO_TEST_CACHE:-/var/cache/silo-tests}
limit=${MKDEBIAN_TIMEOUT:-600}
suite=bookworm
packages=podman,containernetworking-plugins,crun,conmon,fuse-overlayfs,uidmap,busybox-static,libcap2-bin,ca-certificates

only_print=''
while getopts n opt; do
	case $opt in
	n) only_print=1 ;;
	*) echo "usage: $0 [-n]" >&2; exit 2 ;;
	esac
done

hash=$(sha256sum "$self" | cut -c1-16)
out=$cache/debian-podman-$hash.tar.zst
log() { echo "mkdebian: $*" >&2; }

if [ -s "$out" ]; then echo "$out"; exit 0; fi
[ -z "$only_print" ] || exit 1
[ "$(id -u)" = 0 ] || { log "needs root"; exit 1; }

# The mirror apt uses on this host (deb822 URIs: or one-line deb), the first Debian one.
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i } /^deb / { print ($2 ~ /^\[/ ? $3 : $2) }' |
	grep -E '/debian/?$' | head -n 1)
mirror=${MKDEBIAN_MIRROR:-${mirror:-http://deb.debian.org/debian}}

# Reachable? (The only network the test hosts have is Debian's package mirror.)
host=$(echo "$mirror" | sed -E 's|^[a-z]+://([^/:]+).*|\1|')
port=$(echo "$mirror" | sed -nE 's|^[a-z]+://[^/:]+:([0-9]+).*|\1|p')
case $mirror in https:*) port=${port:-443} ;; *) port=${port:-80} ;; esac
# shellcheck disable=SC2016
if ! timeout 20 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; then
	log "the Debian mirror $mirror is unreachable"
	exit 3
fi

if ! command -v debootstrap >/dev/null; then
	log "installing debootstrap"
	timeout 300 apt-get install -y -q debootstrap >/dev/null 2>&1 ||
		{ timeout 300 apt-get update -q >/dev/null 2>&1 && timeout 300 apt-get install -y -q debootstrap >/dev/null 2>&1; } ||
		{ log "cannot install debootstrap"; exit 1; }
fi
command -v zstd >/dev/null || timeout 300 apt-get install -y -q zstd >/dev/null 2>&1 ||
	{ log "zstd is missing"; exit 1; }

mkdir -p "$cache" || exit 1
exec 9>"$cache/.mkdebian.lock"
if ! flock -w "$limit" 9; then log "another build holds $cache/.mkdebian.lock"; exit 1; fi
if [ -s "$out" ]; then echo "$out"; exit 0; fi	# built while we waited

work=$(mktemp -d /var/tmp/silo-mkdebian.XXXXXX) || exit 1
root=$work/rootfs
tmp_out=$out.tmp.$$
dbs_pid=''
# shellcheck disable=SC2317
cleanup() {
	local m
	# timeout runs debootstrap in its own process group: kill what is left of it.
	if [ -n "$dbs_pid" ]; then
		kill -KILL -- "-$dbs_pid" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			pgrep -g "$dbs_pid" >/dev/null || break
			sleep 0.5
		done
	fi
	# debootstrap mounts proc, sys (and more) in the target; an interrupted run leaves them.
	awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$work" "$tmp_out"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

start=$(date +%s)
log "building $out from $mirror (takes minutes; log in $work/debootstrap.log while it runs)"
timeout -k 10 "$limit" debootstrap --variant=minbase --include="$packages" \
	"$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 &
dbs_pid=$!
if ! wait "$dbs_pid"; then
	log "debootstrap failed or timed out after $(($(date +%s) - start)) s; last lines:"
	tail -n 15 "$work/debootstrap.log" >&2
	[ -f "$root/debootstrap/debootstrap.log" ] && tail -n 15 "$root/debootstrap/debootstrap.log" >&2
	exit 1
fi

dbs_pid=''
configure() {
	local r=$root
	# newuidmap/newgidmap: file capabilities, not setuid.
	chmod u-s "$r/usr/bin/newuidmap" "$r/usr/bin/newgidmap" &&
		setcap cap_setuid+ep "$r/usr/bin/newuidmap" &&
		setcap cap_setgid+ep "$r/usr/bin/newgidmap" || return 1

	chroot "$r" useradd -m -u 1000 -s /bin/sh nested || return 1
	echo "nested:100000:65536" >"$r/etc/subuid"
	echo "nested:100000:65536" >"$r/etc/subgid"

	mkdir -p "$r/etc/containers" "$r/home/nested/.config/containers" || return 1
	cat >"$r/etc/containers/containers.conf" <<-'EOF'
		# SPDX-License-Identifier: GPL-2.0-or-later
		# podman inside a container (oci-tests/engines/mkdebian.sh): no systemd, no network.
		[containers]
		netns = "none"
		log_driver = "k8s-file"
		# root lacks CAP_SYS_RESOURCE on the test hosts: podman's default rlimits would fail.
		default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		runtime_supports_json = ["silo", "crun", "runc"]
		runtime_supports_nocgroup = ["silo", "crun"]

		[engine.runtimes]
		silo = ["/usr/local/bin/silo"]
		crun = ["/usr/bin/crun"]
	EOF
	cp "$r/etc/containers/containers.conf" "$r/home/nested/.config/containers/containers.conf"
	# Rootful: native overlay, which needs the store on a file system other than overlayfs
	# (nested.bats mounts a volume on /var/lib/containers). The rootless user (store in
	# the container's overlay root) uses fuse-overlayfs, with /dev/fuse opened up.
	cat >"$r/etc/containers/storage.conf" <<-'EOF'
		# SPDX-License-Identifier: GPL-2.0-or-later
		[storage]
		driver = "overlay"
		graphroot = "/var/lib/containers/storage"
		runroot = "/run/containers/storage"
	EOF
	cat >"$r/home/nested/.config/containers/storage.conf" <<-'EOF'
		# SPDX-License-Identifier: GPL-2.0-or-later
		[storage]
		driver = "overlay"
		[storage.options.overlay]
		mount_program = "/usr/bin/fuse-overlayfs"
	EOF
	chroot "$r" chown -R nested:nested /home/nested/.config || return 1

	# A busybox rootfs to import inside (static busybox plus one symlink per applet).
	local bb=$work/bb a
	mkdir -p "$bb/bin" "$bb/etc" "$bb/tmp" "$r/opt/silo-tests" && cp "$r/bin/busybox" "$bb/bin/" || return 1
	for a in $(chroot "$r" /bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$bb/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$bb/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$bb/etc/group"
	tar -C "$bb" -cf "$r/opt/silo-tests/busybox.tar" . || return 1

	rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* "$r/debootstrap"
}
configure || { log "configuring the rootfs failed"; exit 1; }

# security.capability must survive: --xattrs.
if ! tar --xattrs --xattrs-include='security.capability' --numeric-owner -C "$root" -cf - . |
	zstd -q -T0 -3 -o "$tmp_out"; then
	log "packing failed"
	exit 1
fi
mv -f "$tmp_out" "$out" || exit 1
log "built $out ($(du -h "$out" | cut -f1)) in $(($(date +%s) - start)) s"
# Tarballs of other versions of this script, unchanged for a week, are stale.
find "$cache" -maxdepth 1 -name 'debian-podman-*.tar.zst' ! -name "${out##*/}" -mtime +7 -delete 2>/dev/null
echo "$out"
exit 0
}

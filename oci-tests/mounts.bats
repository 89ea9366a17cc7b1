#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# config.md "Root", "Mounts", "POSIX-platform Mounts" (Linux mount options) and
# config-linux.md "Rootfs Mount Propagation".

load helpers

# add_mount DEST TYPE SOURCE [OPTION...]: append a mount ("" TYPE leaves type out).
add_mount() {
	local dest=$1 type=$2 src=$3
	shift 3
	update_config '.mounts += [{"destination": $d, "source": $s, "options": $o}
		+ (if $t == "" then {} else {"type": $t} end)]' \
		--arg d "$dest" --arg t "$type" --arg s "$src" --argjson o "$(json_array "$@")"
}

# host_dir: a directory beside the bundle holding a file "f" with content "hello".
host_dir() {
	mkdir -p "$BATS_TEST_TMPDIR/vol"
	echo hello >"$BATS_TEST_TMPDIR/vol/f"
	echo "$BATS_TEST_TMPDIR/vol"
}

@test "config.md#mounts: proc is mounted at /proc" {
	init_ok mount /proc
	[ "$(mount_field fstype)" = proc ]
}

@test "config.md#mounts: sysfs with ro is mounted read-only" {
	init_ok mount /sys
	[ "$(mount_field fstype)" = sysfs ]
	expect_mount_opt opts ro
}

@test "config.md#mounts: mqueue is mounted at /dev/mqueue" {
	init_ok mount /dev/mqueue
	[ "$(mount_field fstype)" = mqueue ]
}

@test "config.md#mounts: tmpfs data options (mode=) are applied" {
	init_ok stat /dev
	expect_output "/dev d 0:0 0755 0:0"
}

@test "config.md#mounts: tmpfs size= is passed to the file system" {
	add_mount /sized tmpfs tmpfs size=1m
	init_ok mount /sized
	expect_mount_opt super size=1024k
}

@test "config.md#posix-platform-mounts: nosuid, nodev, noexec are applied" {
	add_mount /flags tmpfs tmpfs nosuid nodev noexec
	init_ok mount /flags
	expect_mount_opt opts nosuid
	expect_mount_opt opts nodev
	expect_mount_opt opts noexec
}

@test "config.md#posix-platform-mounts: noatime is applied" {
	add_mount /noatime tmpfs tmpfs noatime
	init_ok mount /noatime
	expect_mount_opt opts noatime
}

@test "config.md#posix-platform-mounts: ro tmpfs refuses writes" {
	add_mount /rotmp tmpfs tmpfs ro
	init_ok mount /rotmp :: create /rotmp
	expect_mount_opt opts ro
	expect_line "/rotmp EROFS"
}

@test "config.md#posix-platform-mounts: nosymfollow is applied" {
	add_mount /nosym tmpfs tmpfs nosymfollow
	init_ok mount /nosym
	expect_mount_opt opts nosymfollow
}

@test "config.md#mounts: bind mount shows the host directory" {
	add_mount /vol "" "$(host_dir)" bind
	init_ok cat /vol/f
	expect_output hello
}

@test "config.md#mounts: type bind is a bind mount" {
	add_mount /vol bind "$(host_dir)" rbind
	init_ok cat /vol/f
	expect_output hello
}

@test "config.md#mounts: relative bind source is relative to the bundle" {
	mkdir "$BUNDLE/relsrc"
	echo relative >"$BUNDLE/relsrc/f"
	add_mount /vol "" relsrc bind
	init_ok cat /vol/f
	expect_output relative
}

@test "config.md#mounts: bind mount of a file creates the destination file" {
	echo filebind >"$BATS_TEST_TMPDIR/file"
	add_mount /etc/bound "" "$BATS_TEST_TMPDIR/file" bind
	init_ok cat /etc/bound :: stat /etc/bound
	expect_line filebind
	expect_match '^/etc/bound f '
}

@test "config.md#posix-platform-mounts: ro bind mount refuses writes" {
	add_mount /vol "" "$(host_dir)" bind ro
	init_ok mount /vol :: create /vol
	expect_mount_opt opts ro
	expect_line "/vol EROFS"
}

@test "config.md#posix-platform-mounts: rw bind mount accepts writes" {
	add_mount /vol "" "$(host_dir)" bind rw
	init_ok create /vol :: mount /vol
	expect_line "/vol ok"
	expect_no_mount_opt opts ro
}

@test "config.md#posix-platform-mounts: nosuid on a bind mount is applied" {
	add_mount /vol "" "$(host_dir)" bind nosuid
	init_ok mount /vol
	expect_mount_opt opts nosuid
}

@test "config.md#posix-platform-mounts: rro makes a bind mount and its submounts read-only" {
	vol=$(host_dir)
	mkdir "$vol/sub"
	mount -t tmpfs oci-tests-sub "$vol/sub"
	add_mount /vol "" "$vol" rbind rro
	init_ok mount /vol/sub :: create /vol/sub
	expect_mount_opt opts ro
	expect_line "/vol/sub EROFS"
}

@test "config.md#posix-platform-mounts: private propagation" {
	add_mount /vol "" "$(host_dir)" bind private
	init_ok mount /vol
	[ "$(mount_field prop)" = private ]
}

@test "config.md#posix-platform-mounts: shared propagation" {
	add_mount /vol "" "$(host_dir)" bind shared
	init_ok mount /vol
	[[ $(mount_field prop) == *shared:* ]] || fail "propagation $(mount_field prop)"
}

@test "config.md#posix-platform-mounts: unbindable propagation" {
	add_mount /vol "" "$(host_dir)" bind unbindable
	init_ok mount /vol
	[[ $(mount_field prop) == *unbindable* ]] || fail "propagation $(mount_field prop)"
}

@test "config.md#posix-platform-mounts: rslave propagation receives the host's new mounts" {
	vol=$(host_dir)
	mount -t tmpfs oci-tests-shared "$vol"
	mount --make-shared "$vol"
	mkdir "$vol/sub"
	add_mount /vol "" "$vol" rbind rslave
	start_detached sleep 2 :: mount /vol/sub
	mount -t tmpfs oci-tests-late "$vol/sub"
	wait_status "$CID" stopped
	grep -q '^fstype=tmpfs source=oci-tests-late ' "$BUNDLE/out" || fail "container saw: $(cat "$BUNDLE/out")"
}

@test "config.md#posix-platform-mounts: rprivate propagation does not receive the host's new mounts" {
	vol=$(host_dir)
	mount -t tmpfs oci-tests-shared "$vol"
	mount --make-shared "$vol"
	mkdir "$vol/sub"
	add_mount /vol "" "$vol" rbind rprivate
	start_detached sleep 2 :: mount /vol/sub
	mount -t tmpfs oci-tests-late "$vol/sub"
	wait_status "$CID" stopped
	[ "$(cat "$BUNDLE/out")" = none ] || fail "container saw: $(cat "$BUNDLE/out")"
}

@test "config.md#mounts: devpts options (ptmxmode) are applied" {
	init_ok stat /dev/pts/ptmx :: mount /dev/pts
	expect_match '^/dev/pts/ptmx c 5:2 0666 '
	[ "$(mount_field fstype)" = devpts ]
}

@test "config.md#mounts: /dev/shm tmpfs gets its mode" {
	init_ok stat /dev/shm
	expect_output "/dev/shm d 0:0 1777 0:0"
}

@test "config.md#mounts: missing destination directories are created" {
	add_mount /new/deep/dir tmpfs tmpfs
	init_ok mount /new/deep/dir
	[ "$(mount_field fstype)" = tmpfs ]
}

@test "config.md#mounts: mounts are made in the listed order" {
	add_mount /layer "" "$(host_dir)" bind
	add_mount /layer tmpfs tmpfs
	add_mount /layer/inner tmpfs tmpfs size=2m
	init_ok ls /layer :: mount /layer/inner
	expect_line inner
	expect_no_line f
	expect_mount_opt super size=2048k
}

@test "config.md#mounts: relative destination is relative to /" {
	add_mount reldest tmpfs tmpfs
	init_ok mount /reldest
	[ "$(mount_field fstype)" = tmpfs ]
}

@test "config.md#mounts: unknown file system type is an error" {
	add_mount /bad oci-tests-nofs none
	expect_create_fails
}

@test "config.md#root: readonly root refuses writes" {
	update_config '.root.readonly = true'
	init_ok create / :: mount /
	expect_line "/ EROFS"
	expect_mount_opt opts ro
}

@test "config.md#root: writable root accepts writes" {
	init_ok create /
	expect_output "/ ok"
}

@test "config.md#root: absolute root.path is used" {
	update_config '.root.path = $p' --arg p "$ROOTFS"
	cd /
	init_ok echo absolute
	expect_output absolute
}

@test "config.md#root: missing root.path is an error" {
	update_config '.root.path = "no-such-rootfs"'
	expect_create_fails
}

@test "config-linux.md#rootfs-mount-propagation: shared" {
	update_config '.linux.rootfsPropagation = "shared"'
	init_ok mount /
	[[ $(mount_field prop) == *shared:* ]] || fail "propagation $(mount_field prop)"
}

@test "config-linux.md#rootfs-mount-propagation: private" {
	update_config '.linux.rootfsPropagation = "private"'
	init_ok mount /
	[ "$(mount_field prop)" = private ]
}

@test "config-linux.md#rootfs-mount-propagation: mounts made in the container do not reach the host" {
	vol=$(host_dir)
	add_mount /vol "" "$vol" rbind
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"]) |
		.process.args = ["/bin/sh", "-c", "mkdir -p /vol/m && mount -t tmpfs leak /vol/m"]'
	run_bundle
	expect_status 0
	! grep -qF "$vol/m" /proc/self/mountinfo || fail "container mount leaked to the host"
}

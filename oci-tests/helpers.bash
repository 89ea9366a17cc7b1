# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the oci-tests bats files.  Every .bats file starts with `load helpers`,
# which installs setup/teardown functions (a file may wrap them, calling oci_setup etc.).
#
# Per test: $BUNDLE (config.json + rootfs/ holding /init and busybox), $ROOTFS, $CID (unique
# container id), $CGPATH (unique cgroupsPath).  The runtime under test is $RUNTIME; every
# call goes through rt_raw (mostly via `runtime`), which adds a private --root ($RT_ROOT, one
# per test file) and a time limit.

OCI_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INIT_BIN=$OCI_TESTS_DIR/init
RECVTTY=$OCI_TESTS_DIR/recvtty
: "${RUNTIME:?set RUNTIME to the runtime under test}"
: "${OCI_RUN_ID:=$$}"
FILE_TAG=$(basename "$BATS_TEST_FILENAME" .bats)
CG_V1_ROOT=/sys/fs/cgroup
RT_TIMEOUT=${OCI_TESTS_TIMEOUT:-10}

# rt_raw ARGS...: the runtime with the private --root and a time limit (a hung runtime must
# not hang the suite); no output capture.  Every call of the runtime goes through here.
rt_raw() {
	timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$RT_ROOT" "$@"
}

# ------------------------------------------------------------------ setup and teardown

oci_setup_file() {
	[ -x "$INIT_BIN" ] || { echo "missing $INIT_BIN: run make oci-tests/init" >&2; return 1; }
	RT_ROOT=$(mktemp -d "/run/oci-tests-$OCI_RUN_ID-$FILE_TAG.XXXXXX")
	ROOTFS_TEMPLATE=$BATS_FILE_TMPDIR/rootfs
	make_rootfs "$ROOTFS_TEMPLATE"
	export RT_ROOT ROOTFS_TEMPLATE
}

oci_teardown_file() {
	local id
	if [ -d "${RT_ROOT:-}" ]; then
		for id in $(ls "$RT_ROOT"); do
			rt_raw delete --force "$id" </dev/null >/dev/null 2>&1 3>&- || true
		done
		rm -rf --one-file-system "$RT_ROOT"
	fi
}

# The minimal rootfs: the checker as /init, busybox for shell-based steps, passwd/group.
make_rootfs() {
	local r=$1
	mkdir -p "$r"/{bin,dev,etc,proc,sys,tmp,home/tester}
	cp "$INIT_BIN" "$r/init"
	if [ -x /bin/busybox ]; then
		cp /bin/busybox "$r/bin/busybox"
		ln -s busybox "$r/bin/sh"
	fi
	chmod 1777 "$r/tmp"
	printf 'root:x:0:0:root:/root:/bin/sh\ntester:x:1000:1000:tester:/home/tester:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\ntty:x:5:\ntester:x:1000:\n' >"$r/etc/group"
}

oci_setup() {
	requires root
	CID=oci-$OCI_RUN_ID-$FILE_TAG-$BATS_TEST_NUMBER
	CGPATH=/oci-tests-$OCI_RUN_ID-$FILE_TAG-$BATS_TEST_NUMBER
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	ROOTFS=$BUNDLE/rootfs
	IDS_FILE=$BATS_TEST_TMPDIR/ids
	mkdir -p "$BUNDLE"
	cp -a "$ROOTFS_TEMPLATE" "$ROOTFS"
	base_config >"$BUNDLE/config.json"
	echo "$CID" >"$IDS_FILE"
	HOST_NAMES=$(uname -n -o; cat /proc/sys/kernel/domainname)
}

# Remove everything a test may have left, whatever state it failed in.
oci_teardown() {
	local id pids
	[ -f "${IDS_FILE:-}" ] || return 0
	while read -r id; do
		rt_raw delete --force "$id" </dev/null >/dev/null 2>&1 3>&- || true
	done <"$IDS_FILE"
	# Processes the runtime failed to kill, then the cgroups (deepest first).
	for pids in $(cgroup_dirs "$CGPATH" | sed 's|$|/cgroup.procs|'); do
		xargs -r kill -9 <"$pids" 2>/dev/null || true
	done
	cgroup_dirs "$CGPATH" | while read -r d; do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	unmount_under "$BATS_TEST_TMPDIR"
	rm -rf --one-file-system "$BATS_TEST_TMPDIR"/* 2>/dev/null || true
	guard_host_names
}

# A runtime that fails to unshare the UTS namespace renames the host: put the names back
# and fail the test.
guard_host_names() {
	[ "$(uname -n -o; cat /proc/sys/kernel/domainname)" != "$HOST_NAMES" ] || return 0
	hostname "$(sed -n 1p <<<"$HOST_NAMES" | cut -d' ' -f1)"
	sed -n 2p <<<"$HOST_NAMES" >/proc/sys/kernel/domainname
	fail "the host's hostname or domainname was changed (restored)"
}

# Every existing directory of cgroup path $1 in all mounted hierarchies.
cgroup_dirs() {
	local d
	for d in "$CG_V1_ROOT"/*/"${1#/}" "$CG_V1_ROOT/${1#/}"; do
		[ -d "$d" ] && echo "$d"
	done
	true
}

# Lazily unmount every mount point below $1, deepest first.
unmount_under() {
	awk -v p="$1/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# A fresh extra container id, removed in teardown like $CID.
new_id() {
	local id=$CID-$(($(wc -l <"$IDS_FILE") + 1))
	echo "$id" >>"$IDS_FILE"
	echo "$id"
}

# ------------------------------------------------------------------ config

base_config() {
	jq --arg cg "$CGPATH" 'del(.["//"]) | .linux.cgroupsPath = $cg' "$OCI_TESTS_DIR/base-config.json"
}

# update_config FILTER [jq options...]: edit $BUNDLE/config.json in place.
update_config() {
	local filter=$1
	shift
	jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" &&
		mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# json_array STRING...: a JSON array of the strings (which must not contain newlines).
json_array() {
	if [ $# -eq 0 ]; then echo '[]'; else printf '%s\n' "$@" | jq -R . | jq -sc .; fi
}

# set_args ARG...: process.args = [ARG...].
set_args() {
	update_config '.process.args = $a' --argjson a "$(json_array "$@")"
}

# ------------------------------------------------------------------ running the runtime

# runtime ARGS...: run the runtime with the private --root, bats-`run` style: sets $status,
# $output (stdout) and $stderr, and logs the call for failure reports.  Output goes through
# files, never pipes: a container started by the call may keep its stdio open.
runtime() {
	local out err
	out=$(mktemp "$BATS_TEST_TMPDIR/rt.XXXXXX")
	err=$out.err
	status=0
	rt_raw "$@" </dev/null >"$out" 2>"$err" 3>&- || status=$?
	output=$(cat "$out")
	stderr=$(cat "$err")
	echo "\$ runtime $* -> $status"
	[ -z "$output" ] || echo "$output" | sed 's/^/  out: /'
	[ -z "$stderr" ] || echo "$stderr" | sed 's/^/  err: /'
}

# rt_ok ARGS...: like runtime, but the call must succeed.
rt_ok() {
	runtime "$@"
	[ "$status" -eq 0 ] || fail "runtime $1 failed with $status"
}

# run_init CMD [ARGS...]: run the container in the foreground as `/init CMD ARGS...`; $output
# holds only the container's stdout ($stderr the rest), $status the exit status of `run`.
run_init() {
	set_args /init "$@"
	run_bundle
}

# run_bundle [RUN-OPTIONS...]: foreground `run` of $BUNDLE as $CID.
run_bundle() {
	runtime run --bundle "$BUNDLE" "$@" "$CID"
}

# init_ok CMD [ARGS...]: run_init that must exit 0.
init_ok() {
	run_init "$@"
	[ "$status" -eq 0 ] || fail "container exited with $status"
}

# create [ID [OPTIONS...]]: create a container from $BUNDLE (default id $CID); must succeed.
# The container's stdout and stderr go to $BUNDLE/out and $BUNDLE/err.
create() {
	local id=${1:-$CID}
	shift || true
	status=0
	rt_raw create --bundle "$BUNDLE" "$@" "$id" </dev/null >>"$BUNDLE/out" 2>>"$BUNDLE/err" 3>&- ||
		status=$?
	[ "$status" -eq 0 ] || fail "create $id failed with $status: $(cat "$BUNDLE/err")"
}

# start_detached CMD [ARGS...]: create+start `/init CMD ARGS...` as $CID.
start_detached() {
	set_args /init "$@"
	create
	rt_ok start "$CID"
}

# state_field [ID] FIELD: print one field of `state`.
state_field() {
	local id=$CID
	[ $# -eq 2 ] && { id=$1; shift; }
	rt_raw state "$id" </dev/null 2>/dev/null 3>&- | jq -r ".$1"
}

# wait_status ID STATUS: poll `state` until it reports STATUS (5 s at most).
wait_status() {
	local i
	for i in $(seq 50); do
		[ "$(state_field "$1" status 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	fail "container $1 did not reach status $2 (now: $(state_field "$1" status 2>&1))"
}

# wait_for_file FILE [PATTERN]: wait until FILE exists (and contains PATTERN), 5 s at most.
wait_for_file() {
	local i
	for i in $(seq 50); do
		[ -e "$1" ] && { [ -z "${2:-}" ] || grep -q -- "$2" "$1"; } && return 0
		sleep 0.1
	done
	fail "timed out waiting for $1 ${2:+to contain $2}"
}

# ------------------------------------------------------------------ assertions

fail() {
	echo "FAIL: $*" >&2
	return 1
}

# expect_output TEXT: the whole $output equals TEXT.
expect_output() {
	[ "$output" = "$1" ] || fail "expected output '$1', got '$output'"
}

# expect_line TEXT: one line of $output equals TEXT.
expect_line() {
	grep -qxF -- "$1" <<<"$output" || fail "no line '$1' in output"
}

# expect_no_line TEXT: no line of $output equals TEXT.
expect_no_line() {
	! grep -qxF -- "$1" <<<"$output" || fail "unexpected line '$1' in output"
}

# expect_match REGEX: some line of $output matches the extended REGEX.
expect_match() {
	grep -qE -- "$1" <<<"$output" || fail "no line matching /$1/ in output"
}

# expect_status N: $status equals N.
expect_status() {
	[ "$status" -eq "$1" ] || fail "expected status $1, got $status"
}

# expect_failure: $status is non-zero but not a crash/timeout (signal or timeout(1) codes).
expect_failure() {
	[ "$status" -ne 0 ] || fail "expected the runtime to fail"
	[ "$status" -lt 124 ] || [ "$status" -eq 255 ] || fail "runtime crashed or hung (status $status)"
}

# expect_create_fails: create must be refused cleanly: non-zero (no crash), and no container,
# state entry or cgroup left behind.
expect_create_fails() {
	runtime create --bundle "$BUNDLE" "$CID"
	expect_failure
	! ls "$RT_ROOT" | grep -qF -- "$CID" || fail "state left in $RT_ROOT: $(ls "$RT_ROOT")"
	rt_raw state "$CID" </dev/null >/dev/null 2>&1 3>&- && fail "container $CID exists"
	[ -z "$(cgroup_dirs "$CGPATH")" ] || fail "cgroup left behind: $(cgroup_dirs "$CGPATH")"
}

# has_opt LIST OPT: comma-separated LIST contains OPT.
has_opt() {
	[[ ",$1," == *",$2,"* ]]
}

# mount_field FIELD: value of FIELD (fstype, opts, super, prop...) in an `init mount` line.
mount_field() {
	sed -nE "s/.*(^| )$1=([^ ]*).*/\2/p" <<<"$output"
}

# expect_mount_opt FIELD OPT / expect_no_mount_opt FIELD OPT: on the `init mount` output.
expect_mount_opt() {
	has_opt "$(mount_field "$1")" "$2" || fail "$1 '$(mount_field "$1")' lacks $2"
}
expect_no_mount_opt() {
	! has_opt "$(mount_field "$1")" "$2" || fail "$1 '$(mount_field "$1")' has $2"
}

# ------------------------------------------------------------------ gates

# requires WHAT...: skip the test, saying why, unless every condition holds.
#   root, cgroups_v1, cgroups_v2, cgroups_hybrid, controller:NAME (v1 name; available to
#   containers on this host), path:FILE, cmd:NAME,
#   feature:JQ-EXPR (checked against `$RUNTIME features`; runtimes without the command pass)
requires() {
	local r
	for r in "$@"; do
		case $r in
		root) [ "$(id -u)" -eq 0 ] || skip "needs root" ;;
		cgroups_v1) [ "$(cgroup_mode)" != v2 ] && [ -d $CG_V1_ROOT/memory ] ||
			skip "needs cgroup v1 controllers" ;;
		cgroups_v2) [ "$(cgroup_mode)" = v2 ] || skip "needs a cgroup v2 host" ;;
		cgroups_hybrid) [ "$(cgroup_mode)" = hybrid ] || skip "needs a hybrid cgroup host" ;;
		controller:*) has_controller "${r#controller:}" || skip "needs cgroup controller ${r#controller:}" ;;
		path:*) [ -e "${r#path:}" ] || skip "needs ${r#path:} (kernel feature)" ;;
		cmd:*) command -v "${r#cmd:}" >/dev/null || skip "needs command ${r#cmd:}" ;;
		feature:*) runtime_has_feature "${r#feature:}" || skip "runtime features: ${r#feature:} is false" ;;
		*) fail "unknown requirement $r" ;;
		esac
	done
}

cgroup_mode() {
	if [ "$(stat -f -c %T $CG_V1_ROOT)" = cgroup2fs ]; then
		echo v2
	elif [ "$(stat -f -c %T $CG_V1_ROOT/unified 2>/dev/null)" = cgroup2fs ]; then
		echo hybrid
	else
		echo v1
	fi
}

# has_controller NAME: v1 hierarchy NAME is mounted, or (v2) the root offers it (blkio = io).
has_controller() {
	local c=$1
	if [ "$(cgroup_mode)" = v2 ]; then
		[ "$c" = blkio ] && c=io
		grep -qw "$c" "$CG_V1_ROOT/cgroup.controllers"
	else
		[ -d "$CG_V1_ROOT/$c" ]
	fi
}

runtime_has_feature() {
	local f
	f=$(rt_raw features </dev/null 2>/dev/null 3>&-) && jq -e . >/dev/null 2>&1 <<<"$f" || return 0
	jq -e "$1" >/dev/null <<<"$f"
}

# host_ns TYPE: inode of the host's (the test's) namespace TYPE.
host_ns() {
	stat -L -c %i "/proc/self/ns/$1"
}

setup_file() { oci_setup_file; }
teardown_file() { oci_teardown_file; }
setup() { oci_setup; }
teardown() { oci_teardown; }

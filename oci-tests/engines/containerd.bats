#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# containerd (private instance: own config, root, state and socket; no CRI plugin) with the
# runc shim v2 running the runtime under test as its runc binary. Run via ./run.

bats_require_minimum_version 1.5.0
load helpers

IMG=$ENGINE_IMAGE

setup_file() {
	[ -n "${ENGINE_WORK:-}" ] || { echo "run these tests with oci-tests/engines/run" >&2; return 1; }
	containerd_start || { echo "containerd did not start: $(tail -n 5 "$CTD_DIR/containerd.log")" >&2; return 1; }
	ctrc images import "$ENGINE_OCI_ARCHIVE" >/dev/null
}

teardown_file() {
	local t
	for t in $(ctrc tasks ls -q 2>/dev/null); do
		ctrc tasks kill -s KILL "$t" >/dev/null 2>&1
		ctrc tasks delete -f "$t" >/dev/null 2>&1
	done
	for t in $(ctrc containers ls -q 2>/dev/null); do ctrc containers rm "$t" >/dev/null 2>&1; done
	containerd_stop
}

# ctr run with the runtime under test and a state root inside the work directory.
ctr_run() {
	ctrc run --runc-binary "$ENGINE_RUNTIME" --runc-root "$CTD_DIR/runc" "$@"
}

# A detached task running sleep; its id in CID.
start_sleeper() {
	CID=$(uname_for ctr)
	ctr_run -d "$IMG" "$CID" sleep 1000
	wait_until 10 sh -c "ctr -a $CTD_DIR/containerd.sock -n $CTD_NS tasks ls | grep -q '^$CID .*RUNNING'"
}

remove_task() {
	ctrc tasks kill -s KILL "$1" >/dev/null 2>&1 || true
	ctrc tasks delete -f "$1" >/dev/null 2>&1 || true
	ctrc containers rm "$1" >/dev/null 2>&1 || true
}

@test "containerd: the shim runs the runtime under test" {
	start_sleeper
	# The container's runtime options (protobuf, base64) name the binary, and the
	# runtime's own state (in the root the shim passes) has the container running.
	run ctrc containers info "$CID"
	assert_status 0
	jq -r .Runtime.Options.value <<<"$output" | base64 -d | grep -aqF "$ENGINE_RUNTIME" ||
		{ echo "# runtime options: $(jq -c .Runtime <<<"$output")" >&3; false; }
	run "$ENGINE_RUNTIME" --root "$CTD_DIR/runc/$CTD_NS" state "$CID"
	assert_status 0
	assert_eq "$(jq -r .status <<<"$output")" running
	run "$ENGINE_RUNTIME" --version
	assert_output_contains "$(runtime_name) version "
	remove_task "$CID"
}

@test "containerd: the image is imported from the OCI archive" {
	run ctrc images ls -q
	assert_status 0
	assert_output_contains "$IMG"
}

@test "containerd: run --rm prints the container's output" {
	run ctr_run --rm "$IMG" "$(uname_for ctr)" echo hello from ctr
	assert_status 0
	assert_eq "$output" "hello from ctr"
}

@test "containerd: exit code 42 is passed through" {
	run ctr_run --rm "$IMG" "$(uname_for ctr)" sh -c 'exit 42'
	assert_status 42
}

@test "containerd: task exec --exec-id runs a process with output and exit code" {
	start_sleeper
	run ctrc tasks exec --exec-id "e-$ENGINE_RUN_ID" "$CID" sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "; exit 7'
	assert_status 7
	assert_eq "$output" "in-exec"$'\n'"sleep 1000 "
	remove_task "$CID"
}

@test "containerd: task ps lists the init process" {
	start_sleeper
	local pid
	pid=$(ctrc tasks ls | awk -v c="$CID" '$1 == c { print $2 }')
	run ctrc tasks ps "$CID"
	assert_status 0
	assert_output_contains "$pid"
	remove_task "$CID"
}

@test "containerd: task pause and resume" {
	start_sleeper
	run ctrc tasks pause "$CID"
	assert_status 0
	run ctrc tasks ls
	assert_output_contains PAUSED
	run ctrc tasks resume "$CID"
	assert_status 0
	run ctrc tasks ls
	[[ $output =~ $CID\ +[0-9]+\ +RUNNING ]] || { echo "# $output" >&3; false; }
	remove_task "$CID"
}

@test "containerd: task kill (SIGTERM, then SIGKILL) and the exit status" {
	start_sleeper
	ctrc tasks kill -s KILL "$CID"
	wait_until 10 sh -c "ctr -a $CTD_DIR/containerd.sock -n $CTD_NS tasks ls | grep -q '^$CID .*STOPPED'"
	run ctrc tasks delete "$CID"
	assert_status 0
	assert_output_contains 137
	ctrc containers rm "$CID"

	local cid2
	cid2=$(uname_for ctrterm)
	ctr_run -d "$IMG" "$cid2" sh -c 'trap "exit 9" TERM; while :; do sleep 0.1; done'
	sleep 0.5
	ctrc tasks kill -s TERM "$cid2"
	wait_until 10 sh -c "ctr -a $CTD_DIR/containerd.sock -n $CTD_NS tasks ls | grep -q '^$cid2 .*STOPPED'"
	run ctrc tasks delete "$cid2"
	assert_output_contains 9
	ctrc containers rm "$cid2"
}

@test "containerd: run -t gives the container a terminal" {
	run timeout 60 script -qec "ctr -a $CTD_DIR/containerd.sock -n $CTD_NS run --runc-binary $ENGINE_RUNTIME --runc-root $CTD_DIR/runc --rm -t $IMG $(uname_for ctrtty) sh -c 'tty; [ -t 0 ] && echo stdin-is-tty'" /dev/null
	assert_status 0
	output=${output//$'\r'/}
	assert_output_contains /dev/pts/0
	assert_output_contains stdin-is-tty
}

@test "containerd: task exec -t gives the process a terminal" {
	start_sleeper
	run timeout 60 script -qec "ctr -a $CTD_DIR/containerd.sock -n $CTD_NS tasks exec -t --exec-id t-$ENGINE_RUN_ID $CID sh -c 'tty; [ -t 1 ] && echo out-is-tty'" /dev/null
	assert_status 0
	output=${output//$'\r'/}
	assert_output_contains /dev/pts/
	assert_output_contains out-is-tty
	remove_task "$CID"
}

@test "containerd: --memory-limit sets the memory cgroup" {
	local cid f
	cid=$(uname_for ctrmem)
	ctr_run -d --memory-limit $((40 * 1024 * 1024)) "$IMG" "$cid" sleep 1000
	# ctr's cgroupsPath is /<namespace>/<id>.
	f=/sys/fs/cgroup/memory/$CTD_NS/$cid/memory.limit_in_bytes
	wait_until 10 test -e "$f" || true
	run cat "$f"
	assert_eq "$output" $((40 * 1024 * 1024))
	remove_task "$cid"
}

@test "containerd: task kill --all signals every process of the container" {
	start_sleeper
	ctrc tasks exec -d --exec-id "x-$ENGINE_RUN_ID" "$CID" sleep 999 || true
	run ctrc tasks kill -a -s KILL "$CID"
	assert_status 0
	wait_until 10 sh -c "ctr -a $CTD_DIR/containerd.sock -n $CTD_NS tasks ls | grep -q '^$CID .*STOPPED'"
	remove_task "$CID"
}

@test "containerd: task delete removes the container from the runtime and the host" {
	start_sleeper
	local id=$CID left
	ctrc tasks kill -s KILL "$id"
	wait_until 10 sh -c "ctr -a $CTD_DIR/containerd.sock -n $CTD_NS tasks ls | grep -q '^$id .*STOPPED'"
	run ctrc tasks delete "$id"
	assert_status 0
	run ctrc containers rm "$id"
	assert_status 0
	run "$ENGINE_RUNTIME" --root "$CTD_DIR/runc/$CTD_NS" state "$id"
	[ "$status" -ne 0 ]
	left=$(leftovers_of "$id")
	[ -z "$left" ] || { echo "# left behind:"; echo "$left" | sed 's/^/#   /'; } >&3
	[ -z "$left" ]
}

@test "containerd: the shim's default runtime root (/run/containerd/runc/<ns>) works" {
	# Without --runc-root the shim passes --root /run/containerd/runc/<namespace>, whose
	# parent directories may not exist yet: the runtime must create them (runc does).
	run ctrc run --runc-binary "$ENGINE_RUNTIME" --rm "$IMG" "$(uname_for ctrdef)" echo default-root
	assert_status 0
	assert_eq "$output" default-root
}

@test "containerd: contrib/engines/containerd-config.toml parses and names silo" {
	local conf
	conf=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/contrib/engines/containerd-config.toml
	run timeout 20 containerd --config "$conf" config dump
	assert_status 0
	assert_output_contains '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.silo.options]'
	assert_output_contains 'BinaryName = "/usr/local/bin/silo"'
	grep -A12 'runtimes.silo]' <<<"$output" | grep -q 'runtime_type = "io.containerd.runc.v2"'
}

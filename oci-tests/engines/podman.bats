#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# podman 4.x (rootful, cgroupfs) with the runtime and monitor under test. Run via ./run.

bats_require_minimum_version 1.5.0
load helpers

IMG=$ENGINE_IMAGE

setup_file() {
	[ -n "${ENGINE_WORK:-}" ] || { echo "run these tests with oci-tests/engines/run" >&2; return 1; }
}

teardown_file() {
	pm rm -af -t 0 >/dev/null 2>&1 || true
}

# ------------------------------------------------------------------- which binaries run

@test "podman: info names the runtime under test" {
	assert_podman_uses_runtime
}

@test "podman: info names the monitor under test" {
	assert_podman_uses_monitor
}

@test "podman: a running container is monitored by the monitor and known to the runtime" {
	local name
	name=$(uname_for proof)
	run pm run -d --name "$name" "$IMG" sleep 100
	assert_status 0
	assert_container_binaries "$name"
	pm rm -f -t 0 "$name" >/dev/null
}

# ------------------------------------------------------------------- run, exit codes

@test "podman: run --rm prints the container's output" {
	run pm run --rm "$IMG" echo hello from the container
	assert_status 0
	assert_eq "$output" "hello from the container"
}

@test "podman: stdout and stderr both reach the caller" {
	run pm run --rm "$IMG" sh -c 'echo out; echo err >&2'
	assert_status 0
	assert_output_contains out
	assert_output_contains err
}

@test "podman: exit code 42 is passed through" {
	run pm run --rm "$IMG" sh -c 'exit 42'
	assert_status 42
}

@test "podman: kill -s KILL gives exit code 137" {
	local name
	name=$(uname_for kill9)
	pm run -d --name "$name" "$IMG" sleep 100 >/dev/null
	pm kill -s KILL "$name" >/dev/null
	run pm wait "$name"
	assert_eq "$output" 137
	run pm inspect --format '{{.State.ExitCode}}' "$name"
	assert_eq "$output" 137
	pm rm -f -t 0 "$name" >/dev/null
}

@test "podman: a missing command fails with 127" {
	run -127 pm run --rm "$IMG" /no/such/binary
	assert_status 127
}

@test "podman: a non-executable command fails with 126" {
	run -126 pm run --rm "$IMG" /etc/passwd
	assert_status 126
}

@test "podman: a runtime name not in runtime_supports_json works (stderr error path)" {
	# podman passes --log-format=json only to runtimes listed in runtime_supports_json;
	# others get plain --log and podman reads their errors from stderr.
	local rt=$ENGINE_WORK/bin/ocirt-unlisted
	cp "$ENGINE_RUNTIME" "$rt"
	run pm --runtime "$rt" run --rm "$IMG" echo unlisted
	assert_status 0
	assert_eq "$output" unlisted
	run -127 pm --runtime "$rt" run --rm "$IMG" /no/such/binary
	assert_status 127
	assert_output_contains /no/such/binary
}

# ------------------------------------------------------------------- lifecycle

@test "podman: run -d, ps, stop, rm" {
	local name id
	name=$(uname_for life)
	id=$(pm run -d --name "$name" "$IMG" sleep 100)
	run pm ps --filter "name=$name" --format '{{.Names}} {{.Status}}'
	assert_output_contains "$name Up"
	run pm stop -t 2 "$name"
	assert_status 0
	run pm inspect --format '{{.State.Status}}' "$name"
	assert_eq "$output" exited
	run pm rm "$name"
	assert_status 0
	run pm ps -a --filter "id=$id" -q
	assert_eq "$output" ""
}

@test "podman: stop sends SIGTERM first (a trapping shell exits cleanly)" {
	local name
	name=$(uname_for term)
	pm run -d --name "$name" "$IMG" sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done' >/dev/null
	run pm stop -t 10 "$name"
	assert_status 0
	run pm inspect --format '{{.State.ExitCode}}' "$name"
	assert_eq "$output" 3
	pm rm -f -t 0 "$name" >/dev/null
}

@test "podman: stop without a private pid namespace signals all processes (kill --all)" {
	local name pid
	name=$(uname_for pidhost)
	pm run -d --pid host --name "$name" "$IMG" sleep 4343 >/dev/null
	pid=$(pm inspect --format '{{.State.Pid}}' "$name")
	run pm stop -t 2 "$name"
	assert_status 0
	run pm inspect --format '{{.State.Status}}' "$name"
	assert_eq "$output" exited
	wait_until 5 sh -c "! kill -0 $pid" || { echo "# pid $pid still alive" >&3; false; }
	pm rm -f "$name" >/dev/null
}

@test "podman: restart runs the command again" {
	local name
	name=$(uname_for restart)
	pm run -d --name "$name" "$IMG" sh -c 'echo started; sleep 100' >/dev/null
	run pm restart -t 0 "$name"
	assert_status 0
	run pm inspect --format '{{.State.Status}}' "$name"
	assert_eq "$output" running
	wait_until 10 logs_contain "$name" 'started.*started'
	run pm logs "$name"
	assert_eq "$output" $'started\nstarted'
	pm rm -f -t 0 "$name" >/dev/null
}

@test "podman: wait returns the exit code" {
	local name
	name=$(uname_for wait)
	pm run -d --name "$name" "$IMG" sh -c 'sleep 1; exit 5' >/dev/null
	run pm wait "$name"
	assert_status 0
	assert_eq "$output" 5
	pm rm -f "$name" >/dev/null
}

@test "podman: kill -s USR1 reaches the container's process" {
	local name
	name=$(uname_for usr1)
	pm run -d --name "$name" "$IMG" sh -c 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done' >/dev/null
	wait_until 10 logs_contain "$name" ready
	pm kill -s USR1 "$name" >/dev/null
	wait_until 10 logs_contain "$name" got-usr1
	run pm inspect --format '{{.State.Status}}' "$name"
	assert_eq "$output" running
	pm rm -f -t 0 "$name" >/dev/null
}

# The counter the pause test's container keeps in /tmp/n (renamed into place: never torn).
pause_counter() { cat "$(pm inspect --format '{{.GraphDriver.Data.MergedDir}}' "$1")/tmp/n"; }

@test "podman: pause freezes and unpause thaws the container" {
	local name n1 n2
	name=$(uname_for pause)
	pm run -d --name "$name" "$IMG" sh -c \
		'i=0; while :; do i=$((i+1)); echo $i >/tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.05; done' >/dev/null
	wait_until 10 pause_counter "$name"
	run pm pause "$name"
	assert_status 0
	run pm inspect --format '{{.State.Status}}' "$name"
	assert_eq "$output" paused
	n1=$(pause_counter "$name")
	sleep 0.5
	n2=$(pause_counter "$name")
	assert_eq "$n2" "$n1"
	run pm unpause "$name"
	assert_status 0
	wait_until 10 sh -c "[ \"\$(cat '$(pm inspect --format '{{.GraphDriver.Data.MergedDir}}' "$name")/tmp/n')\" -gt $n1 ]" ||
		{ echo "# counter still $(pause_counter "$name") after unpause (was $n1)" >&3; false; }
	run pm inspect --format '{{.State.Status}}' "$name"
	assert_eq "$output" running
	pm rm -f -t 0 "$name" >/dev/null
}

# criu is usable: installed and `criu check` passes on this kernel.
criu_works() { command -v criu >/dev/null && criu check >/dev/null 2>&1; }

@test "podman: container checkpoint with a CRIU that cannot run here fails clearly, the container runs on" {
	command -v criu >/dev/null || skip "criu is not installed"
	! criu_works || skip "criu works on this kernel (the next test covers it)"
	local name n1
	name=$(uname_for ckfail)
	pm run -d --name "$name" "$IMG" sh -c \
		'i=0; while :; do i=$((i+1)); echo $i >/tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.05; done' >/dev/null
	wait_until 10 pause_counter "$name"
	run pm container checkpoint "$name"
	[ "$status" -ne 0 ]
	if [[ $(basename "$ENGINE_RUNTIME") == silo ]]; then
		assert_output_contains "CRIU cannot checkpoint/restore on this kernel"
	fi
	run pm inspect --format '{{.State.Status}}' "$name"
	assert_eq "$output" running
	n1=$(pause_counter "$name")
	wait_until 10 sh -c "[ \"\$(cat '$(pm inspect --format '{{.GraphDriver.Data.MergedDir}}' "$name")/tmp/n')\" -gt $n1 ]"
	pm rm -f -t 0 "$name" >/dev/null
}

@test "podman: container checkpoint + restore (silomon --restore): the counter continues" {
	criu_works || skip "criu check fails here: $(criu check 2>&1 | grep -m1 Error || echo 'criu is not installed')"
	local name n1 dir
	name=$(uname_for ckpt)
	pm run -d --name "$name" "$IMG" sh -c \
		'i=0; while :; do i=$((i+1)); echo $i >/tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.05; done' >/dev/null
	wait_until 10 pause_counter "$name"
	run pm container checkpoint "$name"
	assert_status 0
	run pm inspect --format '{{.State.Status}}' "$name"
	assert_eq "$output" exited
	run pm container restore "$name"
	assert_status 0
	run pm inspect --format '{{.State.Status}}' "$name"
	assert_eq "$output" running
	n1=$(pause_counter "$name")
	[ "$n1" -gt 1 ]
	dir=$(pm inspect --format '{{.GraphDriver.Data.MergedDir}}' "$name")
	wait_until 10 sh -c "[ \"\$(cat '$dir/tmp/n')\" -gt $n1 ]"
	"$ENGINE_RUNTIME" state "$(pm inspect --format '{{.Id}}' "$name")" | jq -e '.status == "running"'
	run pm rm -f -t 0 "$name"
	assert_status 0
}

@test "podman: top lists the container's processes" {
	local name
	name=$(uname_for top)
	pm run -d --name "$name" "$IMG" sleep 4242 >/dev/null
	run pm top "$name"
	assert_status 0
	assert_output_contains "sleep 4242"
	pm rm -f -t 0 "$name" >/dev/null
}

# ------------------------------------------------------------------- logs and stdio

@test "podman: k8s-file log keeps 10,000 lines exactly" {
	local name
	name=$(uname_for logs)
	run pm run --name "$name" --log-driver k8s-file "$IMG" sh -c 'i=1; while [ $i -le 10000 ]; do echo "line $i"; i=$((i+1)); done'
	assert_status 0
	pm logs "$name" >"$BATS_TEST_TMPDIR/got"
	seq 1 10000 | sed 's/^/line /' >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	# The file itself is in the CRI format: "<RFC3339Nano> stdout F line N".
	run head -n 1 "$(pm inspect --format '{{.HostConfig.LogConfig.Path}}' "$name")"
	[[ $output =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[^\ ]+\ stdout\ F\ line\ 1$ ]] || { echo "# first log line: $output" >&3; false; }
	pm rm "$name" >/dev/null
}

@test "podman: logs -f follows until the container exits" {
	local name
	name=$(uname_for follow)
	pm run -d --name "$name" "$IMG" sh -c 'echo one; sleep 1; echo two; sleep 1; echo three' >/dev/null
	run pm logs -f "$name"
	assert_status 0
	assert_eq "$output" $'one\ntwo\nthree'
	pm rm -f "$name" >/dev/null
}

@test "podman: run -i passes piped stdin through" {
	run sh -c "printf 'abc\ndef\n' | $PODMAN run --rm -i $IMG sh -c 'tr a-z A-Z; echo done'"
	assert_status 0
	assert_eq "$output" $'ABC\nDEF\ndone'
}

@test "podman: run -t gives the container a terminal (/dev/pts/0)" {
	run timeout 60 script -qec "$PODMAN run --rm -t $IMG sh -c 'tty; [ -t 0 ] && echo stdin-is-tty'" /dev/null
	assert_status 0
	output=${output//$'\r'/}
	assert_output_contains /dev/pts/0
	assert_output_contains stdin-is-tty
}

@test "podman: run -it echoes typed input through the terminal" {
	run timeout 60 script -qec "$PODMAN run --rm -it $IMG sh -c 'read l; echo got:\$l'" /dev/null <<<"typed"
	assert_status 0
	assert_output_contains "got:typed"
}

# ------------------------------------------------------------------- exec

exec_container() {
	EXEC_NAME=$(uname_for exec)
	pm run -d --name "$EXEC_NAME" "$IMG" sleep 1000 >/dev/null
}

@test "podman: exec runs a command in the container" {
	exec_container
	run pm exec "$EXEC_NAME" sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "'
	assert_status 0
	assert_eq "$output" "in-exec"$'\n'"sleep 1000 "
	pm rm -f -t 0 "$EXEC_NAME" >/dev/null
}

@test "podman: exec passes the exit code through" {
	exec_container
	run pm exec "$EXEC_NAME" sh -c 'exit 42'
	assert_status 42
	pm rm -f -t 0 "$EXEC_NAME" >/dev/null
}

@test "podman: exec -i passes piped stdin through" {
	exec_container
	run sh -c "echo piped | $PODMAN exec -i $EXEC_NAME cat"
	assert_status 0
	assert_eq "$output" piped
	pm rm -f -t 0 "$EXEC_NAME" >/dev/null
}

@test "podman: exec -t gives the process a terminal" {
	exec_container
	run timeout 60 script -qec "$PODMAN exec -t $EXEC_NAME sh -c 'tty; [ -t 1 ] && echo out-is-tty'" /dev/null
	assert_status 0
	output=${output//$'\r'/}
	assert_output_contains /dev/pts/
	assert_output_contains out-is-tty
	pm rm -f -t 0 "$EXEC_NAME" >/dev/null
}

@test "podman: exec --user, --workdir and --env apply" {
	exec_container
	run pm exec --user 65534:65534 --workdir /tmp --env FOO=bar "$EXEC_NAME" sh -c 'echo $(id -u):$(id -g) $PWD $FOO'
	assert_status 0
	assert_eq "$output" "65534:65534 /tmp bar"
	pm rm -f -t 0 "$EXEC_NAME" >/dev/null
}

# ------------------------------------------------------------------- process settings

@test "podman: --user, --env, --workdir and --hostname apply" {
	run pm run --rm --user 1000:1000 --env FOO=bar --workdir /var/tmp --hostname silo-host "$IMG" \
		sh -c 'echo $(id -u):$(id -g) $FOO $PWD $(hostname)'
	assert_status 0
	assert_eq "$output" "1000:1000 bar /var/tmp silo-host"
}

# Effective capability mask of the container's process with the given podman options.
cap_eff() {
	pm run --rm "$@" "$IMG" awk '/^CapEff/ { print $2 }' /proc/self/status
}

@test "podman: --cap-add and --cap-drop change the effective set" {
	local def added dropped
	def=$(cap_eff)
	added=$(cap_eff --cap-add SYS_ADMIN)
	dropped=$(cap_eff --cap-drop CHOWN)
	# CAP_SYS_ADMIN = bit 21, CAP_CHOWN = bit 0.
	(( (0x$def >> 21 & 1) == 0 )) || { echo "# default CapEff $def has SYS_ADMIN" >&3; false; }
	(( (0x$added >> 21 & 1) == 1 )) || { echo "# CapEff $added lacks SYS_ADMIN" >&3; false; }
	(( (0x$def & 1) == 1 && (0x$dropped & 1) == 0 )) || { echo "# CapEff $def / $dropped (CHOWN)" >&3; false; }
	run pm run --rm --cap-drop CHOWN "$IMG" chown 1 /tmp
	[ "$status" -ne 0 ]
}

@test "podman: --read-only makes / read-only but keeps /tmp writable" {
	run pm run --rm --read-only "$IMG" sh -c 'touch /etc/x 2>/dev/null && echo etc-writable; touch /tmp/x && echo tmp-ok'
	assert_status 0
	assert_eq "$output" tmp-ok
}

@test "podman: --tmpfs mounts a tmpfs" {
	run pm run --rm --tmpfs /scratch:rw,size=1m "$IMG" sh -c 'grep " /scratch " /proc/mounts; echo x >/scratch/f && cat /scratch/f'
	assert_status 0
	assert_output_contains "tmpfs /scratch tmpfs"
	assert_output_contains "size=1024k"
}

@test "podman: -v bind mounts read-write and :ro" {
	local d=$BATS_TEST_TMPDIR/vol
	mkdir -p "$d" && echo from-host >"$d/in"
	run pm run --rm -v "$d:/data" "$IMG" sh -c 'cat /data/in; echo from-ctr >/data/out'
	assert_status 0
	assert_eq "$output" from-host
	assert_eq "$(cat "$d/out")" from-ctr
	run pm run --rm -v "$d:/data:ro" "$IMG" sh -c 'cat /data/in; echo x 2>/dev/null >/data/out2 || echo denied'
	assert_eq "$output" $'from-host\ndenied'
	[ ! -e "$d/out2" ]
}

@test "podman: --device makes a host device node available" {
	run pm run --rm --device /dev/zero:/dev/silozero "$IMG" sh -c 'ls -l /dev/silozero; head -c 3 /dev/silozero | od -An -tx1'
	assert_status 0
	assert_output_contains "1,   5"
	assert_output_contains "00 00 00"
}

@test "podman: default seccomp filter, a custom profile and seccomp=unconfined" {
	run pm run --rm "$IMG" grep ^Seccomp: /proc/self/status
	assert_eq "$output" $'Seccomp:\t2'
	# A profile that denies mkdir: the runtime must load the filter podman hands it.
	cat >"$BATS_TEST_TMPDIR/deny-mkdir.json" <<-EOF
		{"defaultAction": "SCMP_ACT_ALLOW",
		 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
	EOF
	run pm run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/deny-mkdir.json" "$IMG" \
		sh -c 'mkdir /tmp/d 2>&1 || echo denied'
	assert_output_contains "Operation not permitted"
	assert_output_contains denied
	run pm run --rm --security-opt seccomp=unconfined "$IMG" sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/d && echo made'
	assert_eq "$output" $'Seccomp:\t0\nmade'
}

@test "podman: --uidmap runs the container in a user namespace" {
	run pm run --rm --uidmap 0:200000:65536 --gidmap 0:200000:65536 "$IMG" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; ls -ln /bin/busybox'
	assert_status 0
	[[ $output =~ ^[[:space:]]*0[[:space:]]+200000[[:space:]]+65536 ]] || { echo "# maps: $output" >&3; false; }
	# The image's files are owned by the mapped root.
	assert_output_contains " 0        0 "
}

@test "podman: exec -d starts a detached process, exec --privileged gets all capabilities" {
	exec_container
	run pm exec -d "$EXEC_NAME" sh -c 'echo detached >/tmp/d; sleep 1000'
	assert_status 0
	wait_until 10 pm exec "$EXEC_NAME" test -s /tmp/d
	run pm top "$EXEC_NAME"
	assert_output_contains "sleep 1000"
	local def priv
	def=$(pm exec "$EXEC_NAME" awk '/^CapEff/ { print $2 }' /proc/self/status)
	priv=$(pm exec --privileged "$EXEC_NAME" awk '/^CapEff/ { print $2 }' /proc/self/status)
	(( (0x$priv >> 21 & 1) == 1 && (0x$def >> 21 & 1) == 0 )) ||
		{ echo "# CapEff default $def, --privileged $priv" >&3; false; }
	pm rm -f -t 0 "$EXEC_NAME" >/dev/null
}

@test "podman: --ulimit and --sysctl apply" {
	# (--ulimit replaces containers.conf's default_ulimits: nproc must be given too.)
	run pm run --rm --ulimit nofile=512:768 --ulimit nproc=1024:1024 --sysctl net.ipv4.ip_forward=1 "$IMG" \
		sh -c 'ulimit -Sn; ulimit -Hn; cat /proc/sys/net/ipv4/ip_forward'
	assert_status 0
	assert_eq "$output" $'512\n768\n1'
}

@test "podman: --pid host and --uts host share the host's namespaces" {
	run pm run --rm --pid host --uts host "$IMG" sh -c 'readlink /proc/self/ns/pid; hostname; cat /proc/1/comm'
	assert_status 0
	assert_eq "${lines[0]}" "$(readlink /proc/self/ns/pid)"
	assert_eq "${lines[1]}" "$(hostname)"
	assert_eq "${lines[2]}" "$(cat /proc/1/comm)"
}

@test "podman: --preserve-fds passes an open file descriptor" {
	echo passed-fd >"$BATS_TEST_TMPDIR/fd3"
	run pm run --rm --preserve-fds 1 "$IMG" cat /proc/self/fd/3 3<"$BATS_TEST_TMPDIR/fd3"
	assert_status 0
	assert_eq "$output" passed-fd
}

# ------------------------------------------------------------------- resources

@test "podman: --memory limit is set and an OOM kill shows in inspect" {
	local name
	name=$(uname_for oom)
	run pm run --name "$name" --memory 32m --memory-swap 32m "$IMG" sh -c \
		'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; x=$(head -c 200m /dev/zero | tr "\\0" a); echo survived'
	assert_status 137
	assert_output_contains 33554432
	run pm inspect --format '{{.State.OOMKilled}}' "$name"
	assert_eq "$output" true
	pm rm -f "$name" >/dev/null
}

@test "podman: update --memory changes the running container's limit" {
	local name
	name=$(uname_for update)
	pm run -d --name "$name" --memory 64m "$IMG" sleep 1000 >/dev/null
	run pm update --memory 48m --memory-swap 48m "$name"
	assert_status 0
	run pm exec "$name" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	assert_eq "$output" $((48 * 1024 * 1024))
	pm rm -f -t 0 "$name" >/dev/null
}

@test "podman: --pids-limit stops fork bombs" {
	run pm run --rm --pids-limit 10 "$IMG" sh -c \
		'cat /sys/fs/cgroup/pids/pids.max; for i in $(seq 1 20); do sleep 5 & done 2>&1 | grep -c "can.t fork" || true; kill $(jobs -p) 2>/dev/null; true'
	assert_status 0
	assert_output_contains 10
	local n=${output##*$'\n'}
	[ "$n" -gt 0 ] || { echo "# no fork failed: $output" >&3; false; }
}

# ------------------------------------------------------------------- scale and clean-up

@test "podman: 20 containers in parallel" {
	local i pids=() fail=0
	for i in $(seq 1 20); do
		pm run --rm "$IMG" sh -c "echo par-$i" >"$BATS_TEST_TMPDIR/par-$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { echo "# container $((i + 1)) failed: $(cat "$BATS_TEST_TMPDIR/par-$((i + 1))")" >&3; fail=1; }
	done
	for i in $(seq 1 20); do
		[ "$(cat "$BATS_TEST_TMPDIR/par-$i")" = "par-$i" ] ||
			{ echo "# container $i printed '$(cat "$BATS_TEST_TMPDIR/par-$i")' instead of 'par-$i'" >&3; fail=1; }
	done
	[ $fail = 0 ]
}

@test "podman: rm -af leaves no mounts, cgroups or processes behind" {
	local ids=() id left
	ids+=("$(pm run -d --name "$(uname_for left-run)" "$IMG" sleep 1000)")
	ids+=("$(pm run -d --name "$(uname_for left-paused)" "$IMG" sleep 1000)")
	pm pause "$(uname_for left-paused)" >/dev/null || true
	pm run --name "$(uname_for left-exited)" "$IMG" true
	ids+=("$(pm inspect --format '{{.Id}}' "$(uname_for left-exited)")")
	run pm rm -af -t 0
	assert_status 0
	sleep 0.5
	for id in "${ids[@]}"; do
		left+=$(leftovers_of "$id")
		"$ENGINE_RUNTIME" state "$id" >/dev/null 2>&1 && left+="runtime state: $id"$'\n'
	done
	left+=$(grep -F "$ENGINE_WORK/storage/overlay/" /proc/self/mountinfo | grep -F /merged || true)
	[ -z "$left" ] || { echo "# left behind:"; echo "$left" | sed 's/^/#   /'; } >&3
	[ -z "$left" ]
}

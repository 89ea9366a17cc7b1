# SPDX-License-Identifier: GPL-2.0-or-later
# Faults: silo SIGKILLed at every fault point (plain, user namespace, time namespace),
# a full state filesystem (ENOSPC) and a tiny fd limit (EMFILE).

FAULT_POINTS="create-dir config-copy seccomp spawned maps cgroup go init-rootfs ready state-written"

fault_bundle() {
	local dir=$ST_WORK/fault-$1
	mkdir -p "$dir"
	jq --arg r "$ST_BASE/rootfs" '.root.path = $r | .process.args = ["sleep", "600"]' "$ST_BASE/config.json" >"$dir/config.json"
	case $1 in
	userns) jq '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 1000000, "size": 65536}]
		| .linux.gidMappings = .linux.uidMappings
		| .mounts |= map(select(.destination != "/sys" and .destination != "/sys/fs/cgroup"))' ;;
	timens) jq '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}}' ;;
	*) cat ;;
	esac <"$dir/config.json" >"$dir/c.new" && mv "$dir/c.new" "$dir/config.json"
	echo "$dir"
}

run_faults() {
	local kind=$1 reps=$2 dir id="$ST_PFX-f-$1" p r rc errs="" l n=0
	dir=$(fault_bundle "$kind")
	snapshot
	# the configuration itself must work, or the faults prove nothing
	if ! silo create --bundle "$dir" "$id" </dev/null >"$ST_WORK/f.out" 2>&1; then
		tap_fail "faults ($kind): control create failed" "$(cat "$ST_WORK/f.out")"; force_clean; return
	fi
	silo delete -f "$id" >/dev/null 2>&1
	for r in $(seq "$reps"); do
		for p in $FAULT_POINTS; do
			rc=0 n=$((n + 1))
			# an inner shell waits, so bash's "Killed" notice lands in f.out
			bash -c 'SILO_FAULT_INJECT=$1 timeout -s KILL 60 "$2" --root "$3" create --bundle "$4" "$5"; exit $?' \
				_ "$p" "$SILO" "$ST_ROOT" "$dir" "$id" </dev/null >"$ST_WORK/f.out" 2>&1 || rc=$?
			[ "$rc" -ne 0 ] || errs+="create survived fault point $p; "
			silo delete --force "$id" >>"$ST_WORK/f.out" 2>&1 || errs+="delete --force after $p failed: $(tail -n 1 "$ST_WORK/f.out"); "
			l=$(leftovers)
			[ -z "$l" ] || { errs+="after $p (round $r): $l; "; force_clean; }
		done
	done
	if [ -z "$errs" ]; then tap_ok "faults ($kind): SIGKILL at 10 points x $reps ($n kills), delete --force leaves nothing"
	else tap_fail "faults ($kind): SIGKILL at fault points" "$errs"; fi
}

# ENOSPC: a tiny tmpfs as --root, in a private mount namespace, filled up first.
# MODE blocks: no data blocks left; inodes: no inodes left.
run_enospc() {
	local mode=$1 dir id="$ST_PFX-nospc-$1" out rc l
	dir=$(fault_bundle plain)
	mkdir -p "$ST_WORK/tiny"
	snapshot
	out=$(unshare -m --propagation private bash -c '
		root=$1 bundle=$2 id=$3 mode=$4
		mount -t tmpfs -o size=8k,nr_inodes=16 tmpfs "$root" || exit 99
		if [ "$mode" = blocks ]; then
			head -c 1000000 /dev/zero >"$root/fill" 2>/dev/null
		else
			i=0; while touch "$root/f$i" 2>/dev/null; do i=$((i + 1)); done
		fi
		before=$(ls -A "$root" | sort | md5sum)
		rc=0; "$SILO" --root "$root" create --bundle "$bundle" "$id" </dev/null 2>&1 || rc=$?
		echo "rc=$rc"
		[ "$before" = "$(ls -A "$root" | sort | md5sum)" ] || echo "partial state: $(ls -A "$root" | tr "\n" " ")"
		"$SILO" --root "$root" delete -f "$id" >/dev/null 2>&1
		umount "$root"
	' _ "$ST_WORK/tiny" "$dir" "$id" "$mode" 2>&1)
	rc=$(sed -n 's/^rc=//p' <<<"$out")
	l=$(leftovers); [ -z "$l" ] || force_clean
	if [ "$rc" = 0 ] || [ -z "$rc" ]; then
		tap_fail "faults: ENOSPC on the state dir ($mode)" "create did not fail: $out" "$l"
	elif ! grep -q 'No space left\|Disk quota' <<<"$out"; then
		tap_fail "faults: ENOSPC on the state dir ($mode)" "error does not say why: $out" "$l"
	elif grep -q 'partial state' <<<"$out" || [ -n "$l" ]; then
		tap_fail "faults: ENOSPC on the state dir ($mode)" "$out" "$l"
	else
		tap_ok "faults: ENOSPC on the state dir ($mode): $(grep -m1 '^silo:' <<<"$out" | head -c 160)"
	fi
}

run_emfile() {
	local dir id="$ST_PFX-emfile" out rc=0 l
	dir=$(fault_bundle plain)
	snapshot
	out=$(ulimit -n 8 && "$SILO" --root "$ST_ROOT" create --bundle "$dir" "$id" </dev/null 2>&1) || rc=$?
	silo delete -f "$id" >/dev/null 2>&1
	l=$(leftovers); [ -z "$l" ] || force_clean
	if [ "$rc" -eq 0 ]; then
		tap_fail "faults: EMFILE (ulimit -n 8)" "create succeeded with 8 fds" "$l"
	elif [ "$rc" -gt 128 ] || ! grep -q 'Too many open files' <<<"$out" || [ -n "$l" ]; then
		tap_fail "faults: EMFILE (ulimit -n 8)" "exit $rc: $out" "$l"
	else
		tap_ok "faults: EMFILE (ulimit -n 8): $(grep -m1 '^silo:' <<<"$out" | head -c 160)"
	fi
}

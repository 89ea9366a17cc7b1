# SPDX-License-Identifier: GPL-2.0-or-later
# Load: many short containers 4-way, many running at once, ids reused, and racing
# kill/delete/state on one id. Workers run as child bash processes through xargs.

# one_cycle ID: create, start, wait for exit, delete; prints nothing unless it fails.
one_cycle() {
	local id=$1 i st
	"$SILO" --root "$ST_ROOT" create --bundle "$ST_WORK/load" "$id" </dev/null >/dev/null 2>"$ST_WORK/err.$id" || { echo "create $id: $(cat "$ST_WORK/err.$id")"; return 1; }
	"$SILO" --root "$ST_ROOT" start "$id" 2>>"$ST_WORK/err.$id" || { echo "start $id: $(cat "$ST_WORK/err.$id")"; return 1; }
	for i in $(seq 200); do
		st=$("$SILO" --root "$ST_ROOT" state "$id" 2>>"$ST_WORK/err.$id" | jq -r .status)
		[ "$st" = stopped ] && break
		sleep 0.05
	done
	[ "$st" = stopped ] || { echo "$id never stopped ($st)"; return 1; }
	"$SILO" --root "$ST_ROOT" delete "$id" 2>>"$ST_WORK/err.$id" || { echo "delete $id: $(cat "$ST_WORK/err.$id")"; return 1; }
	rm -f "$ST_WORK/err.$id"
}

start_sleeper() {
	"$SILO" --root "$ST_ROOT" create --bundle "$ST_WORK/load-sleep" "$1" </dev/null >/dev/null 2>&1 &&
		"$SILO" --root "$ST_ROOT" start "$1" || echo "sleeper $1 failed"
}
export -f one_cycle start_sleeper

load_bundles() {
	mkdir -p "$ST_WORK/load" "$ST_WORK/load-sleep"
	jq --arg r "$ST_BASE/rootfs" '.root.path = $r | .process.args = ["true"]' "$ST_BASE/config.json" >"$ST_WORK/load/config.json"
	jq --arg r "$ST_BASE/rootfs" '.root.path = $r | .process.args = ["sleep", "600"]' "$ST_BASE/config.json" >"$ST_WORK/load-sleep/config.json"
}

run_load() {
	local n=$1 par=$2 t0 errs l
	snapshot; t0=$(date +%s)
	errs=$(seq "$n" | sed "s/^/$ST_PFX-l/" | xargs -P "$par" -n 1 bash -c 'one_cycle "$1"' _ 2>&1)
	l=$(leftovers); [ -z "$l" ] || force_clean
	if [ -z "$errs$l" ]; then
		tap_ok "load: $n containers created, started, deleted $par-way in $(( $(date +%s) - t0 )) s"
	else
		tap_fail "load: $n containers $par-way" "$(echo "$errs" | grep -c .) failures" "$errs" "$l"
	fi
}

run_simultaneous() {
	local n=$1 running errs l t0
	snapshot; t0=$(date +%s)
	errs=$(seq "$n" | sed "s/^/$ST_PFX-s/" | xargs -P 4 -n 1 bash -c 'start_sleeper "$1"' _ 2>&1)
	running=$(silo list --format json 2>/dev/null | jq '[.[] | select(.status == "running")] | length')
	seq "$n" | sed "s/^/$ST_PFX-s/" | xargs -P 4 -n 1 "$SILO" --root "$ST_ROOT" delete -f 2>&1
	l=$(leftovers); [ -z "$l" ] || force_clean
	if [ -z "$errs$l" ] && [ "$running" = "$n" ]; then
		tap_ok "load: $n containers running at once ($(( $(date +%s) - t0 )) s)"
	else
		tap_fail "load: $n simultaneous" "running: $running" "$errs" "$l"
	fi
}

run_reuse() {
	local n=$1 i errs="" l id="$ST_PFX-reuse"
	snapshot
	for i in $(seq "$n"); do errs+=$(one_cycle "$id"); done
	l=$(leftovers); [ -z "$l" ] || force_clean
	if [ -z "$errs$l" ]; then tap_ok "load: one id reused $n times"; else tap_fail "load: id reuse" "$errs" "$l"; fi
}

# Racing verbs on one id: every `state` answer is a valid status or "does not exist".
race_worker() {
	local id=$1 k=$2 i out
	for i in $(seq 30); do
		case $((i % 3)) in
		0) "$SILO" --root "$ST_ROOT" kill "$id" KILL >/dev/null 2>&1 ;;
		1) [ "$k" -ne 0 ] && "$SILO" --root "$ST_ROOT" delete -f "$id" >/dev/null 2>&1 ;;
		esac
		out=$("$SILO" --root "$ST_ROOT" state "$id" 2>&1)
		if jq -e '.status | test("^(creating|created|running|stopped|paused)$")' <<<"$out" >/dev/null 2>&1; then :
		elif [[ "$out" == *"does not exist"* ]]; then :
		else echo "bad state answer: $out"; fi
	done
}
export -f race_worker

run_race() {
	local rounds=$1 r errs="" l id="$ST_PFX-race" st
	snapshot
	for r in $(seq "$rounds"); do
		start_sleeper "$id" >/dev/null
		errs+=$(seq 0 5 | xargs -P 6 -n 1 bash -c 'race_worker "$0" "$1"' "$id" 2>&1)
		silo delete -f "$id" >/dev/null 2>&1
		st=$(silo state "$id" 2>&1)
		[[ "$st" == *"does not exist"* ]] || errs+="after round $r: $st"
	done
	l=$(leftovers); [ -z "$l" ] || force_clean
	if [ -z "$errs$l" ]; then tap_ok "load: kill/delete/state racing on one id, $rounds rounds x 6 workers"
	else tap_fail "load: racing verbs on one id" "$errs" "$l"; fi
}

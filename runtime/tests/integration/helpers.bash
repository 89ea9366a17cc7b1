# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by silo's integration tests: a busybox bundle per test file, a private state
# root, unique ids, and leftover checks (state dir, cgroups, mounts, processes).

TOP=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
SILO=${SILO:-$TOP/runtime/silo}

setup_file() {
	export IT_ROOT=$(mktemp -d /run/silo-it.XXXXXX)
	export IT_BASE="$BATS_FILE_TMPDIR/base"
	SILO="$SILO" "$TOP/contrib/mkbundle.sh" "$IT_BASE" true >/dev/null
}

teardown_file() {
	for d in "$IT_ROOT"/*; do
		[ -e "$d" ] && "$SILO" --root "$IT_ROOT" delete -f "$(basename "$d")" >/dev/null 2>&1
	done
	rm -rf "$IT_ROOT"
}

setup() {
	ID="silo-it-$$-$BATS_TEST_NUMBER"
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$BUNDLE"
	# Share the rootfs read-only between tests; each test gets its own config.
	jq --arg r "$IT_BASE/rootfs" --arg cg "/silo-it-$$-$BATS_TEST_NUMBER" \
		'.root.path = $r | .linux.cgroupsPath = $cg' "$IT_BASE/config.json" >"$BUNDLE/config.json"
}

teardown() {
	for id in "$ID" "$ID-b" "$ID-c"; do
		"$SILO" --root "$IT_ROOT" delete -f "$id" >/dev/null 2>&1 || true
	done
}

silo() {
	"$SILO" --root "$IT_ROOT" "$@"
}

# Sanitizer builds (make SANITIZE=...) run without the sealed self-copy (selfclone.c).
skip_if_sanitized() {
	if ldd "$SILO" 2>/dev/null | grep -qE 'lib(a|ub)san'; then
		skip "sanitizer build: no sealed copy of silo"
	fi
}

# update_config JQ-FILTER [jq args...]
update_config() {
	local f=$1; shift
	jq "$@" "$f" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" && mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

set_args() {
	local a
	a=$(for x in "$@"; do printf '%s\n' "$x"; done | jq -R . | jq -s -c .)
	update_config '.process.args = $a' --argjson a "$a"
}

# Run a command inside a fresh container and capture output+status.
run_ctr() {
	set_args "$@"
	run silo run --bundle "$BUNDLE" "$ID"
}

# Nothing of container $1 may remain: state dir, cgroups, mounts of the bundle, processes.
assert_clean() {
	local id=${1:-$ID}
	[ ! -e "$IT_ROOT/$id" ] || { echo "state dir left: $IT_ROOT/$id"; return 1; }
	local cg
	cg=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "*$id*" 2>/dev/null | head -n 5)
	[ -z "$cg" ] || { echo "cgroups left: $cg"; return 1; }
	! grep -q "$IT_BASE/rootfs" /proc/self/mountinfo || { echo "mount left"; return 1; }
}

fail_with() {
	echo "$@" >&2
	return 1
}

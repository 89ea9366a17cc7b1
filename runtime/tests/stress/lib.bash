# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the stress runner: TAP counters, a private state root and work dir, and
# the leftover checks every case ends with (mounts, cgroups, processes, state, fds,
# files written outside the rootfs).

N_PASS=0 N_FAIL=0 N_SKIP=0 N_TEST=0

tap_ok()   { N_TEST=$((N_TEST + 1)); N_PASS=$((N_PASS + 1)); echo "ok $N_TEST - $*"; }
tap_skip() { N_TEST=$((N_TEST + 1)); N_SKIP=$((N_SKIP + 1)); echo "ok $N_TEST - $1 # SKIP $2"; }
tap_fail() {
	N_TEST=$((N_TEST + 1)); N_FAIL=$((N_FAIL + 1)); echo "not ok $N_TEST - $1"
	shift; [ $# -eq 0 ] || printf '%s\n' "$@" | head -n 20 | sed 's/^/#   /'
}
diag() { echo "# $*"; }
# silo built with make SANITIZE=... (ASan or UBSan linked in)
sanitized_build() { ldd "$SILO" 2>/dev/null | grep -qE 'lib(a|ub)san'; }

silo() { "$SILO" --root "$ST_ROOT" "$@"; }

# Everything this runner creates lives under $ST_WORK (bundles, canary, logs) and
# $ST_ROOT (silo's state); both go away in cleanup_all, also on failure.
setup_all() {
	ST_WORK=$(mktemp -d /var/tmp/silo-stress.XXXXXX) || return 1
	ST_ROOT=$(mktemp -d /run/silo-stress.XXXXXX) || return 1
	chmod 755 "$ST_WORK" # a container with a user namespace must reach the rootfs
	ST_PFX="silo-stress-$$"
	ST_BASE=$ST_WORK/base
	SILO="$SILO" "$TOP/contrib/mkbundle.sh" "$ST_BASE" true >/dev/null || return 1
	mkdir -p "$ST_WORK/canary"
	echo "canary $$" >"$ST_WORK/canary/file"
	export ST_WORK ST_ROOT ST_PFX ST_BASE SILO
}

cleanup_all() {
	local d
	[ -n "${ST_WORK:-}" ] && [ -n "${ST_ROOT:-}" ] || { rm -rf "${ST_WORK:-}" "${ST_ROOT:-}"; return 0; }
	for d in "$ST_ROOT"/*; do
		[ -e "$d" ] && "$SILO" --root "$ST_ROOT" delete -f "${d##*/}" >/dev/null 2>&1
	done
	# processes started from our bundles that escaped every delete
	for d in $(find /proc/[0-9]*/ -maxdepth 1 -name root -lname "$ST_WORK/*" 2>/dev/null); do
		d=${d%/root}; kill -9 "${d#/proc/}" 2>/dev/null
	done
	grep -F " $ST_WORK/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	find /sys/fs/cgroup -maxdepth 3 -depth -type d -name "*$ST_PFX*" -exec rmdir {} + 2>/dev/null
	rm -rf "$ST_WORK" "$ST_ROOT"
}

# Mount points and sources without ids, so remounts elsewhere don't shift lines. Other
# tenants of this shared machine mount and make cgroups deep below /tmp, /run and
# libpod_parent; ours, or an escaped one, is named after us or sits high in the tree.
mounts_snapshot() {
	awk '{ s = ""; for (i = 1; i <= NF; i++) if ($i == "-") s = $(i + 2); print $5, s }' /proc/self/mountinfo |
		grep -E -e 'silo-stress' -e '^(/|/etc[^ ]*|/tmp/[^/ ]*|/run/[^/ ]*|/var/tmp/[^/ ]*|/proc[^ ]*|/sys[^ ]*|/dev[^ ]*|/usr[^ ]*|/root[^ ]*) ' | sort
}
cgroups_snapshot() { find /sys/fs/cgroup -maxdepth 3 -type d 2>/dev/null | grep -E 'silo-stress|pwned' | sort; }
fd_count() { ls /proc/$$/fd | wc -l; }
canary_sum() { (cd "$ST_WORK/canary" && find . -printf '%p %s %m %T@\n' | sort | md5sum); }

# Places a breakout would most likely write to; scanned with -newer the snapshot mark.
# The machine is shared, so /tmp and /run only count entries a container of ours
# could have made: the hostile processes write files named `pwned`.
sensitive_new() {
	find /tmp /run /var/tmp / -mindepth 1 -maxdepth 2 -xdev -newer "$ST_WORK/mark" \
		\( -name '*pwned*' -o -name "*$ST_PFX*" \) 2>/dev/null | grep -v -e "^$ST_WORK" -e "^$ST_ROOT" || true
	find /etc -xdev -newer "$ST_WORK/mark" 2>/dev/null || true
}

snapshot() {
	touch "$ST_WORK/mark"
	mounts_snapshot >"$ST_WORK/snap.mounts"
	cgroups_snapshot >"$ST_WORK/snap.cgroups"
	SNAP_FDS=$(fd_count)
	SNAP_CANARY=$(canary_sum)
}

# leftovers: print one line per leftover since the last snapshot (nothing = clean).
leftovers() {
	local p l me
	l=$(ls -A "$ST_ROOT")
	[ -z "$l" ] || echo "state left: $l"
	l=$(comm -13 "$ST_WORK/snap.mounts" <(mounts_snapshot))
	[ -z "$l" ] || echo "mounts left: $l"
	l=$(comm -13 "$ST_WORK/snap.cgroups" <(cgroups_snapshot))
	[ -z "$l" ] || echo "cgroups left: $l"
	for p in $(find /proc/[0-9]*/ -maxdepth 1 \( -name cwd -o -name root \) -lname "$ST_WORK/*" 2>/dev/null); do
		p=${p%/*}; echo "process left: ${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"
	done
	me=$BASHPID # this $(leftovers) subshell, a child of $$ itself
	pgrep -P $$ | grep -vx "$me" >"$ST_WORK/children"
	[ ! -s "$ST_WORK/children" ] || echo "children left: $(tr '\n' ' ' <"$ST_WORK/children")"
	[ "$(fd_count)" -le "$SNAP_FDS" ] || echo "fds grew: $SNAP_FDS -> $(fd_count)"
	[ "$(canary_sum)" = "$SNAP_CANARY" ] || echo "canary dir changed"
	l=$(sensitive_new)
	[ -z "$l" ] || echo "written outside: $l"
}

# force_clean: remove whatever a failed case left, so the next one starts clean.
force_clean() {
	local d
	for d in "$ST_ROOT"/*; do
		[ -e "$d" ] && silo delete -f "${d##*/}" >/dev/null 2>&1
	done
	rm -rf "${ST_ROOT:?}"/* 2>/dev/null
	true
}

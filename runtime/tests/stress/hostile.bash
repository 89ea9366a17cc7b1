# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile bundles, generated: hcase NAME EXPECT SETUP queues one case, where EXPECT is
# `err:TEXT` (create must fail and say TEXT) or `any` (a clear error, or the container
# runs confined), and SETUP is shell run with $B = bundle dir, $C = canary dir.

HCASES=()
hcase() { HCASES+=("$1"$'\x1f'"$2"$'\x1f'"$3"); }

# jq on the case's config.json
cfg() { local f=$1; shift; jq "$@" "$f" "$B/config.json" >"$B/c.new" && mv "$B/c.new" "$B/config.json"; }
# a rootfs this case may deface; the shared one stays untouched
private_rootfs() { cp -a "$ST_BASE/rootfs" "$B/rootfs" && cfg '.root.path = "rootfs"'; }

# deep_json OPEN CLOSE: a config whose "x" nests OPEN 10000 times
deep_json() {
	python3 -c 'import sys; o, c = sys.argv[1:3]; n = 10000
sys.stdout.write("{\"ociVersion\": \"1.2.1\", \"x\": " + o * n + "1" + c * n + "}")' "$1" "$2" >"$B/config.json"
}

gen_hostile() {
	local p t v i n
	# 1. syntax
	i=0
	for v in '' '{' '[]' 'null' '42' '"str"' '{"ociVersion": "1.2.1",}' '{} trailing' \
		'{"ociVersion": "1.2.1", "process": {"args": ["sh"' '{"a": "\uZZZZ"}' \
		'{"a": 1e99999}' "{'single': 1}" '{"a": tru}'; do
		i=$((i + 1))
		hcase "syntax-$i: $(printf %s "$v" | head -c 30)" "err:config.json" "printf '%s' '${v//\'/\'\\\'\'}' >\"\$B/config.json\""
	done
	# 2. size and depth
	hcase "20 MB config (cap is 16 MiB)" "err:config.json" \
		'cfg ".annotations.pad = \$p" --rawfile p <(head -c 20000000 /dev/zero | tr "\0" a)'
	hcase "10000-deep JSON nesting of arrays" "err:config.json" "deep_json '[' ']'"
	hcase "10000-deep JSON nesting of objects" "err:config.json" "deep_json '{\"a\":' '}'"
	# 3. wrong types: every field gets every JSON type but its own
	for p in .ociVersion:s .process.args:a .process.env:a .process.cwd:s .process.terminal:b \
		.process.user.uid:n .process.rlimits:a .root.path:s .root.readonly:b .mounts:a \
		.hostname:s .linux.namespaces:a .linux.uidMappings:a .process.capabilities.bounding:a \
		.linux.maskedPaths:a .hooks:o '.mounts[0].options:a' '.process.rlimits[0].soft:n'; do
		t=${p##*:} p=${p%:*}
		for v in s:'"x"' n:7 b:true a:'[1]' o:'{"k":1}'; do
			[ "${v%%:*}" != "$t" ] || continue
			hcase "wrong type: $p = ${v#*:}" "err:${p%%\[*}" "cfg '$p = ${v#*:}'"
		done
	done
	# 4. numbers out of range
	for v in -1 4294967296 1.5 1e30 18446744073709551616; do
		hcase "uid $v" "err:.process.user.uid" "cfg '.process.user.uid = $v'"
		hcase "rlimit soft $v" "err:.process.rlimits" \
			"cfg '.process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": $v, \"hard\": 1024}]'"
	done
	hcase "rlimit soft > hard" "err:.process.rlimits" \
		"cfg '.process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 2048, \"hard\": 1024}]'"
	for v in RLIMIT_NOFILE:0 RLIMIT_NPROC:0 RLIMIT_AS:1 RLIMIT_STACK:1 RLIMIT_FSIZE:0 \
		RLIMIT_CORE:18446744073709551615 RLIMIT_CPU:0; do
		hcase "absurd rlimit ${v%:*}=${v#*:}" any \
			"cfg '.process.rlimits = [{\"type\": \"${v%:*}\", \"soft\": ${v#*:}, \"hard\": ${v#*:}}]'"
	done
	hcase "oomScoreAdj 100000" "err:oomScoreAdj" "cfg '.process.oomScoreAdj = 100000'"
	hcase "uidMappings size 0" any \
		"cfg '.linux.namespaces += [{\"type\": \"user\"}] | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 0}] | .linux.gidMappings = .linux.uidMappings'"
	hcase "pids limit 9e18" any "cfg '.linux.resources.pids.limit = 9000000000000000000'"
	hcase "memory limit -5" any "cfg '.linux.resources.memory.limit = -5'"
	# 5. `..` in paths: must stay inside the rootfs or be refused
	for v in '/../../../../../../$C' '../../$C' '/tmp/../../../../../$C/sub'; do
		hcase "tmpfs destination $v" any \
			"cfg '.mounts += [{\"destination\": \$d, \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]' --arg d \"$v\""
		hcase "device path $v" any \
			"cfg '.linux.devices = [{\"type\": \"c\", \"path\": \$d, \"major\": 1, \"minor\": 3}]' --arg d \"$v/null\""
		hcase "masked path $v" any "cfg '.linux.maskedPaths += [\$d]' --arg d \"$v\""
		hcase "readonly path $v" any "cfg '.linux.readonlyPaths += [\$d]' --arg d \"$v\""
	done
	hcase "bind source with .. (read-only)" any \
		'cfg ".mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \$s, \"options\": [\"rbind\", \"ro\"]}]" --arg s "$C/../canary/../canary"'
	hcase "relative bind source escaping the bundle" any \
		'cfg ".mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"rootfs/../../canary\", \"options\": [\"rbind\", \"ro\"]}]"'
	hcase "cwd /../../.." any "cfg '.process.cwd = \"/../../../..\"'"
	hcase "cgroupsPath ../../../escape" any "cfg '.linux.cgroupsPath = \"../../../$ST_PFX-esc\"'"
	hcase "sysctl key with .." "err:sysctl" "cfg '.linux.sysctl = {\"net/../../kernel/panic\": \"1\"}'"
	# 6. the rootfs lies: symlinks out of it at mount targets and over /proc, /sys, /dev
	for v in '$C' '../../../../../../../..$C'; do
		hcase "mount target symlink -> $v" any \
			"private_rootfs && ln -s \"$v\" \"\$B/rootfs/mnt\" && cfg '.mounts += [{\"destination\": \"/mnt\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]'"
		hcase "mount parent symlink -> $v" any \
			"private_rootfs && ln -s \"$v\" \"\$B/rootfs/a\" && cfg '.mounts += [{\"destination\": \"/a/b/c\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]'"
		for p in proc sys dev; do
			hcase "/$p is a symlink -> $v" any "private_rootfs && rm -rf \"\$B/rootfs/$p\" && ln -s \"$v\" \"\$B/rootfs/$p\""
		done
		hcase "device path through symlink -> $v" any \
			"private_rootfs && ln -s \"$v\" \"\$B/rootfs/evil\" && cfg '.linux.devices = [{\"type\": \"c\", \"path\": \"/evil/null\", \"major\": 1, \"minor\": 3}]'"
		hcase "cwd symlink -> $v" any "private_rootfs && ln -s \"$v\" \"\$B/rootfs/w\" && cfg '.process.cwd = \"/w\"'"
	done
	hcase "/dev/null is a symlink to host /etc/passwd" any \
		'private_rootfs && mkdir -p "$B/rootfs/dev" && ln -s /etc/passwd "$B/rootfs/dev/null"'
	hcase "device node over an existing file" "err:/etc/passwd" \
		"cfg '.root.readonly = false | .linux.devices = [{\"type\": \"c\", \"path\": \"/etc/passwd\", \"major\": 1, \"minor\": 3}]'"
	hcase "device node over a symlink to the canary" any \
		"private_rootfs && ln -s \"\$C/file\" \"\$B/rootfs/etc/dn\" && cfg '.root.readonly = false | .linux.devices = [{\"type\": \"c\", \"path\": \"/etc/dn\", \"major\": 1, \"minor\": 3}]'"
	# 7. counts
	hcase "5000 tmpfs mounts" any \
		"cfg '.mounts += [range(5000) | {destination: \"/tmp/m\\(.)\", type: \"tmpfs\", source: \"tmpfs\", options: [\"size=4k\"]}]'"
	hcase "70000 mounts (cap 65536)" "err:.mounts" \
		"cfg '.mounts += [range(70000) | {destination: \"/tmp/m\\(.)\", type: \"tmpfs\", source: \"tmpfs\"}]'"
	hcase "100000 env entries" "err:.process.env" "cfg '.process.env += [range(100000) | \"V\\(.)=x\"]'"
	hcase "60000 env entries" any "cfg '.process.env += [range(60000) | \"V\\(.)=x\"]'"
	hcase "5000 masked paths" any "cfg '.linux.maskedPaths += [range(5000) | \"/tmp/n\\(.)\"]'"
	hcase "1 MB env value" any 'cfg ".process.env += [\"BIG=\" + \$v]" --rawfile v <(head -c 1000000 /dev/zero | tr "\0" b)'
	# 8. strings: non-UTF-8 bytes and NUL escapes
	for p in .hostname '.process.args[0]' '.process.env[0]' .process.cwd .root.path '.mounts[0].destination' .linux.cgroupsPath; do
		hcase "NUL escape in $p" any "cfg '$p = \"/a\\u0000b\"'"
		hcase "non-UTF-8 bytes in $p" any \
			"jq '$p = \"@@BAD@@\"' \"\$B/config.json\" | sed 's/@@BAD@@/\\/\\xff\\xfe\\xc0\\x80/' >\"\$B/c.new\" && mv \"\$B/c.new\" \"\$B/config.json\""
	done
	# 9. hooks and args
	for t in prestart createRuntime createContainer startContainer poststart poststop; do
		hcase "$t hook with a relative path" "err:path" "cfg '.hooks.$t = [{\"path\": \"true\"}]'"
	done
	hcase "hook with empty path" "err:path" "cfg '.hooks.prestart = [{\"path\": \"\"}]'"
	hcase "hook with .. path" any "cfg '.hooks.createRuntime = [{\"path\": \"/bin/../bin/true\", \"args\": []}]'"
	hcase "empty args" "err:.process.args" "cfg '.process.args = []'"
	hcase "args [\"\"]" any "cfg '.process.args = [\"\"]'"
	hcase "ociVersion empty" "err:ociVersion" "cfg '.ociVersion = \"\"'"
}

# wait_stopped ID: up to 60 s for the container to exit
wait_stopped() {
	local i
	for i in $(seq 600); do
		case $("$SILO" --root "$ST_ROOT" state "$1" 2>/dev/null | jq -r .status) in
		stopped | "") return 0 ;;
		esac
		sleep 0.1
	done
	return 1
}

# run_hcase NAME EXPECT SETUP: one case in a fresh bundle, then the leftover checks.
run_hcase() {
	local name=$1 expect=$2 setup=$3 id="$ST_PFX-h$N_TEST" rc=0 out l
	# shellcheck disable=SC2034 # C is for the eval'd setups
	B=$ST_WORK/h/$id C=$ST_WORK/canary
	mkdir -p "$B"
	jq --arg r "$ST_BASE/rootfs" '.root.path = $r | .process.args = ["sh", "-c",
		"for d in / /mnt /a/b/c /w /tmp /proc /sys /dev /etc; do echo pwned >$d/pwned; done 2>/dev/null; exit 0"]' \
		"$ST_BASE/config.json" >"$B/config.json"
	if ! (eval "$setup") >"$B/setup.log" 2>&1; then
		tap_fail "hostile: $name" "setup failed: $(head -c 300 "$B/setup.log")"
		rm -rf "$B"; return
	fi
	snapshot
	# create, start, wait, delete rather than `run`: run's status mirrors the container's
	# (RLIMIT_AS=1 makes the exec die of SIGSEGV), these are silo's own.
	timeout -s KILL 120 "$SILO" --root "$ST_ROOT" create --bundle "$B" "$id" </dev/null >"$B/out" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		timeout -s KILL 60 "$SILO" --root "$ST_ROOT" start "$id" >>"$B/out" 2>&1 || rc=$?
		if [ "$rc" = 0 ]; then
			wait_stopped "$id" || rc=137
			timeout -s KILL 60 "$SILO" --root "$ST_ROOT" delete "$id" >>"$B/out" 2>&1 || { [ "$rc" != 0 ] || rc=$?; }
		else # a start that failed must still leave a container delete -f removes
			"$SILO" --root "$ST_ROOT" delete -f "$id" >>"$B/out" 2>&1
		fi
	fi
	out=$(head -c 400 "$B/out" | tr -d '\0' | tr '\n' ' ')
	l=$(leftovers)
	[ -z "$l" ] || force_clean
	if [ "$rc" = 137 ]; then
		tap_fail "hostile: $name" "silo or the container hung (killed after 60-120 s)" "$l"; HOUT[hang]=$((${HOUT[hang]:-0} + 1))
	elif [ -n "$l" ]; then
		tap_fail "hostile: $name" "exit $rc: $out" "$l"; HOUT[leak]=$((${HOUT[leak]:-0} + 1))
	elif [ "$rc" -gt 128 ]; then
		tap_fail "hostile: $name" "silo died of signal $((rc - 128)): $out"; HOUT[crash]=$((${HOUT[crash]:-0} + 1))
	elif [ "$rc" -ne 0 ] && ! grep -q '^silo: ' "$B/out"; then
		tap_fail "hostile: $name" "exit $rc without a 'silo:' error line: $out"; HOUT[unclear]=$((${HOUT[unclear]:-0} + 1))
	elif [ "${expect%%:*}" = err ] && { [ "$rc" -eq 0 ] || ! grep -qF -- "${expect#err:}" "$B/out"; }; then
		tap_fail "hostile: $name" "expected an error naming '${expect#err:}', got exit $rc: $out"
		HOUT[wrong]=$((${HOUT[wrong]:-0} + 1))
	elif [ "$rc" -ne 0 ]; then
		tap_ok "hostile: $name (refused: $(grep -m1 '^silo: ' "$B/out" | head -c 160))"; HOUT[refused]=$((${HOUT[refused]:-0} + 1))
	else
		tap_ok "hostile: $name (ran confined)"; HOUT[confined]=$((${HOUT[confined]:-0} + 1))
	fi
	rm -rf "$B"
}

declare -A HOUT
# --short also always runs these classes, whatever the stride lands on
SHORT_PICKS='^(20 MB|10000-deep JSON nesting of objects|/proc is a symlink -> \$C|/dev is a symlink -> \.\.|mount target symlink -> \$C|device node over an existing|100000 env|prestart hook|tmpfs destination /\.\./)'

run_hostile() {
	local c i=0 t=0 every=1 f
	gen_hostile
	# --short: a spread of about 20 cases across all classes
	[ "$SHORT" = 0 ] || every=$(( (${#HCASES[@]} + 13) / 14 ))
	for c in "${HCASES[@]}"; do
		i=$((i + 1))
		[ $(( (i - 1) % every )) -eq 0 ] || [[ "$c" =~ $SHORT_PICKS ]] || continue
		t=$((t + 1))
		IFS=$'\x1f' read -r -d '' n e s < <(printf '%s\0' "$c")
		# yajl's tree parser grows an array by one element per value; glibc's realloc
		# mostly extends in place, ASan's always copies: 100000 entries take minutes.
		if [[ $n =~ ^[0-9]{5,}\ (env\ entries|mounts|masked\ paths) ]] && sanitized_build; then
			tap_skip "hostile: $n" "sanitizer build: quadratic reallocs in yajl's parser"
			continue
		fi
		run_hcase "$n" "$e" "$s"
	done
	f=""; for c in "${!HOUT[@]}"; do f+="$c=${HOUT[$c]} "; done
	diag "hostile bundles: ${#HCASES[@]} generated, $t tried: $f"
}

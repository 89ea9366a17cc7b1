#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkbundle.sh DIR [args...]: make an OCI bundle in DIR whose rootfs is Debian's
# busybox-static plus its applet links, with a config from `silo spec` adjusted to
# run ARGS (default: sh -c 'echo hello from silo') without a terminal.
set -eu
dir=$1; shift
silo=${SILO:-$(dirname "$0")/../runtime/silo}
bb=$(command -v busybox 2>/dev/null || echo /bin/busybox)
[ -x "$bb" ] || { echo "mkbundle: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$dir/rootfs"
r=$dir/rootfs
mkdir -p "$r/bin" "$r/sbin" "$r/usr/bin" "$r/usr/sbin" "$r/proc" "$r/sys" "$r/dev" "$r/etc" \
	"$r/tmp" "$r/root" "$r/run" "$r/var"
chmod 1777 "$r/tmp"
cp "$bb" "$r/bin/busybox"
for a in $("$r/bin/busybox" --list-full); do
	[ -e "$r/$a" ] || ln -s /bin/busybox "$r/$a"
done
[ -e "$r/etc/passwd" ] || printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
[ -e "$r/etc/group" ] || printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$r/etc/group"
rm -f "$dir/config.json"
"$silo" spec --bundle "$dir"
if [ $# -eq 0 ]; then set -- sh -c 'echo hello from silo'; fi
args=$(for a in "$@"; do printf '%s\n' "$a"; done | jq -R . | jq -s -c .)
jq --argjson a "$args" '.process.args = $a | .process.terminal = false' "$dir/config.json" >"$dir/config.json.new"
mv "$dir/config.json.new" "$dir/config.json"

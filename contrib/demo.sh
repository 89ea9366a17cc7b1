#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo`: build the embedded busybox bundle and run it with `silo run`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
silo=$top/runtime/silo
bundle=$top/build/demo-bundle
SILO=$silo "$top/contrib/mkbundle.sh" "$bundle" sh -c \
	'echo "hello from silo: $(uname -n), pid $$, uid $(id -u)"; ls /; cat /proc/self/mountinfo | wc -l | sed "s/^/mounts: /"'
id="silo-demo-$$"
root=$(mktemp -d /run/silo-demo.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "+ silo --root $root run --bundle $bundle $id"
"$silo" --root "$root" run --bundle "$bundle" "$id"

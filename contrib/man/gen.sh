#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the man pages (silo.8, silomon.8) from their Markdown sources with
# go-md2man (Debian: apt-get install go-md2man). The generated pages are
# committed, so building and installing silo never needs go-md2man.
# OUTDIR=dir writes the pages there instead (contrib/tests/run compares them).
set -eu
OUTDIR=$(cd "${OUTDIR:-$(dirname "$0")}" && pwd)
cd "$(dirname "$0")"
MD2MAN=${MD2MAN:-go-md2man}
command -v "$MD2MAN" >/dev/null 2>&1 || {
	echo "gen.sh: $MD2MAN not found (apt-get install go-md2man)" >&2
	exit 1
}
for md in silo.8.md silomon.8.md; do
	out=$OUTDIR/${md%.md}
	tmp=$out.tmp
	{
		echo '.\" SPDX-License-Identifier: GPL-2.0-or-later'
		echo ".\\\" Generated from $md by contrib/man/gen.sh (go-md2man); do not edit."
		# the HTML comment carrying the SPDX line is for the Markdown source only
		grep -v '^<!-- SPDX-License-Identifier: .* -->$' "$md" | "$MD2MAN"
	} >"$tmp"
	mv "$tmp" "$out"
done

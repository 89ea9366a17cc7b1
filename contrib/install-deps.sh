#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian packages silo needs. `build` (default): compiler and libraries;
# `test`: also what `make check` drives (bats, jq, crun, runc, conmon, podman, containerd,
# criu, valgrind).
# As root, missing packages are installed; otherwise the exact apt-get line is printed.
set -eu

BUILD="build-essential pkg-config libseccomp-dev libcap-dev libyajl-dev libselinux1-dev
libglib2.0-dev busybox-static jq"
TEST="bats jq crun runc conmon podman containerd uidmap fuse-overlayfs strace iproute2
procps util-linux socat go-md2man zsh bash-completion clang python3 criu valgrind"

case "${1:-build}" in
build) want=$BUILD ;;
test | all) want="$BUILD $TEST" ;;
*) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages; run as root:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# A stale package list makes apt-get fail with 404s: refresh it once, first.
apt-get update -qq >/dev/null || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

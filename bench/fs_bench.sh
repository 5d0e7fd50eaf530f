#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Files and exec: open+close, stat and fork+exec of /bin/true in a child
# confined by Landlock + seccomp hardening (the default policy) against an
# unconfined child, rounds interleaved. Prints ns/op and ratios, never
# passes or fails. Needs root. Run by bench/run.sh (make bench).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
[ "$(id -u)" = 0 ] || { echo "fs_bench: needs root" >&2; exit 1; }
cd "$top" || exit 1
for m in both landlock seccomp; do
	"$BUILD/bench/fs_bench" -p policies/default.yaml -n "${N:-5000}" -r "${ROUNDS:-15}" -m "$m" \
		2>/dev/null
	echo
done

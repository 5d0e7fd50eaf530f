#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs the libFuzzer targets for the jury's HTTP and JSON request parsers
# for a bounded time each (JURY_FUZZ_SECONDS, default 20), starting from the
# seeds in tests/jury/fuzz/. A crash, a leak or a sanitizer report fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../../build}
secs=${JURY_FUZZ_SECONDS:-20}
. "$here/../lib/fuzz.sh"
echo "1..2"
n=0
for t in http request; do
	n=$((n + 1))
	fuzz_target $n "$build/jury/fuzz_$t" "$here/fuzz/seeds_$t" "$here/fuzz/$t.dict" 9000 \
		"$secs" "$t parser"
done

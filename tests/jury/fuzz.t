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
echo "1..2"
n=0
for t in http request; do
	n=$((n + 1))
	bin=$build/jury/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "ok $n # skip $bin not built (needs clang with libFuzzer)"
		continue
	fi
	work=$(mktemp -d)
	cp "$here/fuzz/seeds_$t/"* "$work/"
	if "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 -max_len=9000 \
		-dict="$here/fuzz/$t.dict" -artifact_prefix="$work/" "$work" >"$work/log" 2>&1; then
		echo "ok $n - fuzz $t parser for ${secs}s: $(grep -o 'Done [0-9]* runs' "$work/log")"
		rm -rf "$work"
	else
		echo "not ok $n - fuzz $t parser found a failure (artifacts in $work)"
		tail -30 "$work/log" | sed 's/^/# /'
	fi
done

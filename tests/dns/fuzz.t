#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs the libFuzzer targets of src/dns (the message reader, the host
# rules) for a bounded time each (DNS_FUZZ_SECONDS, default 10) from the
# seeds in tests/dns/fuzz/ (real dnsmasq answers among them). A crash, a
# leak, a sanitizer report or a broken promise of the target fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../../build}
secs=${DNS_FUZZ_SECONDS:-10}
echo "1..2"
n=0
for t in msg:4096 host:600; do
	n=$((n + 1))
	name=${t%:*}
	bin=$build/dns/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "ok $n # skip $bin not built (needs clang with libFuzzer)"
		continue
	fi
	work=$(mktemp -d)
	cp "$here/fuzz/seeds_$name/"* "$work/"
	if "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 -max_len="${t#*:}" \
		-dict="$here/fuzz/$name.dict" -artifact_prefix="$work/" "$work" >"$work/log" 2>&1; then
		echo "ok $n - fuzz dns $name for ${secs}s: $(grep -o 'Done [0-9]* runs' "$work/log")"
		rm -rf "$work"
	else
		echo "not ok $n - fuzz dns $name found a failure (artifacts in $work)"
		tail -30 "$work/log" | sed 's/^/# /'
	fi
done

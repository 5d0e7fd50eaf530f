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
. "$here/../lib/fuzz.sh"
echo "1..2"
fuzz_target 1 "$build/dns/fuzz_msg" "$here/fuzz/seeds_msg" "$here/fuzz/msg.dict" 4096 "$secs" \
	"dns msg"
fuzz_target 2 "$build/dns/fuzz_host" "$here/fuzz/seeds_host" "$here/fuzz/host.dict" 600 "$secs" \
	"dns host"

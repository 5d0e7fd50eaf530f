#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A lookup through the run's resolver against the same lookup straight at
# its upstream (part of make bench; alone: make bench-dns). The upstream
# is dnsmasq answering from its own records on a loopback address, so the
# figures are the resolver's own cost, not the network's. Interleaved
# query by query; p50/p99 in microseconds; never passes or fails on a time.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
N=${N:-5000}
command -v dnsmasq >/dev/null || { echo "dns bench: no dnsmasq (make deps)"; exit 0; }
tmp=$(mktemp -d /tmp/sevorix-dnsbench.XXXXXX)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
UP=127.53.0.1
UP_PORT=$((20000 + $$ % 20000))
"$top/tests/dns/dnsmasq.sh" $UP $UP_PORT "$tmp/dnsmasq.log" --host-record=api.bench.test,127.0.0.11 \
	2>"$tmp/dnsmasq.err" &
pids="$pids $!"
for _ in $(seq 100); do
	python3 "$top/tests/dns/dnsq.py" --timeout 0.1 $UP:$UP_PORT api.bench.test | grep -q NOERROR && break
done
# a rulebook of some size: the name is decided among 200 other rules
rules=()
for i in $(seq 100); do rules+=("allow:host$i.example.test" "deny:*.zone$i.example.test"); done
"$BUILD/tests/dns/resolver_run" --quiet --upstream $UP:$UP_PORT "${rules[@]}" \
	allow:api.bench.test >"$tmp/resolver.out" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do grep -q listening "$tmp/resolver.out" && break; sleep 0.05; done
R=$(awk '/^listening/ {print $2; exit}' "$tmp/resolver.out")
echo "== a lookup (A, UDP) through the run's resolver vs straight at its upstream, N=$N"
"$BUILD/bench/dns_bench" "$N" $UP:$UP_PORT "$R" api.bench.test

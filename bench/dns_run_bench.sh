#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Egress by name under `sevorix run` (docs/dns.md), part of make bench:
#  1. a lookup from inside a run sent to 192.0.2.53:53 (redirected to the
#     run's resolver, decided among 201 host rules, its address written to
#     the kernel map before the answer) against the same lookup straight
#     at the resolver's upstream from the same process (allowed there by a
#     cidr rule); dnsmasq answers from its own records on loopback, so the
#     difference is Sevorix's cost. p50/p99 of N, interleaved query by query.
#  2. connect() to an address learnt for a host rule (localhost, learnt
#     from /etc/hosts when the run starts) against one allowed by a cidr
#     rule, each against no programs at all, interleaved round by round.
# Prints figures and ratios; never passes or fails on a time. Needs root.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
N=${N:-5000}
CN=${CN:-20000}
ROUNDS=${ROUNDS:-5}
[ "$(id -u)" = 0 ] || { echo "dns run bench: needs root"; exit 0; }
command -v dnsmasq >/dev/null || { echo "dns run bench: no dnsmasq (make deps)"; exit 0; }
tmp=$(mktemp -d /tmp/sevorix-dnsrun.XXXXXX)
chmod 755 "$tmp"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
cp "$BUILD/bench/dns_bench" "$BUILD/bench/net_bench" "$tmp/"
UP=127.53.0.1
UP_PORT=$((20000 + $$ % 20000))
"$top/tests/dns/dnsmasq.sh" $UP $UP_PORT "$tmp/dnsmasq.log" --host-record=api.bench.test,127.0.0.11 \
	2>"$tmp/dnsmasq.err" &
pids="$pids $!"
for _ in $(seq 100); do
	python3 "$top/tests/dns/dnsq.py" --timeout 0.1 $UP:$UP_PORT api.bench.test | grep -q NOERROR && break
done
{
	printf 'version: 1\nnetwork:\n  default: deny\n  rules:\n'
	for i in $(seq 100); do
		printf '    - {action: allow, host: host%d.example.test, ports: [443]}\n' "$i"
		printf '    - {action: deny, host: "*.zone%d.example.test"}\n' "$i"
	done
	printf '    - {action: allow, host: api.bench.test, ports: [443]}\n'
	printf '    - {action: allow, cidr: %s/32, ports: [%s]}\n' $UP $UP_PORT
	printf '  dns:\n    upstream: ["%s:%s"]\n' $UP $UP_PORT
} >"$tmp/lookup.yaml"
printf 'version: 1\nnetwork:\n  default: deny\n  rules:\n    - {action: allow, cidr: 127.0.0.0/8}\n' \
	>"$tmp/cidr.yaml"
printf 'version: 1\nnetwork:\n  default: deny\n  rules:\n    - {action: allow, host: localhost}\n' \
	>"$tmp/host.yaml"
inside() { # inside POLICY CMD...
	local pol=$1
	shift
	(cd "$tmp" && "$sevorix" run --policy "$pol" --user nobody --events /dev/null -- "$@")
}

echo "== a lookup (A, UDP) inside a run: through the run's resolver vs straight at its upstream, N=$N"
inside lookup.yaml ./dns_bench "$N" $UP:$UP_PORT 192.0.2.53:53 api.bench.test

echo
echo "== connect() to an address learnt for a host rule vs a cidr rule, N=$CN, $ROUNDS rounds"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3fx", a / b}'; }
base=() cidr=() host=()
for _ in $(seq "$ROUNDS"); do
	base+=("$("$tmp/net_bench" "$CN" 3)")
	cidr+=("$(inside cidr.yaml ./net_bench "$CN" 3)")
	host+=("$(inside host.yaml ./net_bench "$CN" 3)")
done
b=$(printf '%s\n' "${base[@]}" | median)
c=$(printf '%s\n' "${cidr[@]}" | median)
h=$(printf '%s\n' "${host[@]}" | median)
printf '%-50s %8s ns/op\n' "no programs loaded (baseline)" "$b"
printf '%-50s %8s ns/op  %s\n' "inside a run, allowed by a cidr rule" "$c" "$(ratio "$c" "$b")"
printf '%-50s %8s ns/op  %s  (%s of the cidr rule)\n' "inside a run, learnt for a host rule" "$h" \
	"$(ratio "$h" "$b")" "$(ratio "$h" "$c")"

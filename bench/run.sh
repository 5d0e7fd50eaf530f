#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: cost ratios against a baseline measured in the same script,
# interleaved round by round (these machines are noisy). Prints ns/op and
# ratios; never passes or fails on a time. Needs root. Every other
# bench/*.sh runs after this one (BENCH_EXTRAS=0: this one alone).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
tmp=$(mktemp -d /tmp/sevorix-bench.XXXXXX)
chmod 755 "$tmp"
cp "$BUILD/bench/net_bench" "$tmp/"
keeper=""
trap '[ -n "$keeper" ] && kill $keeper 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
cat >"$tmp/policy.yaml" <<EOF
version: 1
network:
  default: deny
  rules:
    - {action: deny, cidr: 169.254.169.254/32}
    - {action: allow, cidr: 127.0.0.0/8}
EOF
N=${N:-20000}
ROUNDS=${ROUNDS:-5}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3fx", a / b}'; }
inside() {
	(cd "$tmp" && "$sevorix" run --policy policy.yaml --user nobody --events /dev/null \
		-- ./net_bench "$N" 3)
}

echo "== connect() to an allowed loopback port (socket+connect+close), N=$N, $ROUNDS rounds"
base=() out=() ins=()
for _ in $(seq "$ROUNDS"); do
	base+=("$("$tmp/net_bench" "$N" 3)")
	"$sevorix" run --policy "$tmp/policy.yaml" --user nobody --events /dev/null -- sleep 600 &
	keeper=$!
	sleep 0.3
	out+=("$("$tmp/net_bench" "$N" 3)")
	ins+=("$(inside)")
	kill "$keeper"
	wait "$keeper" 2>/dev/null
	keeper=""
done
b=$(printf '%s\n' "${base[@]}" | median)
o=$(printf '%s\n' "${out[@]}" | median)
i=$(printf '%s\n' "${ins[@]}" | median)
printf '%-46s %8s ns/op\n' "no programs loaded (baseline)" "$b"
printf '%-46s %8s ns/op  %s\n' "outside, while a run's programs are loaded" "$o" "$(ratio "$o" "$b")"
printf '%-46s %8s ns/op  %s\n' "inside the agent cgroup (allowed connect)" "$i" "$(ratio "$i" "$b")"
[ "${BENCH_EXTRAS:-1}" = 0 ] && exit 0
for extra in "$top"/bench/*.sh; do
	[ "$extra" = "$top/bench/run.sh" ] && continue
	echo
	BUILD=$BUILD bash "$extra"
done

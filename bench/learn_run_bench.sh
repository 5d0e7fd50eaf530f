#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The cost of `sevorix run --learn` (part of make bench): one workload
# (reads of 100 files 20 times over with cat, a compile with cc, N
# connects to an allowed loopback port) run under the policy learn mode
# runs under (every section, default allow), without and with --learn,
# interleaved round by round. Prints the median wall time of each whole
# run (start and end included), the connects' ns/op inside, and the
# ratios; never passes or fails on a time. Needs root.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
N=${N:-5000}
ROUNDS=${ROUNDS:-5}
[ "$(id -u)" = 0 ] || { echo "learn run bench: needs root"; exit 0; }
command -v cc >/dev/null || { echo "learn run bench: no C compiler"; exit 0; }
tmp=$(mktemp -d /var/tmp/sevorix-learnbench.XXXXXX) # outside the private /tmp of learning
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
cp "$BUILD/bench/net_bench" "$tmp/"
mkdir -p "$tmp/ws/files"
for i in $(seq 100); do echo "file $i" >"$tmp/ws/files/f$i"; done
printf 'int main(void) { return 0; }\n' >"$tmp/ws/main.c"
chown -R nobody "$tmp/ws"
{
	echo '#!/bin/sh'
	echo 'for i in $(seq 20); do cat files/* >/dev/null; done'
	echo 'cc -o main main.c'
	echo "$tmp/net_bench $N 3"
} >"$tmp/work.sh"
chmod 755 "$tmp/work.sh"
printf 'version: 1\nmode: enforce\ntmp: private\nnetwork:\n  default: allow\nfiles:\n  default: allow\nexec:\n  default: allow\n' \
	>"$tmp/base.yaml"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3fx", a / b}'; }
# one ARGS...: the run's wall time in ms, then the connects' ns/op
one() {
	local t0 t1 ns
	t0=$(date +%s%N)
	ns=$(cd "$tmp/ws" && "$sevorix" run --quiet --user nobody --events /dev/null "$@" -- "$tmp/work.sh" 2>/dev/null)
	t1=$(date +%s%N)
	echo "$(((t1 - t0) / 1000000)) $ns"
}

echo "== run --learn vs the same run without it (policy: observe everything), N=$N connects, $ROUNDS rounds"
plain=() learn=() pc=() lc=()
for _ in $(seq "$ROUNDS"); do
	read -r ms ns <<<"$(one --policy "$tmp/base.yaml")"
	plain+=("$ms") pc+=("$ns")
	read -r ms ns <<<"$(one --learn "$tmp/learnt.yaml")"
	learn+=("$ms") lc+=("$ns")
done
[ -s "$tmp/learnt.yaml" ] || echo "learn run bench: no policy was learnt"
p=$(printf '%s\n' "${plain[@]}" | median)
l=$(printf '%s\n' "${learn[@]}" | median)
pn=$(printf '%s\n' "${pc[@]}" | median)
ln=$(printf '%s\n' "${lc[@]}" | median)
printf '%-32s %8s ms   connect %8s ns/op\n' "without --learn (baseline)" "$p" "$pn"
printf '%-32s %8s ms   connect %8s ns/op\n' "with --learn" "$l" "$ln"
printf '%-32s %8s      connect %8s\n' "ratio" "$(ratio "$l" "$p")" "$(ratio "$ln" "$pn")"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Held calls (part of make bench): the added latency of an exec and a
# connect held for the built-in jury, against the same call not held, and
# the cost of the trap itself for calls that are not reviewed; then the
# same held calls with a cloud judge that is down (breaker open) against
# local only. p50/p99 in microseconds, as an agent measures them.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
N=${N:-300}
tmp=$(mktemp -d /tmp/sevorix-holdbench.XXXXXX)
chmod 755 "$tmp"
cp "$BUILD/bench/hold_bench" "$tmp/"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
P=$((20000 + $$ % 20000)) DEAD=$((40000 + $$ % 20000))
python3 "$top/tests/kernel/servers.py" 127.0.0.1:$P >/dev/null &
pids="$pids $!"
# the built-in jurors and consensus, with the cache off (every review is judged)
jurors='consensus: "weighted:0"
cache: {size: 0}
jurors:
  - {kind: rulebook, weight: 2, veto: true}
  - {kind: ngram}
  - {kind: logreg}
  - {kind: grounding, weight: 0.5}'
printf '%s\n' "$jurors" >"$tmp/local.yaml"
printf '%s\ncloud: {url: "http://127.0.0.1:%d", deadline_ms: 100, failures: 1, cooldown_ms: 600000}\n' \
	"$jurors" "$DEAD" >"$tmp/cloud-down.yaml"
"$sevorix" jury serve --socket "$tmp/local/slm.sock" --config "$tmp/local.yaml" >/dev/null 2>&1 &
pids="$pids $!"
"$sevorix" jury serve --socket "$tmp/down/slm.sock" --config "$tmp/cloud-down.yaml" >/dev/null 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do [ -S "$tmp/local/slm.sock" ] && [ -S "$tmp/down/slm.sock" ] && break; sleep 0.05; done
sleep 0.5

policy() { # policy NAME NETWORK_RULE EXEC_SECTION
	printf 'version: 1\nnetwork:\n  default: deny\n  rules:\n    - %s\n%s\n' "$2" "$3" >"$tmp/$1.yaml"
}
allow_lo='{action: allow, cidr: 127.0.0.0/8}'
review_lo='{action: review, cidr: 127.0.0.0/8}'
review_other='{action: review, cidr: 10.0.0.0/8, ports: [22]}'
policy plain "$allow_lo" ""
policy trapped "$allow_lo" $'exec:\n  default: allow'
policy trapnet "$review_other"$'\n    - '"$allow_lo" ""
policy held "$review_lo" $'exec:\n  default: allow\n  rules:\n    - {action: review, path: /usr/bin/true}'

run() { # run POLICY JURY ARGS...
	local pol=$1 jury=$2
	shift 2
	(cd "$tmp" && "$sevorix" run --policy "$tmp/$pol.yaml" --user nobody --events /dev/null \
		--jury "unix://$tmp/$jury/slm.sock" -- ./hold_bench "$@")
}
row() { # row LABEL BASE_P50 BASE_P99 P50 P99
	awk -v l="$1" -v b50="$2" -v b99="$3" -v p50="$4" -v p99="$5" 'BEGIN {
		printf "%-44s p50 %8.1f us  p99 %8.1f us  added p50 %+7.1f us  p99 %+7.1f us\n",
			l, p50, p99, p50 - b50, p99 - b99 }'
}

echo "== held calls (built-in jury, cache off), N=$N, as the agent measures them"
read -r e50 e99 < <(run plain local exec "$N" /usr/bin/true)
read -r t50 t99 < <(run trapped local exec "$N" /usr/bin/true)
read -r h50 h99 < <(run held local exec "$N" /usr/bin/true)
read -r d50 d99 < <(run held down exec "$N" /usr/bin/true)
row "exec /usr/bin/true, not trapped" "$e50" "$e99" "$e50" "$e99"
row "exec, trapped, not reviewed (the trap's cost)" "$e50" "$e99" "$t50" "$t99"
row "exec, held for the jury (local only)" "$e50" "$e99" "$h50" "$h99"
row "exec, held, cloud down + breaker open" "$h50" "$h99" "$d50" "$d99"
read -r c50 c99 < <(run plain local connect "$N" 127.0.0.1 $P)
read -r n50 n99 < <(run trapnet local connect "$N" 127.0.0.1 $P)
read -r k50 k99 < <(run held local connect "$N" 127.0.0.1 $P)
read -r x50 x99 < <(run held down connect "$N" 127.0.0.1 $P)
row "connect 127.0.0.1, not trapped" "$c50" "$c99" "$c50" "$c99"
row "connect, trapped, not reviewed (the trap's cost)" "$c50" "$c99" "$n50" "$n99"
row "connect, held for the jury (local only)" "$c50" "$c99" "$k50" "$k99"
row "connect, held, cloud down + breaker open" "$k50" "$k99" "$x50" "$x99"
awk -v a="$d50" -v b="$h50" -v c="$x50" -v d="$k50" 'BEGIN {
	printf "breaker open / local only (p50): exec %.2fx, connect %.2fx\n", a / b, c / d }'

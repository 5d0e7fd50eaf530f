#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A flood of denials (part of make bench): N denied connects to distinct
# destinations from one thread (tests/events/flood), under `sevorix run`,
# with the supervisor reading the events and with it stopped (SIGSTOP), so
# that the kernel alone bounds the denials' ring buffer. Prints the cost of
# a denied connect, how many denials were written as events of their own
# and how many only counted (lost_records), and whether the one denial
# after the flood was written with its target.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
N=${N:-100000}
ROUNDS=${ROUNDS:-3}
[ "$(id -u)" = 0 ] || { echo "flood_bench: needs root" >&2; exit 1; }
tmp=$(mktemp -d /tmp/sevorix-floodbench.XXXXXX)
chmod 755 "$tmp" && mkdir -m 777 "$tmp/w"
cp "$BUILD/tests/events/flood" "$tmp/"
sup=""
trap '[ -n "$sup" ] && kill -CONT $sup 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
# the loopback allowed on every port, so that Landlock's port rules let every
# connect through to the cgroup program, which denies 10.0.0.0/8
printf 'version: 1\nnetwork:\n  default: deny\n  rules:\n    - {action: deny, cidr: 10.0.0.0/8}\n    - {action: allow, cidr: 127.0.0.0/8}\n' \
	>"$tmp/p.yaml"

echo "== $N denied connects to distinct destinations, then one more; $ROUNDS rounds each"
for mode in read stop; do
	for r in $(seq "$ROUNDS"); do
		ev=$tmp/ev.jsonl
		rm -f "$ev" "$tmp/w/done" "$tmp/w/out"
		(cd "$tmp" && exec "$sevorix" run --policy p.yaml --user nobody --events "$ev" -- /bin/sh -c \
			"sleep 1; ./flood $N 192.0.2.1 443 >$tmp/w/out; touch $tmp/w/done") &
		sup=$!
		if [ $mode = stop ]; then
			for _ in $(seq 200); do grep -q '"kind":"start"' "$ev" 2>/dev/null && break; sleep 0.05; done
			kill -STOP $sup 2>/dev/null
			for _ in $(seq 600); do [ -e "$tmp/w/done" ] && break; sleep 0.1; done
			kill -CONT $sup 2>/dev/null
		fi
		wait $sup
		sup=""
		secs=$(sed 's/.* in \([0-9.]*\) s.*/\1/' "$tmp/w/out")
		lost=$(grep -o '"lost_records":[0-9]*' "$ev" | cut -d: -f2 | awk '{n += $1} END {print n + 0}')
		own=$(grep -c '"kind":"connect".*"verdict":"deny"' "$ev")
		last=$(grep -c '"target":"192.0.2.1:443"' "$ev")
		printf '%-5s round %d: %6.2f us per denied connect; events of their own %6d, counted only %6d; last denial written: %s\n' \
			"$mode" "$r" "$(awk -v s="$secs" -v n="$N" 'BEGIN {print s * 1e6 / n}')" \
			"$((own - 1))" "$lost" "$([ "$last" -ge 1 ] && echo yes || echo NO)"
	done
done

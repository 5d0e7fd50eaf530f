#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The observer of denials (part of make bench): its tp_btf program runs at
# the exit of every system call of the machine, so this measures what a
# process OUTSIDE any run pays while a run's programs are loaded, against
# the same process with nothing loaded, and what a process inside the run
# pays. Rounds are interleaved (these machines are noisy); CPU ns per
# iteration, median of rounds, and the ratio to the baseline.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
ROUNDS=${ROUNDS:-5}
[ "$(id -u)" = 0 ] || { echo "observe_bench: needs root" >&2; exit 1; }
tmp=$(mktemp -d /tmp/sevorix-obsbench.XXXXXX)
chmod 755 "$tmp"
cp "$BUILD/bench/syscall_bench" "$tmp/"
keeper=""
trap '[ -n "$keeper" ] && kill $keeper 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
cat >"$tmp/policy.yaml" <<EOP
version: 1
network:
  default: deny
files:
  default: deny
  rules:
    - {action: allow, path: /, access: [read, exec]}
    - {action: allow, path: /dev, access: [read, write]}
EOP
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3fx", a / b}'; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
bench() { # bench MODE N: one measurement outside (as nobody: eacces needs it)
	as_nobody "$tmp/syscall_bench" "$1" "$2" 3
}
inside() { # inside MODE N
	(cd "$tmp" && "$sevorix" run --policy policy.yaml --user nobody --events /dev/null \
		-- ./syscall_bench "$1" "$2" 3)
}

echo "== the observer's cost per system call (tp_btf sys_exit), $ROUNDS rounds"
for spec in getppid:200000 open:50000 enoent:100000 eacces:100000 tree:3; do
	mode=${spec%%:*} n=${spec##*:}
	base=() out=() ins=()
	for _ in $(seq "$ROUNDS"); do
		base+=("$(bench "$mode" "$n")")
		"$sevorix" run --policy "$tmp/policy.yaml" --user nobody --events /dev/null \
			-- sleep 600 &
		keeper=$!
		sleep 0.5
		out+=("$(bench "$mode" "$n")")
		ins+=("$(inside "$mode" "$n")")
		kill "$keeper"
		wait "$keeper" 2>/dev/null
		keeper=""
	done
	b=$(printf '%s\n' "${base[@]}" | median)
	o=$(printf '%s\n' "${out[@]}" | median)
	i=$(printf '%s\n' "${ins[@]}" | median)
	printf '%-8s no programs %10s ns   outside, loaded %10s ns %s   inside %10s ns %s\n' \
		"$mode" "$b" "$o" "$(ratio "$o" "$b")" "$i" "$(ratio "$i" "$b")"
done

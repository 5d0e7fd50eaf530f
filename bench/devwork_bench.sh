#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Everyday developer work (part of make bench): the wall time of each step
# of tests/kernel/devwork_job.sh (git init/add/commit, make of a small C
# project, python3 -m venv, npm install from a local registry stand-in),
# bare and under `sevorix run --profile default`, as the same unprivileged
# user, interleaved round by round, each in a fresh directory. Each run
# under Sevorix pays its start-up too, measured apart (`-- true`).
# Medians and ratios; never passes or fails. Needs root.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
ROUNDS=${ROUNDS:-5}
for c in git make cc python3 npm node setpriv; do
	command -v $c >/dev/null || { echo "devwork bench: needs $c"; exit 0; }
done
tmp=$(mktemp -d /tmp/sevorix-devbench.XXXXXX)
chmod 755 "$tmp"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
export SEVORIX_PROFILE_PATH=${SEVORIX_PROFILE_PATH:-$top/policies}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$top/tests/lib/npm_registry.py" 127.0.0.1:$port >"$tmp/registry.out" 2>&1 &
pids="$pids $!"
for _ in $(seq 50); do grep -q ready "$tmp/registry.out" 2>/dev/null && break; sleep 0.1; done
env=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent LANG=C)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run MODE STEP: the step's wall time in ms, in a fresh directory
run() {
	local d t0 t1 out
	d=$(mktemp -d "$tmp/$1.XXXXXX")
	cp "$top/tests/kernel/devwork_job.sh" "$d/job.sh" # in the workspace: the run's /tmp is its own
	chown -R nobody: "$d"
	t0=$(now_ms)
	if [ "$1" = bare ]; then
		out=$(cd "$d" && setpriv --reuid=nobody --regid=nogroup --clear-groups "${env[@]}" \
			bash job.sh "http://127.0.0.1:$port/" $2 2>"$d.err")
	else
		out=$(cd "$d" && "${env[@]}" SEVORIX_PROFILE_PATH="$SEVORIX_PROFILE_PATH" "$sevorix" run \
			--quiet --user nobody --profile default --events /dev/null \
			-- bash job.sh "http://127.0.0.1:$port/" $2 2>"$d.err")
	fi
	t1=$(now_ms)
	# the step's verdict is on stdout; stderr has its noise and Sevorix's warnings
	[ "$out" = "$2 ok" ] || echo "devwork bench: $1 $2 failed: $out $(cat "$d.err")" >&2
	rm -rf "$d" "$d.err"
	[ "$out" = "$2 ok" ] || { echo 0; return; }
	echo $((t1 - t0))
}

echo "== everyday developer work, bare vs sevorix run --profile default ($ROUNDS rounds, ms)"
declare -A b s
steps="git make venv npm"
start=()
for _ in $(seq "$ROUNDS"); do
	for st in $steps; do
		b[$st]+="$(run bare $st) "
		s[$st]+="$(run sevorix $st) "
	done
	t0=$(now_ms)
	"$sevorix" run --quiet --user nobody --profile default --events /dev/null -- true 2>/dev/null
	start+=($(($(now_ms) - t0)))
done
st0=$(printf '%s\n' "${start[@]}" | median)
printf '%-26s %8s %9s %7s %18s\n' "step" "bare ms" "sevorix" "ratio" "ratio w/o start-up"
tb=0 ts=0
for st in $steps; do
	mb=$(printf '%s\n' ${b[$st]} | median)
	ms=$(printf '%s\n' ${s[$st]} | median)
	tb=$((tb + mb)) ts=$((ts + ms))
	printf '%-26s %8s %9s %7s %18s\n' "$st" "$mb" "$ms" "$(ratio "$ms" "$mb")" \
		"$(ratio $((ms - st0)) "$mb")"
done
printf '%-26s %8s %9s %7s %18s\n' "all four (sum of medians)" "$tb" "$ts" "$(ratio "$ts" "$tb")" \
	"$(ratio $((ts - 4 * st0)) "$tb")"
printf 'start-up: sevorix run -- true, median %s ms (in each sevorix figure above)\n' "$st0"

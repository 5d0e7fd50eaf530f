#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The daemon and policy changes (part of make bench): `sevorix policy
# apply` to a running `sevorix run` (its maps rewritten in place, its
# supervisor's hold restarted) against the same apply to an attachment
# (new programs loaded beside the old ones), and `sevorix daemon
# --upgrade` from its start to the old daemon's exit. Medians of ROUNDS;
# never passes or fails. Needs root.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
ROUNDS=${ROUNDS:-7}
tmp=$(mktemp -d /tmp/sevorix-daemonbench.XXXXXX)
chmod 755 "$tmp"
mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
cg="$mnt/sevorix-bench-daemon-$$"
pids="" id=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; [ -n "$id" ] && "$sevorix" detach "$id" >/dev/null;
	rmdir "$cg" 2>/dev/null; rm -rf "$tmp"' EXIT
for i in 1 2; do
	printf 'version: 1\nnetwork:\n  default: allow\n  rules:\n    - {action: deny, cidr: 127.0.0.%s/32}\nexec:\n  default: allow\n  rules:\n    - {action: deny, argv: "touch *forbidden*"}\n' \
		"$((i + 1))" >"$tmp/p$i.yaml"
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { # ms CMD...: the command's wall time in ms
	local t0
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $((($(date +%s%N) - t0) / 1000000))
}

mkdir "$cg"
sleep 600 &
pids="$pids $!"
echo $! >"$cg/cgroup.procs"
id=$("$sevorix" attach --cgroup "$cg" --policy "$tmp/p1.yaml" | sed -n 's/^attached \([0-9a-f]*\) .*/\1/p')
(cd "$tmp" && "$sevorix" run --policy p1.yaml --user nobody --events /dev/null -- sleep 600) &
pids="$pids $!"
run=""
for _ in $(seq 100); do
	run=$("$sevorix" ps | awk '/ running .*sleep 600/ {print $1}' | head -1)
	[ -n "$run" ] && break
	sleep 0.05
done
echo "== sevorix policy apply: a run (maps in place) vs an attachment (new programs), $ROUNDS rounds"
a=() r=()
for i in $(seq "$ROUNDS"); do
	a+=("$(ms "$sevorix" policy apply "$id" "$tmp/p$((i % 2 + 1)).yaml")")
	r+=("$(ms "$sevorix" policy apply "$run" "$tmp/p$((i % 2 + 1)).yaml")")
done
am=$(printf '%s\n' "${a[@]}" | median) rm_=$(printf '%s\n' "${r[@]}" | median)
echo "attachment: $am ms, run: $rm_ ms, run/attachment: $(awk -v a="$rm_" -v b="$am" 'BEGIN {printf "%.3fx", a / b}')"

echo "== sevorix daemon --upgrade: from its start to the old daemon's exit, $ROUNDS rounds"
S="$tmp/d.sock"
"$sevorix" daemon --socket "$S" --policy "$tmp/p1.yaml" --log-dir "$tmp/logs" >/dev/null 2>&1 &
old=$!
pids="$pids $old"
for _ in $(seq 100); do [ -S "$S" ] && break; sleep 0.05; done
sleep 0.5
u=()
for _ in $(seq "$ROUNDS"); do
	t0=$(date +%s%N)
	"$sevorix" daemon --socket "$S" --policy "$tmp/p1.yaml" --log-dir "$tmp/logs" --upgrade \
		>/dev/null 2>&1 &
	new=$!
	wait "$old" 2>/dev/null
	u+=($((($(date +%s%N) - t0) / 1000000)))
	old=$new
	sleep 0.3
done
kill "$old" 2>/dev/null
echo "upgrade (no containers), median: $(printf '%s\n' "${u[@]}" | median) ms"

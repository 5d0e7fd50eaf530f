#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What the run's private world adds to the start of an agent: the PID,
# mount and IPC namespaces and the mounts of the default policy, against a
# plain fork in the same rounds (bench/world_bench.c); then the whole
# `sevorix run -- /bin/true` with the default policy and with a policy
# that asks for no mounts, for scale. Prints figures, never passes or
# fails. Needs root. Run by bench/run.sh (make bench).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
[ "$(id -u)" = 0 ] || { echo "world_bench: needs root" >&2; exit 1; }
cd "$top" || exit 1
"$BUILD/bench/world_bench" -p policies/default.yaml -r "${ROUNDS:-100}"
echo
tmp=$(mktemp -d /tmp/sevorix-worldbench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
printf 'version: 1\nnetwork: {default: allow}\n' >"$tmp/none.yaml"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
start() { # start POLICY: ms of one sevorix run -- /bin/true
	local t0 t1
	t0=$(date +%s%N)
	(cd "$tmp" && "$BUILD/sevorix" run --policy "$1" --user nobody --events /dev/null -- /bin/true \
		2>/dev/null)
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
}
d=() n=()
for _ in $(seq "${N:-20}"); do
	d+=("$(start "$top/policies/default.yaml")")
	n+=("$(start "$tmp/none.yaml")")
done
echo "== sevorix run -- /bin/true, ${N:-20} rounds interleaved, medians"
printf '%-46s %8s us\n' "default policy (read-only tree, masks, /tmp)" "$(printf '%s\n' "${d[@]}" | median)"
printf '%-46s %8s us\n' "network rules only (no files: no mounts)" "$(printf '%s\n' "${n[@]}" | median)"

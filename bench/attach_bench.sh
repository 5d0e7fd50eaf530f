#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Containers and running agents (part of make bench): the time from
# `sevorix attach` to enforcement, and an exec held by `sevorix oci-agent`
# in a runc container against the same exec held by `sevorix run`.
# Medians; never pass or fail. Needs root, runc and busybox-static.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
N=${N:-200}
command -v runc >/dev/null && [ -x /bin/busybox ] || { echo "attach bench: needs runc and busybox"; exit 0; }
tmp=$(mktemp -d /tmp/sevorix-attachbench.XXXXXX)
chmod 755 "$tmp"
mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
cg="$mnt/sevorix-bench-$$"
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rmdir "$cg" 2>/dev/null; rm -rf "$tmp"' EXIT
printf 'version: 1\nnetwork:\n  default: allow\n  rules:\n    - {action: deny, cidr: 127.0.0.2/32}\nexec:\n  default: allow\n' \
	>"$tmp/policy.yaml"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== sevorix attach: from the command to enforcement (5 runs)"
mkdir "$cg"
sleep 600 &
pids="$pids $!"
echo $! >"$cg/cgroup.procs"
for _ in 1 2 3 4 5; do
	t0=$(date +%s%N)
	id=$("$sevorix" attach --cgroup "$cg" --policy "$tmp/policy.yaml" | sed -n 's/^attached \([0-9a-f]*\) .*/\1/p')
	echo $((($(date +%s%N) - t0) / 1000000))
	"$sevorix" detach "$id" >/dev/null
done | median | xargs printf 'attach, median: %s ms (the programs hold when the command returns)\n'

echo "== an exec held in a runc container vs under sevorix run (N=$N, p50/p99 us)"
R="$tmp/bundle/rootfs"
mkdir -p "$R/bin"
cp /bin/busybox "$R/bin/" && ln -s busybox "$R/bin/true" && ln -s busybox "$R/bin/sh"
cp "$BUILD/bench/hold_bench" "$R/bin/"
for l in $(ldd "$BUILD/bench/hold_bench" | grep -o '/[^ ]*'); do
	mkdir -p "$R$(dirname "$l")" && cp -L "$l" "$R$l"
done
(cd "$tmp/bundle" && runc spec)
python3 - "$tmp/bundle/config.json" "$N" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/hold_bench", "exec", sys.argv[2], "/bin/busybox", "true"]
json.dump(c, open(sys.argv[1], "w"))
PY
"$sevorix" oci-config --socket "$tmp/agent.sock" --policy "$tmp/policy.yaml" --merge "$tmp/bundle/config.json"
"$sevorix" oci-agent --socket "$tmp/agent.sock" --policy "$tmp/policy.yaml" --log-dir "$tmp" 2>/dev/null &
pids="$pids $!"
for _ in $(seq 100); do [ -S "$tmp/agent.sock" ] && break; sleep 0.05; done
read -r c50 c99 < <(runc run -b "$tmp/bundle" "sevorix-bench-$$" 2>/dev/null)
cp "$BUILD/bench/hold_bench" "$tmp/"
read -r r50 r99 < <(cd "$tmp" && "$sevorix" run --policy "$tmp/policy.yaml" --user nobody \
	--events /dev/null -- ./hold_bench exec "$N" /bin/busybox true)
printf 'exec under sevorix run:        p50 %8.1f  p99 %8.1f\n' "$r50" "$r99"
printf 'exec in a container (agent):   p50 %8.1f  p99 %8.1f\n' "$c50" "$c99"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Where the added cost of open+close inside `sevorix run` goes (part of
# make bench). bench/open_bench times open+close of a workspace file and
# of a deep /usr/lib file (CPU time of the thread, median of 9 batches),
# as uid 65534, in these cases, interleaved round by round (medians of
# ROUNDS):
#   bare                    no run of this script is live
#   bare, a run live        the same while a run (agent: sleep) is live:
#                           its observer runs at every system call exit
#                           of every process of the machine
#   run, no files/exec      `sevorix run` of a policy without the files
#                           and exec sections: the seccomp hardening
#                           filter, the observer, the namespaces, no
#                           Landlock file rules
#   run, files, no exec     the default policy without its exec section:
#                           + Landlock's files layer and the read-only
#                           mounts of the private world
#   run, default            the default policy: + the exec layer, the
#                           exec hold's seccomp filter, the exec checks
#   run, /usr writable      the default with write on /usr: Landlock's
#                           walk stops at the /usr rule (a diagnosis)
# and, with SEVORIX_OTHER=PATH (another build of sevorix, e.g. main's),
# "other, default": the default policy under that build, in the same
# rounds. Prints ns and ratios against bare; never passes or fails.
# Then bench/bpf_runtime: the observer's run time per system call exit
# in the default run (the kernel's statistics, on only while it runs).
# Needs root. Knobs: ROUNDS (7), N (20000), SEVORIX_OTHER.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
ROUNDS=${ROUNDS:-7}
N=${N:-20000}
OTHER=${SEVORIX_OTHER:-}
[ "$(id -u)" = 0 ] || { echo "open split: needs root" >&2; exit 1; }
for b in walltime open_bench bpf_runtime; do
	[ -x "$BUILD/bench/$b" ] || { echo "open split: build $BUILD/bench/$b first (make bench)"; exit 0; }
done
# /var/tmp, not /tmp: a run gives the agent a /tmp of its own
tmp=$(mktemp -d /var/tmp/sevorix-opensplit.XXXXXX)
chmod 755 "$tmp"
bin=$tmp/bin ws=$tmp/w
mkdir -p "$bin" "$ws"
cp "$BUILD"/bench/{walltime,open_bench} "$bin/"
echo data >"$ws/file.txt"
chown -R 65534:65534 "$ws"
keeper=""
trap '[ -n "$keeper" ] && kill $keeper 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
# the policies: the default plus read+exec of the timers; the same without
# the exec section, without files and exec, and with /usr writable
awk -v b="$bin" '{print} /^files:/ {f=1} f && /^  rules:/ {
	print "    - {action: allow, path: " b ", access: [read, exec]}"; f=0}' \
	"$top/policies/default.yaml" >"$tmp/default.yaml"
drop() { awk -v s="$1" '/^[a-z]/ {skip = ($1 ~ "^(" s "):$")} !skip' "$tmp/default.yaml"; }
drop exec >"$tmp/noexec.yaml"
drop 'files|exec' >"$tmp/nofiles.yaml"
sed 's|path: /usr, access: \[read, exec\]|path: /usr, access: [read, write, exec]|' \
	"$tmp/default.yaml" >"$tmp/usrw.yaml"
files=("$ws/file.txt" /usr/lib/x86_64-linux-gnu/libc.so.6)
bare() { "$bin/walltime" -o -u 65534 -- "$bin/open_bench" "$N" "${files[@]}"; }
sx() { # sx SEVORIX POLICY: open_bench in a run
	(cd "$ws" && "$1" run --policy "$tmp/$2.yaml" --user nobody --events /dev/null -- \
		"$bin/open_bench" "$N" "${files[@]}" 2>/dev/null)
}
declare -A T # T[case.file] = ns, one per round
add() { # add CASE "WS LIB"
	local a b
	read -r a b <<<"$2"
	T[$1.ws]+=" $a" T[$1.lib]+=" $b"
}
cases=(bare live nofiles noexec default usrw)
[ -n "$OTHER" ] && cases+=(other)

echo "== open+close: where the added cost goes, N=$N, $ROUNDS rounds interleaved, medians"
echo "   (load: $(cut -d' ' -f1-3 /proc/loadavg); sevorix_sys_exit programs of other runs live:" \
	"$(bpftool prog show 2>/dev/null | grep -c "name sevorix_sys_exi"))"
for r in $(seq "$ROUNDS"); do
	add bare "$(bare)"
	"$sevorix" run --policy "$tmp/nofiles.yaml" --user nobody --events /dev/null -- \
		sh -c "touch $ws/live; exec sleep 600" 2>/dev/null &
	keeper=$!
	for _ in $(seq 100); do [ -e "$ws/live" ] && break; sleep 0.05; done
	add live "$(bare)"
	kill "$keeper"
	wait "$keeper" 2>/dev/null
	keeper="" && rm -f "$ws/live"
	for c in nofiles noexec default usrw; do add "$c" "$(sx "$sevorix" $c)"; done
	[ -n "$OTHER" ] && add other "$(sx "$OTHER" default)"
done
median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A label=([bare]="bare" [live]="bare, a run live (observer)"
	[nofiles]="run, no files/exec sections" [noexec]="run, files, no exec section"
	[default]="run, default policy" [usrw]="run, default, /usr writable"
	[other]="run, default, SEVORIX_OTHER")
printf '%-32s %22s %22s\n' case "workspace file" "/usr/lib file"
for c in "${cases[@]}"; do
	line=$(printf '%-32s' "${label[$c]}")
	for f in ws lib; do
		v=$(median <<<"${T[$c.$f]:-}") b=$(median <<<"${T[bare.$f]:-}")
		line+=$(awk -v v="$v" -v b="$b" 'BEGIN {if (v == "" || b == "") printf " %22s", "-";
			else printf " %8d ns %+5d %5.2fx", v, v - b, v / b}')
	done
	echo "$line"
done
echo
echo "== the observer's own run time in the default run (bench/bpf_runtime)"
(cd "$ws" && "$BUILD/bench/bpf_runtime" -- "$sevorix" run --policy "$tmp/default.yaml" \
	--user nobody --events /dev/null -- sh -c "$bin/open_bench $N ${files[*]} >/dev/null; sleep 0.3" \
	2>/dev/null) | awk 'NR == 1 || /sys_exi/'

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Where a command's and a run's start go (part of make bench). Never
# passes or fails on a time. Needs root (the run), strace for the profile.
#
# 1. The start of any `sevorix` command (`sevorix --version`: the dynamic
#    loader and main()), against /bin/true and against the same binary
#    with libcurl preloaded (LD_PRELOAD=libcurl.so.4: libcurl and every
#    library it pulls in mapped before main(), as when the binary was
#    linked with -lcurl). Rounds interleaved, medians of ROUNDS.
# 2. `sevorix run --policy default.yaml -- /bin/true`: its CPU (user+sys,
#    medians of ROUNDS) and wall time, against bubblewrap's start of the
#    same /bin/true in the same rounds.
#    `sevorix attach` of the same policy to a cgroup this script made
#    (one sleep(1) in it), then detached, each round.
#    THEN=/path/to/another/sevorix: that build's run and attach too, in the
#    same rounds, and each figure of this build as a ratio of that one's
#    (before/after a change, on the same machine in the same minutes).
# 3. A profile of one such run and of one attach under strace: each
#    BPF_PROG_LOAD (the kernel verifying a program) by program, the
#    Landlock rules added (also with a denied binary that exists, which
#    Landlock carves out of /usr/bin entry by entry), and their share of
#    the command's wall time under strace (strace slows every call: read the shares, not the
#    absolute times).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
ROUNDS=${ROUNDS:-15}
POLICY=${POLICY:-$top/policies/default.yaml}
[ "$(id -u)" = 0 ] || { echo "start bench: needs root" >&2; exit 1; }
[ -x "$BUILD/bench/walltime" ] || { echo "start bench: build $BUILD/bench/walltime first (make bench)"; exit 0; }
wt=$BUILD/bench/walltime
curl=$(ldconfig -p | awk '$1 == "libcurl.so.4" {print $NF; exit}')
tmp=$(mktemp -d /var/tmp/sevorix-startbench.XXXXXX)
chmod 755 "$tmp"
mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
cg="$mnt/sevorix-startbench-$$"
mkdir "$cg"
sleep 3600 &
keeper=$! att=""
echo "$keeper" >"$cg/cgroup.procs"
trap 'kill $keeper 2>/dev/null; wait 2>/dev/null; [ -n "$att" ] && "$sevorix" detach "$att" >/dev/null;
	rmdir "$cg" 2>/dev/null; rm -rf "$tmp"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b == 0) print "-"; else printf "%.2fx", a / b}'; }
ms() { awk -v u="$1" 'BEGIN {if (u == "") print "-"; else printf "%.1f ms", u / 1000}'; }
declare -A T
add() { T[$1]+=" $2"; }
med() { tr ' ' '\n' <<<"${T[$1]:-}" | grep -E '^[0-9.]+$' | median; }
run() { "$sevorix" run --policy "$POLICY" --user nobody --events /dev/null -- /bin/true 2>/dev/null; }

echo "== start of a command and of a run, $ROUNDS rounds interleaved, medians"
for _ in $(seq "$ROUNDS"); do
	add bare "$("$wt" -- env /bin/true)"
	add now "$("$wt" -- env "$sevorix" --version)"
	[ -n "$curl" ] && add curl "$("$wt" -- env LD_PRELOAD="$curl" "$sevorix" --version)"
	# CPU of the whole run: user and sys of its process tree, in microseconds
	read -r cu cs < <( { /usr/bin/time -f '%U %S' "$sevorix" run --policy "$POLICY" \
		--user nobody --events /dev/null -- /bin/true 2>&1 >/dev/null; } | tail -1 |
		awk '{printf "%d %d\n", $1 * 1e6, $2 * 1e6}')
	add cpu $((cu + cs))
	add user "$cu"
	add run "$(cd "$tmp" && "$wt" -- "$sevorix" run --policy "$POLICY" --user nobody \
		--events /dev/null -- /bin/true)"
	command -v bwrap >/dev/null && add bwrap "$("$wt" -- bwrap --dev-bind / / /bin/true)"
	out=$("$wt" -o -- "$sevorix" attach --cgroup "$cg" --policy "$POLICY" 2>/dev/null)
	att=$(sed -n 's/^attached \([0-9a-f]*\) .*/\1/p' <<<"$out")
	add attach "$(tail -1 <<<"$out")"
	[ -n "$att" ] && "$sevorix" detach "$att" >/dev/null
	att=""
	[ -n "${THEN:-}" ] || continue
	add run_then "$(cd "$tmp" && "$wt" -- "$THEN" run --policy "$POLICY" --user nobody \
		--events /dev/null -- /bin/true)"
	out=$("$wt" -o -- "$THEN" attach --cgroup "$cg" --policy "$POLICY" 2>/dev/null)
	att=$(sed -n 's/^attached \([0-9a-f]*\) .*/\1/p' <<<"$out")
	add attach_then "$(tail -1 <<<"$out")"
	[ -n "$att" ] && "$THEN" detach "$att" >/dev/null
	att=""
done
b=$(med bare) n=$(med now) c=$(med curl)
printf '%-52s %10s\n' "/bin/true (baseline)" "$(ms "$b")"
printf '%-52s %10s  %s of the baseline\n' "sevorix --version (libcurl opened on use)" "$(ms "$n")" "$(ratio "$n" "$b")"
printf '%-52s %10s  %s of the baseline, now/then %s\n' "sevorix --version, libcurl preloaded (as linked)" \
	"$(ms "$c")" "$(ratio "$c" "$b")" "$(ratio "$n" "$c")"
r=$(med run) x=$(med bwrap) u=$(med cpu)
printf '%-52s %10s  sevorix/bubblewrap %s\n' "sevorix run -- /bin/true, wall" "$(ms "$r")" "$(ratio "$r" "$x")"
printf '%-52s %10s  (user %s)\n' "  its CPU (user+sys, whole tree)" "$(ms "$u")" "$(ms "$(med user)")"
printf '%-52s %10s\n' "bwrap --dev-bind / / /bin/true, wall" "$(ms "$x")"
a=$(med attach)
printf '%-52s %10s  of the 50 ms goal %s\n' "sevorix attach (to a cgroup of one process), wall" "$(ms "$a")" \
	"$(ratio "$a" 50000)"
if [ -n "${THEN:-}" ]; then
	rt=$(med run_then) at=$(med attach_then)
	printf '%-52s %10s  now/then %s\n' "THEN's run -- /bin/true, wall" "$(ms "$rt")" "$(ratio "$r" "$rt")"
	printf '%-52s %10s  now/then %s\n' "THEN's attach, wall" "$(ms "$at")" "$(ratio "$a" "$at")"
fi

profile() { # profile TRACE: BPF_PROG_LOAD and Landlock shares of a traced command
	awk '
	NR == 1 || $1 < t0 {t0 = $1}
	$1 > t1 {t1 = $1}
	{d = $NF; gsub(/[<>]/, "", d)}
	/BPF_PROG_LOAD/ {
		n = "?"; if (match($0, /prog_name="[^"]*"/)) n = substr($0, RSTART + 11, RLENGTH - 12)
		if (n == "") n = "(libbpf probe)"
		load[n] += d; cnt[n]++; bpf += d; progs++
	}
	/landlock_add_rule\(/ {ll += d; rules++}
	END {
		w = t1 - t0
		printf "%-52s %8.1f ms\n", "whole command under strace", w * 1000
		printf "%-52s %8.1f ms  %4.0f%%  (%d loads)\n", "BPF_PROG_LOAD, all programs (summed over threads)", bpf * 1000, 100 * bpf / w, progs
		for (n in load) if (load[n] >= 0.001)
			printf "  %-50s %8.1f ms  %4.0f%%\n", n (cnt[n] > 1 ? " x" cnt[n] : ""), load[n] * 1000, 100 * load[n] / w
		printf "%-52s %8.1f ms  %4.0f%%  (%d rules)\n", "landlock_add_rule", ll * 1000, 100 * ll / w, rules
	}' "$1"
}
# one file per thread (-ff): the loads run on threads, and a call split
# over two lines by another thread's would lose its program's name
trace() {
	rm -f "$tmp"/trace.*
	strace -ff --seccomp-bpf -qq -ttt -T -o "$tmp/trace" -e trace=bpf,landlock_add_rule,execve,exit_group "$@"
	cat "$tmp"/trace.* >"$tmp/trace"
}

command -v strace >/dev/null || { echo "   (profile: strace is not installed)"; exit 0; }
echo
echo "== profile of one run under strace (shares of its wall time under strace)"
(cd "$tmp" && trace "$sevorix" run --policy "$POLICY" --user nobody --events /dev/null -- /bin/true \
	2>/dev/null)
profile "$tmp/trace"
# the same with a denied binary that exists in /usr/bin: Landlock carves it
# out of the exec grant by a rule for every other entry of /usr/bin
awk '{print} /^exec:/ {e=1} e && /^  rules:/ {print "    - {action: deny, path: /usr/bin/yes}"; e=0}' \
	"$POLICY" >"$tmp/carve.yaml"
(cd "$tmp" && trace "$sevorix" run --policy "$tmp/carve.yaml" --user nobody --events /dev/null \
	-- /bin/true 2>/dev/null)
echo "   with /usr/bin/yes denied too (it exists: carved out of the exec grant):"
profile "$tmp/trace" | tail -1
echo
echo "== profile of one attach under strace"
out=$(trace "$sevorix" attach --cgroup "$cg" --policy "$POLICY" 2>/dev/null)
att=$(sed -n 's/^attached \([0-9a-f]*\) .*/\1/p' <<<"$out")
profile "$tmp/trace"

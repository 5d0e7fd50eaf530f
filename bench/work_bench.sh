#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Real work (part of make bench): everyday workloads of a coding agent,
# bare against under `sevorix run` with the default policy, rounds
# interleaved, medians of ROUNDS, printed as ratios against the bare run
# of the same round. Never passes or fails on a time. Needs root.
#
# The machines these run on are shared with other builds: absolute times
# move with their load (2-4x), and the ratios of one run are what counts.
#
# Every workload is generated here (bench/work_gen.py), so nothing comes
# from the network: make -j2 of 40 and of 300 C files, npm install from a
# warm cache (packages from a registry stand-in on loopback, which is
# stopped before the timed runs), git status in a tree of 30,000 files,
# pytest of a small suite. Each runs as uid 65534 in a workspace of its
# own, bare and under `sevorix run --user nobody`; "whole" is the command
# `sevorix run -- CMD` from start to exit, "inside" the same CMD timed by
# bench/walltime inside that run (whole minus inside is the run's start
# and end). Then: `sevorix run -- /bin/true` against bubblewrap and bare;
# `sevorix attach` to a running tree; open+close and fork+exec inside a
# run against bare; and the start of a large binary (BIG_BYTES, default the
# 245 MB of an agent's native binary: a small ELF with a section of random
# bytes), first run after it changed and later runs, and Claude Code's own
# binary where `make agents` installed it.
#
# The policy is policies/default.yaml plus read+exec of this benchmark's
# own bin directory (its timers and the large binary live there, outside
# the workspace, root-owned). Knobs: ROUNDS, ONLY="make40 npm ..." (a
# subset: make40 make300 npm git pytest true attach micro big claude),
# CFILES (300), GITFILES (30000), BIG_BYTES, POLICY, RUN_ARGS (more options
# for `sevorix run`, e.g. a profile).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
sevorix=$BUILD/sevorix
ROUNDS=${ROUNDS:-5}
ONLY=${ONLY:-make40 make300 npm git pytest true attach micro big claude}
POLICY=${POLICY:-$top/policies/default.yaml}
RUN_ARGS=${RUN_ARGS:-}
AGENT=65534
[ "$(id -u)" = 0 ] || { echo "work bench: needs root" >&2; exit 1; }
for b in walltime open_bench hold_bench; do
	[ -x "$BUILD/bench/$b" ] || { echo "work bench: build $BUILD/bench/$b first (make bench)"; exit 0; }
done
# /var/tmp, not /tmp: a run may give the agent a /tmp of its own
tmp=$(mktemp -d /var/tmp/sevorix-workbench.XXXXXX)
chmod 755 "$tmp"
bin=$tmp/bin ws=$tmp/w
mkdir -p "$bin" "$ws"
cp "$BUILD"/bench/{walltime,open_bench,hold_bench} "$bin/"
chown "$AGENT:$AGENT" "$ws"
mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
cg="$mnt/sevorix-workbench-$$"
pids="" att=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; [ -n "$att" ] && "$sevorix" detach "$att" >/dev/null;
	rmdir "$cg" 2>/dev/null; rm -rf "$tmp"' EXIT
claude=$(ls /var/cache/sevorix/agents/claude-code-*/node_modules/@anthropic-ai/claude-code/bin/claude.exe \
	2>/dev/null | tail -1)
# the default policy, and read+exec of the timers, the large binary (and Claude Code's)
awk -v b="$bin" -v c="${claude%/*}" '{print} /^files:/ {f=1} f && /^  rules:/ {
	print "    - {action: allow, path: " b ", access: [read, exec]}"
	if (c != "") print "    - {action: allow, path: " c ", access: [read, exec]}"; f=0}' \
	"$POLICY" >"$tmp/policy.yaml"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
for t in npm:npm git:git pytest:/usr/bin/python3 true:bwrap; do
	command -v "${t#*:}" >/dev/null || { echo "   (${t%%:*}: ${t#*:} is not installed)"; }
done
command -v npm >/dev/null || ONLY=${ONLY/npm/}
command -v git >/dev/null || ONLY=${ONLY/git/}
/usr/bin/python3 -c 'import pytest' 2>/dev/null || ONLY=${ONLY/pytest/}
as_agent() { # as_agent DIR CMD...: untimed, as the agent user
	"$bin/walltime" -u $AGENT -C "$1" -- "${@:2}" >/dev/null
}
sx() { # sx CMD...: `sevorix run` of CMD with the benchmark's policy (cwd: the workspace)
	"$sevorix" run --policy "$tmp/policy.yaml" --user nobody --events /dev/null $RUN_ARGS -- "$@"
}
declare -A T # T[name.variant] = microseconds, one per round, space-separated

# one round of a workload: bare, and whole and inside from one run, in
# turns (odd rounds bare first, even rounds the run first, so that neither
# always meets the machine in the same state); PREP (a command, untimed,
# as the agent) runs before each, e.g. make clean
round() { # round NAME DIR PREP CMD...
	local name=$1 dir=$2 prep=$3 out
	shift 3
	if [ $((r % 2)) = 1 ]; then
		as_agent "$dir" sh -c "$prep"
		T[$name.bare]+=" $("$bin/walltime" -u $AGENT -C "$dir" -- "$@")"
	fi
	as_agent "$dir" sh -c "$prep"
	out=$(cd "$dir" && "$bin/walltime" -o -- "$sevorix" run --policy "$tmp/policy.yaml" \
		--user nobody --events /dev/null $RUN_ARGS -- "$bin/walltime" -- "$@")
	T[$name.inside]+=" $(sed -n 1p <<<"$out")"
	T[$name.whole]+=" $(sed -n 2p <<<"$out")"
	if [ $((r % 2)) = 0 ]; then
		as_agent "$dir" sh -c "$prep"
		T[$name.bare]+=" $("$bin/walltime" -u $AGENT -C "$dir" -- "$@")"
	fi
}
med() { tr ' ' '\n' <<<"${T[$1]:-}" | grep -E '^[0-9.]+$' | median; }
ms() { awk -v u="$1" 'BEGIN {printf "%.1f ms", u / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b == 0) print "-"; else printf "%.2fx", a / b}'; }
row() { # row NAME LABEL
	local b w i
	b=$(med "$1.bare") w=$(med "$1.whole") i=$(med "$1.inside")
	[ -n "$b" ] || { printf '%-34s failed (see above)\n' "$2"; return; }
	printf '%-34s %11s %11s %7s %11s %7s\n' "$2" "$(ms "$b")" "$(ms "$w")" "$(ratio "$w" "$b")" \
		"$(ms "$i")" "$(ratio "$i" "$b")"
}

echo "== real work: bare vs sevorix run (default policy), $ROUNDS rounds interleaved, medians"
echo "   (generating the workloads)"
if want make40; then
	python3 "$top/bench/work_gen.py" cproj "$ws/c40" 40
fi
if want make300; then
	python3 "$top/bench/work_gen.py" cproj "$ws/c300" "${CFILES:-300}"
fi
if want git; then
	python3 "$top/bench/work_gen.py" gittree "$ws/git" "${GITFILES:-30000}"
fi
if want pytest; then
	python3 "$top/bench/work_gen.py" pytests "$ws/py" 40
fi
if want micro; then
	mkdir -p "$ws/micro" && echo data >"$ws/micro/file.txt"
fi
chown -R "$AGENT:$AGENT" "$ws"
if want git; then
	as_agent "$ws/git" git init -q . &&
		as_agent "$ws/git" git add -A &&
		as_agent "$ws/git" git -c user.name=b -c user.email=b@example.org commit -qm tree ||
		echo "work bench: git tree not created"
fi
if want npm; then
	P=$((30000 + $$ % 20000))
	mkdir -p "$ws/npm" "$tmp/registry"
	deps=$(python3 "$top/bench/work_gen.py" registry "$tmp/registry" 60 "http://127.0.0.1:$P")
	printf '{"name": "app", "version": "1.0.0", "private": true, "dependencies": {%s}}\n' \
		"$(printf '"%s": "^1.0.0", ' $deps | sed 's/, $//')" >"$ws/npm/package.json"
	chown -R "$AGENT:$AGENT" "$ws/npm"
	(cd "$tmp/registry" && exec python3 -m http.server -b 127.0.0.1 "$P" >/dev/null 2>&1) &
	srv=$!
	for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$P) 2>/dev/null && break; sleep 0.1; done
	NPM=(npm install --prefer-offline --no-audit --no-fund --no-update-notifier
		--cache "$ws/npm/.npm-cache" --registry "http://127.0.0.1:$P")
	as_agent "$ws/npm" "${NPM[@]}" || echo "work bench: npm warm-up failed"
	kill $srv
	wait $srv 2>/dev/null
fi
if want big; then
	printf '#include <stdio.h>\nint main(void)\n{\n\tputs("big 1.0");\n\treturn 0;\n}\n' >"$tmp/big.c"
	gcc -O2 -o "$tmp/small" "$tmp/big.c"
	head -c "$((${BIG_BYTES:-245517367} - $(stat -c %s "$tmp/small")))" /dev/urandom >"$tmp/pad"
	objcopy --add-section .sevorix_pad="$tmp/pad" --set-section-flags .sevorix_pad=noload,readonly \
		"$tmp/small" "$bin/big"
	rm -f "$tmp/pad"
fi
if want attach; then
	mkdir "$cg"
	sleep 3600 &
	pids="$pids $!"
	echo $! >"$cg/cgroup.procs"
fi

for r in $(seq "$ROUNDS"); do
	echo "   round $r/$ROUNDS"
	want make40 && round make40 "$ws/c40" "make -s clean" make -j2 -s prog
	want make300 && round make300 "$ws/c300" "make -s clean" make -j2 -s prog
	want npm && round npm "$ws/npm" "rm -rf node_modules" "${NPM[@]}"
	want git && round git "$ws/git" : git status --porcelain
	want pytest && round pytest "$ws/py" : /usr/bin/python3 -m pytest -q -p no:cacheprovider
	if want true; then
		T[true.bare]+=" $("$bin/walltime" -u $AGENT -- /bin/true)"
		T[true.whole]+=" $(cd "$ws" && "$bin/walltime" -- "$sevorix" run --policy "$tmp/policy.yaml" \
			--user nobody --events /dev/null $RUN_ARGS -- /bin/true)"
		command -v bwrap >/dev/null &&
			T[true.bwrap]+=" $("$bin/walltime" -- bwrap --dev-bind / / /bin/true)"
	fi
	if want attach; then
		out=$("$bin/walltime" -o -- "$sevorix" attach --cgroup "$cg" --policy "$tmp/policy.yaml")
		att=$(sed -n 's/^attached \([0-9a-f]*\) .*/\1/p' <<<"$out")
		T[attach.whole]+=" $(tail -1 <<<"$out")"
		[ -n "$att" ] && "$sevorix" detach "$att" >/dev/null
		att=""
	fi
	if want micro; then
		files=("$ws/micro/file.txt" /usr/lib/x86_64-linux-gnu/libc.so.6)
		read -r a b < <("$bin/walltime" -o -u $AGENT -- "$bin/open_bench" 20000 "${files[@]}")
		T[openws.bare]+=" $a" T[openlib.bare]+=" $b"
		read -r a b < <(cd "$ws/micro" && sx "$bin/open_bench" 20000 "${files[@]}")
		T[openws.inside]+=" $a" T[openlib.inside]+=" $b"
		read -r a _ < <("$bin/walltime" -o -u $AGENT -- "$bin/hold_bench" exec 200 /bin/true)
		T[exec.bare]+=" $a"
		read -r a _ < <(cd "$ws/micro" && sx "$bin/hold_bench" exec 200 /bin/true)
		T[exec.inside]+=" $a"
	fi
	if want big; then
		touch "$bin/big" # changed: the next run is a first run for any cache of it
		T[big.bare]+=" $("$bin/walltime" -u $AGENT -- "$bin/big")"
		T[big.first]+=" $(cd "$ws" && "$bin/walltime" -- "$sevorix" run --policy "$tmp/policy.yaml" \
			--user nobody --events /dev/null $RUN_ARGS -- "$bin/big")"
		T[big.later]+=" $(cd "$ws" && "$bin/walltime" -- "$sevorix" run --policy "$tmp/policy.yaml" \
			--user nobody --events /dev/null $RUN_ARGS -- "$bin/big")"
	fi
	if want claude && [ -n "$claude" ]; then
		T[claude.bare]+=" $("$bin/walltime" -u $AGENT -C "$ws" -- "$claude" --version)"
		T[claude.whole]+=" $(cd "$ws" && "$bin/walltime" -- "$sevorix" run --policy \
			"$tmp/policy.yaml" --user nobody --events /dev/null $RUN_ARGS -- "$claude" --version)"
	fi
done

echo
printf '%-34s %11s %11s %7s %11s %7s\n' "workload" "bare" "whole" "ratio" "inside" "ratio"
want make40 && row make40 "make -j2, 40 C files"
want make300 && row make300 "make -j2, ${CFILES:-300} C files"
want npm && row npm "npm install, warm cache (60 pkgs)"
want git && row git "git status, ${GITFILES:-30000} files"
want pytest && row pytest "pytest, 40 files, 360 tests"
if want true; then
	b=$(med true.bare) w=$(med true.whole) x=$(med true.bwrap)
	printf '%-34s %11s %11s %7s   bubblewrap %s (%s of bare), sevorix/bubblewrap %s\n' \
		"/bin/true" "$(ms "$b")" "$(ms "$w")" "$(ratio "$w" "$b")" "$(ms "$x")" \
		"$(ratio "$x" "$b")" "$(ratio "$w" "$x")"
fi
want attach && printf '%-34s %11s\n' "sevorix attach (to enforcement)" "$(ms "$(med attach.whole)")"
if want micro; then
	for m in openws:"open+close, workspace file" openlib:"open+close, /usr/lib file"; do
		b=$(med "${m%%:*}.bare") i=$(med "${m%%:*}.inside")
		printf '%-34s %8s ns %23s ns %7s\n' "${m#*:}" "$b" "$i" "$(ratio "$i" "$b")"
	done
	b=$(med exec.bare) i=$(med exec.inside)
	printf '%-34s %8s us %23s us %7s\n' "fork+exec /bin/true (p50 of 200)" "$b" "$i" "$(ratio "$i" "$b")"
fi
if want big; then
	b=$(med big.bare) f=$(med big.first) l=$(med big.later) t=$(med true.whole)
	printf '%-34s %11s %11s first, %s later; added: +%s / +%s' \
		"start of a $(($(stat -c %s "$bin/big") / 1000000)) MB binary" "$(ms "$b")" "$(ms "$f")" \
		"$(ms "$l")" "$(ms $((f - b)))" "$(ms $((l - b)))"
	[ -n "$t" ] && printf ' (over sevorix run -- /bin/true: +%s / +%s)' "$(ms $((f - t)))" \
		"$(ms $((l - t)))"
	echo
fi
if want claude && [ -n "$claude" ]; then
	b=$(med claude.bare) w=$(med claude.whole)
	printf '%-34s %11s %11s  added +%s\n' "claude --version ($(($(stat -c %s "$claude") / 1000000)) MB)" \
		"$(ms "$b")" "$(ms "$w")" "$(ms $((w - b)))"
fi

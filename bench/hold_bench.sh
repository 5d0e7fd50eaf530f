#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Held calls (part of make bench): the added latency of an exec and a
# connect held for the built-in jury, against the same call not held, and
# the cost of the trap itself for calls that are not reviewed; then the
# same held calls with a cloud judge that is down (breaker open) against
# local only. p50/p99 in microseconds, as an agent measures them.
# PATHS_ONLY=1 runs only the second half (one exec in each path);
# BASE=/path/to/another/sevorix adds its trapped rows to that half,
# interleaved round by round (before/after a change, same script).
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

held_calls() {
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
}
[ "${PATHS_ONLY:-0}" = 1 ] || held_calls

# What one exec costs in each path: fork+exec+wait of a program, p50/p99
# as the agent measures it, and the CPU time the hold's threads spent per
# exec (their schedstat, read while the agent sleeps after its loop).
# The common path is a policy with deny, review and argv rules (like the
# default one) and a program whose size is no denied one's: no hash.
cp /usr/bin/true "$tmp/denied" && truncate -s 1M "$tmp/denied" && printf x >>"$tmp/denied"
cp /usr/bin/true "$tmp/same" && truncate -s "$(stat -c %s "$tmp/denied")" "$tmp/same"
chmod 755 "$tmp/denied" "$tmp/same"
printf 'version: 1\nexec:\n  default: allow\n  rules:\n    - {action: deny, path: %s}\n    - {action: deny, path: /usr/bin/socat}\n    - {action: review, path: /usr/bin/sudo}\n    - {action: review, argv: "rm -rf /*"}\n' \
	"$tmp/denied" >"$tmp/rules.yaml"
export SEVORIX_EXEC_HASHES=$tmp/store/exec-hashes
mkdir -p -m 700 "$tmp/store"
hold_cpu_ns() { # hold_cpu_ns SUPERVISOR_PID: CPU time of its answering and hashing threads
	local t sum=0
	for t in /proc/"$1"/task/*; do
		case $(cat "$t/comm" 2>/dev/null) in sx-hold | sx-hash)
			sum=$((sum + $(cut -d' ' -f1 "$t/schedstat"))) ;;
		esac
	done
	echo "$sum"
}
path() { # path POLICY PROG [SEVORIX]: "p50 p99 hold_cpu_us_per_exec"
	local pol=$1 prog=$2 sx=${3:-$sevorix} out sup cpu
	out=$tmp/path.out
	(cd "$tmp" && exec "$sx" run --policy "$tmp/$pol.yaml" --user nobody --events /dev/null \
		--jury "unix://$tmp/local/slm.sock" -- sh -c "./hold_bench exec $N $prog; sleep 1") >"$out" &
	sup=$!
	for _ in $(seq 200); do [ -s "$out" ] && break; sleep 0.05; done
	cpu=$(hold_cpu_ns "$sup")
	wait "$sup"
	awk -v c="$cpu" -v n="$N" '{ printf "%s %s %.1f\n", $1, $2, c / n / 1000 }' "$out"
}
ROUNDS=${ROUNDS:-7}
# bare runs in a cgroup of its own too: on a loaded machine a run's fresh
# cgroup gets a CPU share of its own, which would flatter the run
cg=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)/sevorix-holdbench.$$
mkdir -p "$cg"
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; rmdir "$cg" 2>/dev/null; rm -rf "$tmp"' EXIT
echo
echo "== one exec in each path: $ROUNDS rounds of N=$N interleaved, medians of the rounds' p50/p99;"
echo "   the hold's CPU per exec (its threads' schedstat)"
declare -A P50 P99 CPU
base_rows() { # the same trapped paths under BASE
	read -r a b c < <(path rules /usr/bin/true "$BASE")
	P50[brules]+=" $a" P99[brules]+=" $b" CPU[brules]+=" $c"
	read -r a b c < <(path rules "$tmp/same" "$BASE")
	P50[bsame]+=" $a" P99[bsame]+=" $b" CPU[bsame]+=" $c"
}
for i in $(seq "$ROUNDS"); do
	# BASE takes turns at going first
	[ -n "${BASE:-}" ] && [ $((i % 2)) = 0 ] && base_rows
	read -r a b < <(cd "$tmp" && echo $BASHPID >"$cg/cgroup.procs" &&
		exec setpriv --reuid 65534 --regid 65534 --clear-groups ./hold_bench exec "$N" /usr/bin/true)
	P50[bare]+=" $a" P99[bare]+=" $b"
	read -r a b < <(run plain local exec "$N" /usr/bin/true)
	P50[plain]+=" $a" P99[plain]+=" $b"
	read -r a b c < <(path rules /usr/bin/true)
	P50[rules]+=" $a" P99[rules]+=" $b" CPU[rules]+=" $c"
	read -r a b c < <(path rules "$tmp/same")
	P50[same]+=" $a" P99[same]+=" $b" CPU[same]+=" $c"
	[ -n "${BASE:-}" ] && [ $((i % 2)) = 1 ] && base_rows
done
med() { tr ' ' '\n' <<<"$1" | grep -E '^[0-9.]+$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
b50=$(med "${P50[bare]}") b99=$(med "${P99[bare]}")
row "bare (no run)" "$b50" "$b99" "$b50" "$b99"
row "in a run, not trapped (no exec section)" "$b50" "$b99" "$(med "${P50[plain]}")" "$(med "${P99[plain]}")"
row "trapped, no hash (the common path)" "$b50" "$b99" "$(med "${P50[rules]}")" "$(med "${P99[rules]}")"
row "trapped, a denied program's size (hashed)" "$b50" "$b99" "$(med "${P50[same]}")" "$(med "${P99[same]}")"
awk -v b="$b50" -v p="$(med "${P50[plain]}")" -v r="$(med "${P50[rules]}")" \
	-v rc="$(med "${CPU[rules]}")" -v sc="$(med "${CPU[same]}")" 'BEGIN {
	printf "p50 against bare: %.2fx not trapped, %.2fx trapped; hold CPU per exec: %s us common, %s us hashed (cached)\n",
		p / b, r / b, rc, sc }'
if [ -n "${BASE:-}" ]; then
	echo "BASE=$BASE, the same rounds:"
	row "BASE: trapped, no hash (the common path)" "$b50" "$b99" "$(med "${P50[brules]}")" "$(med "${P99[brules]}")"
	row "BASE: trapped, a denied program's size" "$b50" "$b99" "$(med "${P50[bsame]}")" "$(med "${P99[bsame]}")"
	awk -v b="$b50" -v r="$(med "${P50[brules]}")" -v n="$(med "${P50[rules]}")" \
		-v rc="$(med "${CPU[brules]}")" -v nc="$(med "${CPU[rules]}")" 'BEGIN {
		printf "BASE p50 against bare: %.2fx trapped; hold CPU per exec: %s us common (this build: %s us, %.2fx)\n",
			r / b, rc, nc, nc / rc }'
fi

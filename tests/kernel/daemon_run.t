#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# sevorix policy apply for a running `sevorix run`: a policy with errors is
# refused with file:line:col and the running one still enforces; a good
# one changes the kernel maps at once (a loop of connects to a newly
# denied address never gets through once apply has returned), the run's
# supervisor takes its new review rules into the hold (a held exec goes
# to the jury), and the rows that need a restart of the agent are listed.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
scratch

B="$SX_TMP/bin" W="$SX_TMP/w" J="$SX_TMP/jury"
mkdir -p "$B" "$J" && mkdir -m 777 "$W"
cp "$BUILD/tests/kernel/net_agent" "$B/"
P=$(free_port)
python3 "$(dirname "$0")/servers.py" 127.0.0.2:$P 127.0.0.3:$P >"$SX_TMP/srv.out" &
started $!
printf 'cache: {size: 0}\njurors:\n  - {kind: rulebook}\n' >"$J/jury.yaml"
"$SEVORIX" jury serve --socket "$J/run/slm.sock" --config "$J/jury.yaml" >"$J/log" 2>&1 &
started $!
for _ in $(seq 100); do [ -S "$J/run/slm.sock" ] && grep -q ready "$SX_TMP/srv.out" && break; sleep 0.05; done

cat >"$SX_TMP/p1.yaml" <<EOF
version: 1
network:
  default: allow
  rules:
    - {action: deny, cidr: 127.0.0.2/32}
exec:
  default: allow
  rules:
    - {action: deny, argv: "touch *forbidden*"}
EOF
cat >"$SX_TMP/p2.yaml" <<EOF
version: 1
network:
  default: allow
  rules:
    - {action: deny, cidr: 127.0.0.3/32}
files:
  default: allow
  rules:
    - {action: deny, path: /etc/shadow}
exec:
  default: allow
  rules:
    - {action: deny, argv: "touch *forbidden*"}
    - {action: review, argv: "touch *reviewed*"}
review: {deadline_ms: 2000}
EOF
printf 'version: 1\nnetwork:\n  default: allow\n  rules:\n    - {action: sometimes, cidr: 127.0.0.3/32}\n' \
	>"$SX_TMP/bad.yaml"

# the agent: connects and touches whenever asked; in loop mode it connects
# to 127.0.0.3 until told to stop and says which connects got through
# after the marker "applied" existed before they started
cat >"$W/agent.sh" <<EOF
#!/bin/bash
while [ ! -e $W/stop ]; do
	if [ -e $W/go ]; then
		rm -f $W/go
		$B/net_agent connect \$(cat $W/addr) $P >$W/out.tmp
		touch "$W/\$(cat $W/name)" 2>/dev/null
		echo "t=\$?" >>$W/out.tmp
		mv $W/out.tmp $W/out
	elif [ -e $W/stress ]; then
		rm -f $W/stress
		$B/net_agent loop 127.0.1.5 $P 300000 >$W/stress.tmp
		mv $W/stress.tmp $W/stress.out
	elif [ -e $W/loop ]; then
		after=0; [ -e $W/applied ] && after=1
		r=\$($B/net_agent connect 127.0.0.3 $P)
		echo "\$after \$r" >>$W/loop.out
	else
		sleep 0.02
	fi
done
EOF
chmod 755 "$W/agent.sh"
cd "$W" || exit 1
EV="$SX_TMP/ev.jsonl"
"$SEVORIX" run --policy "$SX_TMP/p1.yaml" --user nobody --events "$EV" \
	--jury "unix://$J/run/slm.sock" -- "$W/agent.sh" 2>"$SX_TMP/run.err" &
RUN=$!
started $RUN
ask() { # ask ADDR NAME: one connect and one touch of $W/NAME
	rm -f "$W/out"
	echo "$1" >"$W/addr"
	echo "$2" >"$W/name"
	touch "$W/go"
	for _ in $(seq 200); do [ -e "$W/out" ] && break; sleep 0.02; done
	tr '\n' ' ' <"$W/out"
}
ID=""
for _ in $(seq 100); do
	ID=$("$SEVORIX" ps 2>/dev/null | awk -v c="$W/agent.sh" '$0 ~ c && / running / {print $1}' | head -1)
	[ -n "$ID" ] && break
	sleep 0.05
done

plan 14

like "$(ask 127.0.0.2 forbidden.1)" "^EPERM t=1" "before apply: the denied address and argv are refused"
out=$("$SEVORIX" policy apply "$ID" "$SX_TMP/bad.yaml" 2>&1)
is "$?" 1 "a policy with errors is refused"
like "$out" "bad.yaml:5:[0-9]+: " "with file:line:col"
like "$(ask 127.0.0.2 x1)" "^EPERM t=0" "and the running one still denies"

touch "$W/loop"
for _ in $(seq 100); do [ -s "$W/loop.out" ] && break; sleep 0.02; done
"$SEVORIX" policy apply "$ID" "$SX_TMP/p2.yaml" >"$SX_TMP/apply.out" 2>"$SX_TMP/apply.err"
is "$?" 0 "a good policy is applied to the run"
touch "$W/applied"
n0=$(grep -c '^1 ' "$W/loop.out")
for _ in $(seq 200); do [ "$(grep -c '^1 ' "$W/loop.out")" -ge $((n0 + 20)) ] && break; sleep 0.02; done
rm -f "$W/loop"
sleep 0.2
sed 's/^/# /' "$SX_TMP/apply.err"
is "$(grep '^1 ' "$W/loop.out" | grep -vc EPERM)" 0 \
	"no connect to the newly denied address got through after apply returned"
[ "$(grep -c '^1 ' "$W/loop.out")" -ge 20 ]; is "$?" 0 "(of $(grep -c '^1 ' "$W/loop.out") after, $(grep -c '^0 ' "$W/loop.out") during and before)"
like "$(ask 127.0.0.2 x2)" "^ok t=0" "the address the new policy no longer denies connects"
like "$(cat "$SX_TMP/apply.out")" "files +[0-9]+ +deny +/etc/shadow.*Landlock \(added\)" \
	"apply lists the files rule as needing a restart of the agent"
unlike "$(cat "$SX_TMP/apply.out")" "^network " "and not the network rules, which apply now"
ask 127.0.0.2 reviewed.1 >/dev/null
like "$(grep '"layer":"jury"' "$EV" | tail -1)" '"argv":\["touch","[^"]*reviewed.1"\].*"rule":"[^"]*p2.yaml:14".*"layer":"jury"' \
	"the supervisor holds an exec for the jury by the new review rule"
like "$(ask 127.0.0.2 forbidden.2)" "t=1" "and the argv rule that stayed still denies"

# Policies that both deny 127.0.1.5, by a /16 and by a /24 inside an allowed
# /16: a connect there must never meet the new /16 entry before the new /24
# one exists (written shortest prefix first, a few of 300,000 got through).
printf 'version: 1\nnetwork:\n  default: allow\n  rules:\n    - {action: deny, cidr: 127.0.0.0/16}\n' \
	>"$SX_TMP/s1.yaml"
printf 'version: 1\nnetwork:\n  default: allow\n  rules:\n    - {action: deny, cidr: 127.0.1.0/24}\n    - {action: allow, cidr: 127.0.0.0/16}\n' \
	>"$SX_TMP/s2.yaml"
"$SEVORIX" policy apply "$ID" "$SX_TMP/s1.yaml" >/dev/null 2>&1
touch "$W/stress"
n=0 bad=0
while [ ! -e "$W/stress.out" ] && [ $n -lt 400 ]; do
	"$SEVORIX" policy apply "$ID" "$SX_TMP/s$((n % 2 + 1)).yaml" >/dev/null 2>&1 || bad=$((bad + 1))
	n=$((n + 1))
done
for _ in $(seq 500); do [ -e "$W/stress.out" ] && break; sleep 0.02; done
is "$bad" 0 "$n applies alternating between two policies that both deny 127.0.1.5"
is "$(cat "$W/stress.out" 2>/dev/null)" 0 "no connect to 127.0.1.5 got through while the tries changed"
touch "$W/stop"
wait "$RUN" 2>/dev/null

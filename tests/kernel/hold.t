#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Held calls on the real kernel with real jury processes: review-class
# execs and connects wait for the jury and go through only on its allow;
# every failure of the jury or the supervisor denies; a cloud judge that
# stalls costs one deadline, then the breaker skips it; and an agent that
# swaps the path, argv or sockaddr during the hold never gets the swapped
# object through.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
scratch

B="$SX_TMP/bin" W="$SX_TMP/w" J="$SX_TMP/jury"
mkdir -p "$B" "$J" && mkdir -m 777 "$W"
cp "$BUILD/tests/kernel/exec_agent" "$BUILD/tests/kernel/net_agent" "$B/"
cp /usr/bin/true "$B/tool" && printf 'x' >>"$B/tool"	# a program of its own
P=$(free_port) CP=$(free_port)
# the local jury: the rulebook juror alone, so that its answers are known;
# its cloud judge is a second jury on loopback that the test stalls
cat >"$J/local.yaml" <<EOF
consensus: unanimous
cache: {size: 0}
jurors:
  - {kind: rulebook}
cloud: {url: "http://127.0.0.1:$CP", deadline_ms: 200, failures: 2, cooldown_ms: 1500}
EOF
printf 'consensus: unanimous\ncache: {size: 0}\njurors:\n  - {kind: rulebook}\n' >"$J/cloud.yaml"
# a jury that never reaches consensus: every review is denied
printf 'consensus: "quorum:9"\ncache: {size: 0}\njurors:\n  - {kind: rulebook}\n' >"$J/no.yaml"
serve() { # serve NAME ARGS...
	local name=$1
	shift
	"$SEVORIX" jury serve "$@" >"$J/$name.log" 2>&1 &
	started $!
	eval "${name}_pid=$!"
}
serve local --socket "$J/local/slm.sock" --config "$J/local.yaml"
serve no --socket "$J/no/slm.sock" --config "$J/no.yaml"
serve cloud --listen 127.0.0.1:$CP --config "$J/cloud.yaml"
for _ in $(seq 100); do [ -S "$J/local/slm.sock" ] && [ -S "$J/no/slm.sock" ] && break; sleep 0.05; done
wait_port "$CP" || { diag "the cloud judge did not start:"; sed 's/^/# /' "$J/cloud.log"; }
python3 "$(dirname "$0")/servers.py" 127.0.0.2:$P 127.0.0.3:4444 >"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out"

cat >"$SX_TMP/p.yaml" <<EOF
version: 1
network:
  default: deny
  rules:
    - {action: review, cidr: 127.0.0.0/8, ports: [$P, 4444]}
exec:
  default: allow
  rules:
    - {action: review, argv: "rm -r*"}
    - {action: review, argv: "touch *"}
    - {action: deny, argv: "touch *forbidden*"}
    - {action: review, path: $B/tool}
jury: {local: "unix://$J/local/slm.sock"}
review: {deadline_ms: 2000}
EOF
cd "$W" || exit 1
EV="$SX_TMP/ev.jsonl"
sx() { "$SEVORIX" run --policy "$SX_TMP/p.yaml" --user nobody --events "$EV" "$@" 2>/dev/null; }
last_review() { grep '"layer":"jury"' "$EV" | tail -1; }

plan 25

mkdir -p "$W/build" "$W/keep"
sx -- rm -r "$W/build"; is "$?" 0 "a review-class exec the jury allows runs"
[ ! -e "$W/build" ]; is "$?" 0 "and did its work"
like "$(last_review)" '"verdict":"allow".*"review":\{.*"votes":\[' "the review is an event with the votes"
sx -- "$B/tool"; is "$?" 0 "an exec reviewed by its path rule runs when the jury allows it"
V=/var/lib/sevorix-victim.$$	# outside the workspace: the rulebook juror denies its removal
mkdir -p "$V" && chown nobody "$V"
sx -- rm -r "$V"; is "$?" 126 "one the jury denies is refused (EPERM: 126)"
[ -d "$V" ]; is "$?" 0 "and never ran"
rmdir "$V"
like "$(last_review)" '"verdict":"deny".*"rule":"[^"]*p.yaml:9"' "the denial names the review rule"

is "$(sx -- "$B/net_agent" connect 127.0.0.2 $P)" ok "a review-class connect the jury allows connects"
is "$(sx --jury "unix://$J/no/slm.sock" -- "$B/net_agent" connect 127.0.0.2 $P)" EPERM \
	"one the jury denies gets EPERM"
# (Landlock's port rules may answer first, with EACCES)
like "$(sx -- "$B/net_agent" connect 127.0.0.2 $((P + 1)))" '^(EPERM|ERR EACCES)$' \
	"a connect that is not review-class is denied in the kernel as before"

is "$(sx --jury "unix://$J/none/slm.sock" -- "$B/net_agent" connect 127.0.0.2 $P)" EPERM \
	"jury unreachable: EPERM"
sx --jury "unix://$J/none/slm.sock" -- rm -r "$W/keep"
[ -d "$W/keep" ]; is "$?" 0 "jury unreachable: a reviewed exec does not run"
held=$(last_review | sed 's/.*"held_us":\([0-9]*\).*/\1/')
[ "$held" -lt 2000000 ]; is "$?" 0 "and it was answered within the review deadline (${held} us)"
like "$(last_review)" '"verdict":"deny".*"error":' "the event says why"

# the cloud judge: up, then stalled (local pivot), breaker open (no wait), back
sx -- rm -r "$W/keep"; like "$(last_review)" '"judge":"cloud"' "with the cloud up, the cloud decides"
kill -STOP "$cloud_pid"
mkdir -p "$W/k1" "$W/k2" "$W/k3"
sx -- rm -r "$W/k1"; sx -- rm -r "$W/k2"
like "$(last_review)" '"verdict":"allow".*"judge":"local"' "a stalled cloud: the local jury answers"
sx -- rm -r "$W/k3"
held=$(last_review | sed 's/.*"held_us":\([0-9]*\).*/\1/')
[ "$held" -lt 150000 ]; is "$?" 0 "breaker open: the next review does not wait for the cloud (${held} us)"
like "$(last_review)" '"breaker":"open"|"cloud":"skipped"|"judge":"local"' "and says the local jury decided"
kill -CONT "$cloud_pid"
# after the cool-down (1.5 s) a half-open probe closes the breaker; the
# resumed cloud may first have to drain the requests it held while stopped
sleep 1.6
for i in $(seq 10); do
	mkdir -p "$W/k$i.b"
	sx -- rm -r "$W/k$i.b"
	last_review | grep -q '"judge":"cloud"' && break
	sleep 0.5
done
like "$(last_review)" '"judge":"cloud"' "cloud back: the breaker closes and the cloud decides again"

# supervisor killed during a hold: the held call fails, nothing is allowed
kill -STOP "$local_pid"
mkdir -p "$W/k6"
"$SEVORIX" run --policy "$SX_TMP/p.yaml" --user nobody --events /dev/null -- \
	sh -c "rm -r '$W/k6'; echo \$? >'$W/rc'" 2>/dev/null &
sup=$!
sleep 0.5
kill -9 "$sup"
wait "$sup" 2>/dev/null
kill -CONT "$local_pid"
for _ in $(seq 50); do [ -s "$W/rc" ] && break; sleep 0.1; done
# the agent may be gone with its supervisor (its PID namespace ends): no rc then
[ -d "$W/k6" ] && [ "$(cat "$W/rc" 2>/dev/null)" != 0 ]
is "$?" 0 "supervisor killed during a hold: the held exec fails"
"$SEVORIX" cleanup >/dev/null

# the jury restarted while one agent keeps running: denied while it is
# down, allowed again once it is back, and nothing else changes meanwhile
cat >"$SX_TMP/w/long.sh" <<LONG
#!/bin/sh
while [ ! -e $W/go1 ]; do sleep 0.05; done
mkdir -p $W/r1 $W/r2; rm -r $W/r1; echo "r1=\$?" >$W/long.out
"$B/net_agent" connect 127.0.0.2 $((P + 1)) >>$W/long.out
touch $W/ready2
while [ ! -e $W/go2 ]; do sleep 0.05; done
rm -r $W/r2; echo "r2=\$?" >>$W/long.out
LONG
chmod 755 "$SX_TMP/w/long.sh"
"$SEVORIX" run --policy "$SX_TMP/p.yaml" --user nobody --events "$EV" -- "$SX_TMP/w/long.sh" 2>/dev/null &
long=$!
started $long
kill "$local_pid"; wait "$local_pid" 2>/dev/null
touch "$W/go1"
for _ in $(seq 100); do [ -e "$W/ready2" ] && break; sleep 0.05; done
serve local --socket "$J/local/slm.sock" --config "$J/local.yaml"
for _ in $(seq 100); do [ -S "$J/local/slm.sock" ] && break; sleep 0.05; done
sleep 0.2
touch "$W/go2"
wait "$long"
like "$(tr '\n' ' ' <"$W/long.out")" "^r1=126 (EPERM|ERR EACCES) r2=0 $" \
	"jury down: the review is denied, other calls unchanged; jury back: the same agent's review works"

# swapping the object during the hold (the jury takes about a millisecond)
sx -- "$B/exec_agent" argvrace /usr/bin/touch "$W/ok" "$W/forbidden" 100 >/dev/null
[ -e "$W/ok" ] && [ ! -e "$W/forbidden" ]
is "$?" 0 "argv swapped during the hold: the denied argv never runs"
rm -f "$W/ok"
# the rulebook juror allows 127.0.0.2:P and denies port 4444 (a classic shell port)
is "$(sx --jury "unix://$J/local/slm.sock" -- "$B/net_agent" connect 127.0.0.3 4444)" EPERM \
	"the jury denies 127.0.0.3:4444"
got=$(sx -- "$B/exec_agent" connrace 127.0.0.2 $P 127.0.0.3 4444 200)
[ "$got" -gt 0 ]; is "$?" 0 "sockaddr swapped during the hold: approved connects still work ($got)"
is "$(grep -c 'conn 127.0.0.3:4444' "$SX_TMP/srv.out")" 0 \
	"and the swapped-in destination the jury denies is never reached"

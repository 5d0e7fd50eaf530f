#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make soak` (not part of `make check`): SOAK_SECONDS (default 60) of
#  1. 64 clients against the jury over its real UNIX socket (jury_soak.c):
#     no error, and the jury's RSS and open fds after the soak as after a
#     warm-up of the same load (its caches full);
#  2. a busy agent under `sevorix run` (busy_agent.c: connects, opens and
#     execs, allowed and denied, in loops): no error, the supervisor's RSS
#     and fds at the end as after the first seconds, and no lost denial:
#     every denial the agent met has its event, and the run lost none.
# RSS may grow by SOAK_RSS_SLACK_KB (default 2048) or 10%, whichever is
# larger: allocators keep freed memory. Prints TAP; needs root for part 2.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
secs=${SOAK_SECONDS:-60}
slack=${SOAK_RSS_SLACK_KB:-2048}
for b in jury_soak busy_agent; do
	[ -x "$BUILD/tests/soak/$b" ] || skip_all "no $BUILD/tests/soak/$b (run make tests)"
done
scratch

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }
# grew BEFORE AFTER: true when AFTER exceeds BEFORE by more than the slack
grew() { [ "$2" -gt $(($1 + ($1 / 10 > slack ? $1 / 10 : slack))) ]; }

plan 11

# --- 1. the jury ------------------------------------------------------
cat >"$SX_TMP/jury.yaml" <<EOF
consensus: weighted:0
cache: {size: 4096}
jurors:
  - {kind: rulebook, weight: 2, veto: true}
  - {kind: ngram, weight: 1}
  - {kind: logreg, weight: 1}
  - {kind: grounding, weight: 0.5}
EOF
sock="$SX_TMP/run/slm.sock"
"$SEVORIX" jury serve --socket "$sock" --config "$SX_TMP/jury.yaml" 2>"$SX_TMP/jury.log" &
jury=$!
started $jury
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
"$BUILD/tests/soak/jury_soak" "$sock" 64 5 >"$SX_TMP/warm.out"
sleep 1
r0=$(rss $jury) f0=$(fds $jury)
out=$("$BUILD/tests/soak/jury_soak" "$sock" 64 "$secs")
is "$?" 0 "jury: 64 clients for ${secs}s, no error"
diag "$out"
sleep 1
r1=$(rss $jury) f1=$(fds $jury)
kill -0 $jury 2>/dev/null
is "$?" 0 "jury: still serving"
is "$f1" "$f0" "jury: open fds after as before ($f0)"
grew "$r0" "$r1"
is "$?" 1 "jury: RSS after as before (${r0} kB -> ${r1} kB)"
kill $jury

# --- 2. a busy agent under sevorix run --------------------------------
B="$SX_TMP/bin"
mkdir -p "$B" "$SX_TMP/secret"
cp "$BUILD/tests/soak/busy_agent" "$B/"
# a program of its own content, so that denying it denies no system binary
cp /usr/bin/true "$B/denied" && printf 'x' >>"$B/denied"
echo ok >"$SX_TMP/ok.txt"
echo no >"$SX_TMP/secret/denied.txt"
chmod -R a+rX "$SX_TMP"
P=$(free_port)
python3 "$(dirname "$0")/../kernel/servers.py" 127.0.0.1:$P >"$SX_TMP/srv.out" &
started $!
wait_port "$P" || diag "the listener did not start"
cat >"$SX_TMP/p.yaml" <<EOF
version: 1
network:
  default: deny
  rules:
    - {action: allow, cidr: 127.0.0.1/32}
files:
  default: deny
  rules:
    - {action: allow, path: /usr, access: [read, exec]}
    - {action: allow, path: /lib, access: [read, exec]}
    - {action: allow, path: /lib64, access: [read, exec]}
    - {action: allow, path: /etc, access: [read]}
    - {action: allow, path: /dev, access: [read, write]}
    - {action: allow, path: /proc, access: [read]}
    - {action: allow, path: $B, access: [read, exec]}
    - {action: allow, path: $SX_TMP/ok.txt, access: [read]}
exec:
  default: allow
  rules:
    - {action: deny, path: $B/denied}
EOF
"$SEVORIX" run --user nobody --policy "$SX_TMP/p.yaml" --events "$SX_TMP/ev.jsonl" -- \
	"$B/busy_agent" "$secs" 2 127.0.0.1 127.0.0.2 "$P" "$SX_TMP/ok.txt" \
	"$SX_TMP/secret/denied.txt" /usr/bin/true "$B/denied" >"$SX_TMP/agent.out" 2>"$SX_TMP/run.err" &
sup=$!
sleep 5
r0=$(rss $sup) f0=$(fds $sup)
sleep $((secs - 8))
r1=$(rss $sup) f1=$(fds $sup)
wait $sup
is "$?" 0 "agent: ${secs}s of connects, opens and execs under sevorix run, no error"
counts=$(cat "$SX_TMP/agent.out")
diag "$counts"
n() { echo "$counts" | tr ' ' '\n' | grep -A1 -x "$1" | tail -1; }
is "$f1" "$f0" "supervisor: open fds at the end as after 5 s ($f0)"
grew "$r0" "$r1"
is "$?" 1 "supervisor: RSS at the end as after 5 s (${r0} kB -> ${r1} kB)"
# denials of KIND in the events, an event with a "count" standing for that many
denied() {
	grep "\"kind\":\"$1\"" "$SX_TMP/ev.jsonl" | grep '"verdict":"deny"' | grep -v exec-check |
		sed -n 's/.*"count":\([0-9]*\).*/\1/p; t; s/.*/1/p' | awk '{n += $1} END {print n + 0}'
}
ev_connect=$(denied connect)
ev_exec=$(denied exec)
ev_open=$(denied open)
lost=$(grep '"kind":"summary"' "$SX_TMP/ev.jsonl" | sed -n 's/.*"lost_events":\([0-9]*\).*/\1/p')
is "$ev_connect" "$(n connect_denied)" "every denied connect has its event"
is "$ev_exec" "$(n exec_denied)" "every denied exec has its event"
if grep -q '"observed":true' "$SX_TMP/ev.jsonl" || [ "$ev_open" != 0 ]; then
	is "$ev_open" "$(n open_denied)" "every denied open has its event"
else
	pass "# SKIP denied opens are not observed on this kernel (no observer for Landlock's denials)"
fi
is "${lost:-missing}" 0 "the run lost no event"

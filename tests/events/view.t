#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# sevorix events and sevorix log as a user meets them: a run started with
# --events FILE (a relative name) is found by its id after it ended, from
# anywhere; JSON for a pipe, one line per decision for people (--pretty,
# or on a terminal), with colour on a terminal unless NO_COLOR is set;
# --denied, --kind and --since filter; -f follows a live run and stops
# when it ends; a run that wrote to standard error says its events were
# not kept.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v script >/dev/null || skip_all "script(1) is not installed (a terminal for the colour test)"
scratch
B=$SX_TMP/bin
mkdir -p "$B" "$SX_TMP/w" && chmod 777 "$SX_TMP/w"
cp "$BUILD/tests/kernel/net_agent" "$B/" && chmod -R a+rx "$B"
cat >"$SX_TMP/p.yaml" <<EOF
version: 1
network:
  default: deny
  rules:
    - {action: deny, cidr: 10.0.0.0/8}
    - {action: allow, cidr: 127.0.0.0/8}
EOF
P=$(free_port)
python3 "$(dirname "$0")/../kernel/servers.py" 127.0.0.1:$P >"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out"
cd "$SX_TMP/w" || exit 1
"$SEVORIX" run --policy ../p.yaml --user nobody --events rel.jsonl -- /bin/sh -c \
	"$B/net_agent connect 127.0.0.1 $P; $B/net_agent udp 10.1.2.3 53; $B/net_agent connect 10.4.5.6 80" \
	>/dev/null 2>&1
ID=$(head -1 rel.jsonl | sed 's/.*"run":"\([0-9a-f]*\)".*/\1/')
cd / || exit 1
ev() { "$SEVORIX" events "$@"; }
tty() { script -qec "$*" /dev/null | tr -d '\r'; }

plan 16
is "$(ev "$ID" | wc -l)" "$(wc -l <"$SX_TMP/w/rel.jsonl")" \
	"a run started with --events FILE is found by its id after it ended (JSON in a pipe)"
pretty=$(ev --pretty "$ID")
like "$(echo "$pretty" | grep 10.1.2.3)" \
	'^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}  net_agent\[[0-9]+\] +sendmsg +10\.1\.2\.3:53 +DENY +cgroup-bpf +\.\./p\.yaml:5$' \
	"--pretty: time, process, what, verdict, layer, rule on one line"
like "$(echo "$pretty" | head -1)" "run $ID started: policy ../p.yaml" "it opens with the run's start"
like "$(echo "$pretty" | tail -1)" "run $ID ended \(exit 1\): 1 allowed, 2 denied" "and ends with its totals"
is "$(echo "$pretty" | grep -c '"')" 0 "no JSON in it"
is "$("$SEVORIX" log "$ID")" "$pretty" "sevorix log RUN is the same view"
like "$(tty "$SEVORIX" log "$ID" | grep 10.4.5.6)" $'\033\\[31mDENY' "on a terminal a denial is red"
is "$(NO_COLOR=1 tty "$SEVORIX" log "$ID" | grep -c $'\033')" 0 "NO_COLOR turns colour off"
like "$(tty "$SEVORIX" events "$ID" | head -2 | tail -1)" "ALLOW" "on a terminal the view is the default"
is "$(ev --denied --json "$ID" | grep -c '"verdict":"deny"')" 2 "--denied keeps the denials"
is "$(ev --denied --json "$ID" | grep -vc '"verdict":"deny"')" 0 "and only them"
is "$(ev --kind sendmsg "$ID" | wc -l)" 1 "--kind filters by kind"
is "$(ev --since 1h "$ID" | wc -l)" "$(wc -l <"$SX_TMP/w/rel.jsonl")" "--since 1h keeps this run"
is "$(ev --since 2999-01-01T00:00:00Z "$ID" | wc -l)" 0 "--since a later time keeps nothing"

# -f follows a live run and ends with it
"$SEVORIX" run --policy "$SX_TMP/p.yaml" --user nobody --events "$SX_TMP/live.jsonl" -- /bin/sh -c \
	"sleep 1; $B/net_agent connect 10.7.7.7 80; sleep 1" >/dev/null 2>&1 &
RUN=$!
started $RUN
for _ in $(seq 50); do [ -s "$SX_TMP/live.jsonl" ] && break; sleep 0.1; done
LIVE=$(head -1 "$SX_TMP/live.jsonl" | sed 's/.*"run":"\([0-9a-f]*\)".*/\1/')
timeout 20 "$SEVORIX" events -f --json "$LIVE" >"$SX_TMP/follow.out"
like "$(grep 10.7.7.7 "$SX_TMP/follow.out")$(tail -1 "$SX_TMP/follow.out")" \
	'"verdict":"deny".*"kind":"summary"' "-f prints what happens while the run lives, and ends with it"

"$SEVORIX" run --policy "$SX_TMP/p.yaml" --user nobody --events - -- true 2>"$SX_TMP/err.out"
E=$(grep -o '"run":"[0-9a-f]*"' "$SX_TMP/err.out" | head -1 | cut -d'"' -f4)
like "$(ev "$E" 2>&1)" "wrote its events to standard error; they were not kept" \
	"a run that wrote to standard error says so"

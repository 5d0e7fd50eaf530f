#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `sevorix policy suggest` on a real enforcing run: an agent makes three
# denied actions (a connect to an address the policy does not allow, a
# connect to a UNIX socket it does not name, an exec of a denied program) among
# allowed ones; suggest proposes three rules as a patch of the policy;
# patch(1) applies it, and the same agent under the patched policy is
# denied nothing.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v patch >/dev/null || skip_all "patch is not installed"
scratch

cp "$BUILD/tests/kernel/net_agent" "$SX_TMP/"
A="$SX_TMP/net_agent"
B="$SX_TMP/bin"
mkdir -p "$B"
# a program of its own content, so that denying it denies no system binary
cp /usr/bin/true "$B/denied" && printf 'x' >>"$B/denied" && chmod 755 "$B/denied"
P1=$(free_port)
P2=$(free_port)
python3 "$(dirname "$0")/../kernel/servers.py" 127.0.0.1:$P1 127.0.0.2:$P2 "$SX_TMP/sock" \
	>"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out"
cat >"$SX_TMP/p.yaml" <<EOF
version: 1
network:
  default: deny
  rules:
    - {action: allow, cidr: 127.0.0.1/32}
exec:
  default: allow
  rules:
    - {action: deny, path: $B/denied}
EOF
cat >"$SX_TMP/agent.sh" <<EOF
#!/bin/sh
"$A" connect 127.0.0.1 $P1
"$A" connect 127.0.0.2 $P2
"$A" unix "$SX_TMP/sock"
"$B/denied" && echo ok || echo denied
EOF
chmod 755 "$SX_TMP/agent.sh"
cd "$SX_TMP" || exit 1
sx() { "$SEVORIX" run --user nobody --policy p.yaml --events "$1" -- "$SX_TMP/agent.sh" 2>/dev/null; }

plan 8

is "$(sx ev1.jsonl | tr '\n' ' ')" "ok EPERM EPERM denied " "the first run: one action allowed, three denied"
is "$(grep -c '"verdict":"deny"' ev1.jsonl)" 3 "three denials in its events"
"$SEVORIX" policy suggest --user nobody ev1.jsonl >fix.diff 2>err.txt
is "$?" 0 "policy suggest succeeds"
like "$(head -1 fix.diff)" '3 denials against p.yaml: 3 with a rule, 0 without' \
	"three denials, three rules"
is "$(grep -c '^+ *- {action: allow' fix.diff)" 3 "the patch adds three allow rules"
patch -s -p0 <fix.diff
is "$?" 0 "patch(1) applies it"
"$SEVORIX" policy check --user nobody p.yaml >/dev/null 2>&1
is "$?" 0 "the patched policy passes policy check"
out=$(sx ev2.jsonl | tr '\n' ' ')
is "$out / $(grep -c '"verdict":"deny"' ev2.jsonl)" "ok ok ok ok  / 0" \
	"the next run under it does all four and is denied nothing"
[ "$T_FAILED" = 0 ] || { diag "$(cat fix.diff err.txt)"; diag "$(grep deny ev1.jsonl ev2.jsonl)"; }

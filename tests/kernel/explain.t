#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Denials that explain themselves (issue 13): a command the policy will not
# start names the rule that refused it and a rule that would allow it;
# `sevorix run` names the allow rules that grant nothing (not with
# --quiet, nor where a create: rule makes the path); `sevorix explain`
# lists each distinct denial of a run with its rule and a fix, and a run
# with denials ends by naming that command. Every fix is checked by its
# effect: a policy that extends the first one with the suggested rule
# lets the action through.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
scratch

cp "$BUILD/tests/kernel/net_agent" "$SX_TMP/"
A="$SX_TMP/net_agent"
P=$(free_port)
mkdir -p "$SX_TMP/ws" "$SX_TMP/outside"
cp /bin/true "$SX_TMP/outside/agent"
chmod 755 "$SX_TMP/ws" "$SX_TMP/outside"
cat >"$SX_TMP/policy.yaml" <<EOF
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
    - {action: allow, path: /bin, access: [read, exec]}
    - {action: allow, path: /etc, access: [read]}
    - {action: allow, path: /proc, access: [read]}
    - {action: allow, path: /dev, access: [read, write]}
    - {action: allow, path: $SX_TMP/net_agent, access: [read, exec]}
    - {action: allow, path: "\${WORKSPACE}", access: [read, write]}
    - {action: allow, path: "\${WORKSPACE}/not-there-yet", access: [read, write]}
exec:
  default: allow
  rules:
    - {action: deny, argv: "*forbidden-word*"}
EOF
python3 "$(dirname "$0")/servers.py" 127.0.0.1:$P 127.0.0.2:$P >"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out"
cd "$SX_TMP/ws" || exit 1
sx() { "$SEVORIX" run --user nobody --events "$SX_TMP/ev.jsonl" "$@"; }

plan 24

# A command outside every grant: 126, the rule and a fix, and the fix works.
err=$(sx --quiet --policy ../policy.yaml -- ../outside/agent 2>&1)
is "$?" 126 "a command the files rules do not let run: 126"
like "$err" "outside/agent: exec refused by the files section's default: deny" \
	"the message names the rule that refused it"
fix=$(printf '%s\n' "$err" | grep -A1 'to allow it, add to files.rules' | tail -1)
like "$fix" '^ +- \{action: allow, path: "\$\{AGENT_DIR\}", access: \[read, exec\]\}$' \
	"and a rule that allows it (the command is outside npm: \${AGENT_DIR} is the file alone)"
printf 'version: 1\nextends: ./policy.yaml\nfiles:\n  rules:\n    %s\n' "$(echo $fix)" \
	>"$SX_TMP/fixed.yaml"
sx --quiet --policy ../fixed.yaml -- ../outside/agent 2>/dev/null
is "$?" 0 "with that rule added, the command starts"

# Allow rules that grant nothing, named at start unless --quiet.
err=$(sx --policy ../policy.yaml -- true 2>&1)
like "$err" "policy.yaml:18:7: warning: files allow rule on '\\\$\{WORKSPACE\}/not-there-yet' grants nothing" \
	"sevorix run names an allow rule whose path does not exist"
is "$(sx --quiet --policy ../policy.yaml -- true 2>&1)" "" "--quiet does not"
err=$("$SEVORIX" policy check --user nobody ../policy.yaml 2>&1)
is "$?" 0 "policy check does not fail on it"
like "$err" "policy.yaml:18:7: warning: .*not-there-yet does not exist" "but warns"
# not for a path a create: rule makes before the agent starts (as the
# agent user, in a directory of its own)
mkdir -p "$SX_TMP/ws/own" && chown nobody "$SX_TMP/ws/own"
printf 'version: 1\nextends: ./policy.yaml\nfiles:\n  rules:\n    - %s\n' \
	'{action: allow, path: "${WORKSPACE}/own/made-at-start", access: [read, write], create: dir}' \
	>"$SX_TMP/made.yaml"
err=$("$SEVORIX" policy check --user nobody ../made.yaml 2>&1)
unlike "$err" "made-at-start" "policy check does not name a missing path that a create: rule makes"
err=$(sx --policy ../made.yaml -- true 2>&1)
is "$(echo "$err" | grep made-at-start)" \
	"sevorix run: created $SX_TMP/ws/own/made-at-start (../made.yaml:5)" \
	"sevorix run says it made it, and nothing else about it"
is "$(stat -c %U:%F "$SX_TMP/ws/own/made-at-start" 2>&1)" "nobody:directory" \
	"as the agent user"

# A policy that lets the agent write its user's start-up files says so
# (a user of the test's own, whose home exists).
U=sxexpl$$
mkdir -p "$SX_TMP/home"
if useradd --system --no-create-home --home-dir "$SX_TMP/home" $U 2>/dev/null; then
	trap 'userdel $U 2>/dev/null; sx_cleanup' EXIT
	printf 'version: 1\nextends: ./policy.yaml\nfiles:\n  rules:\n    - {action: allow, path: %s, access: [write]}\n' \
		"$SX_TMP/home" >"$SX_TMP/home.yaml"
	err=$("$SEVORIX" run --quiet --user $U --events /dev/null --policy ../home.yaml -- true 2>&1)
	like "$err" "warning: the agent may write $SX_TMP/home/.bashrc \(rule \.\./home\.yaml:5\): what it puts there outlives the run" \
		"a policy that lets the agent write ~/.bashrc is named at start"
	is "$("$SEVORIX" run --quiet --user $U --events /dev/null --policy ../policy.yaml -- true 2>&1)" "" \
		"one that does not, is not"
else
	skip "useradd failed"
	skip "useradd failed"
fi

# Denials inside a run, explained.
: >"$SX_TMP/ev.jsonl"
sx --quiet --policy ../policy.yaml -- sh -c "$A connect 127.0.0.2 $P; $A connect 127.0.0.2 $P; \
	w=forbidden; /bin/echo \$w-word; true" >/dev/null 2>&1
run=$(grep -o '"run":"[0-9a-f]*","pid":[0-9]*,"kind":"start"' "$SX_TMP/ev.jsonl" | cut -d'"' -f4)
out=$("$SEVORIX" explain --events "$SX_TMP/ev.jsonl" "$run" 2>&1)
is "$?" 0 "sevorix explain reads the run's events"
like "$out" "connect 127.0.0.2:$P, 2 times \(net_agent\)" "each distinct denial once, with its count"
like "$(echo "$out" | grep -A1 "^connect 127.0.0.2")" "rule:  default  network" \
	"the connect: the network default decided"
conn_fix=$(echo "$out" | grep -A3 "^connect 127.0.0.2" | grep 'allow: in network.rules:' |
	sed 's/.*network.rules: *//')
is "$conn_fix" "- {action: allow, cidr: 127.0.0.2/32, ports: [$P]}" "the fix names the address and port"
like "$(echo "$out" | grep -A2 "^exec .*forbidden-word")" \
	"rule:  .*policy.yaml:22  \{action: deny, argv: \"\*forbidden-word\*\"\}" \
	"the exec: its argv rule, as written"
like "$(echo "$out" | grep -A3 "^exec .*forbidden-word" | grep allow:)" \
	"change or remove the rule at .*policy.yaml:22: its argv pattern matches" \
	"no added rule outweighs an argv pattern: it says which rule to change"
printf 'version: 1\nextends: ./policy.yaml\nnetwork:\n  rules:\n    %s\n' "$conn_fix" \
	>"$SX_TMP/fixed.yaml"
is "$(sx --quiet --policy ../fixed.yaml -- "$A" connect 127.0.0.2 $P 2>/dev/null)" ok \
	"with the suggested network rule, the connect goes through"
is "$("$SEVORIX" explain --events "$SX_TMP/ev.jsonl" 2>&1 | sed -n 3p)" "0 distinct denials" \
	"without RUN, the file's last run (that one, without denials)"

# The agent saw only the errno; at the end the user at a terminal (script(1)
# gives it one) is told where to look.
tty_sx() {
	script -qec "$(printf '%q ' "$SEVORIX" run --user nobody --events "$SX_TMP/ev.jsonl" "$@")" \
		/dev/null </dev/null | tr -d '\r'
}
note=$(tty_sx --policy ../policy.yaml -- "$A" connect 127.0.0.2 $P | grep "call was denied")
like "$note" '^sevorix run: 1 call was denied; `sevorix explain [0-9a-f]+` shows each with its rule' \
	"a run with a denial ends with one line naming the command that explains it"
id=$(echo "$note" | sed 's/.*sevorix explain \([0-9a-f]*\).*/\1/')
like "$("$SEVORIX" explain "$id" 2>&1)" "connect 127.0.0.2:$P, 1 time" \
	"and that command, as given, explains the denial"
is "$(tty_sx --quiet --policy ../policy.yaml -- "$A" connect 127.0.0.2 $P | grep denied)$(tty_sx \
	--policy ../policy.yaml -- true | grep denied)$(sx --policy ../policy.yaml -- \
	"$A" connect 127.0.0.2 $P 2>&1 | grep denied)" "" \
	"not with --quiet, nor after a run without denials, nor when stderr is no terminal"

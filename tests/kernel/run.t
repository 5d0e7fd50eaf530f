#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# sevorix run as a user meets it: real tools (curl against a local HTTP
# server), exit statuses, privilege drop, audit mode, fail-closed after
# the supervisor is killed, ps/events/cleanup, and command-line errors.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v curl >/dev/null || skip_all "curl is not installed"
scratch

cp "$BUILD/tests/kernel/net_agent" "$SX_TMP/"
A="$SX_TMP/net_agent"
P=$(free_port)
policy() { # policy MODE
	cat <<EOF
version: 1
mode: $1
network:
  default: deny
  rules:
    - {action: allow, cidr: 127.0.0.1/32}
EOF
}
policy enforce >"$SX_TMP/enforce.yaml"
policy audit >"$SX_TMP/audit.yaml"
python3 "$(dirname "$0")/servers.py" 127.0.0.1:$P 127.0.0.2:$P >"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out"
cd "$SX_TMP" || exit 1
sx() { "$SEVORIX" run --user nobody --events "$SX_TMP/ev.jsonl" "$@"; }

plan 25

is "$(sx --policy enforce.yaml -- curl -s http://127.0.0.1:$P/)" ok "curl reaches an allowed local server"
sx --policy enforce.yaml -- curl -s -m 5 http://127.0.0.2:$P/ >/dev/null 2>&1
is "$?" 7 "curl to a denied address fails to connect (curl exit 7) and sevorix passes its status"
like "$(grep '"comm":"curl"' ev.jsonl | grep '127.0.0.2' | grep '"verdict":"deny"')" '"enforced":true' \
	"the denial of curl is in the events"

sx --policy enforce.yaml -- sh -c 'exit 42' 2>/dev/null
is "$?" 42 "the command's exit status is sevorix run's"
sx --policy enforce.yaml -- sh -c 'kill -TERM $$' 2>/dev/null
is "$?" 143 "a command killed by a signal gives 128+signal"
sx --policy enforce.yaml -- /nonexistent/cmd 2>/dev/null
is "$?" 127 "a command that is not found gives 127"
printf 'x' >"$SX_TMP/notexec"; chmod 644 "$SX_TMP/notexec"
sx --policy enforce.yaml -- "$SX_TMP/notexec" 2>/dev/null
is "$?" 126 "a command that cannot be executed gives 126"
printf 'version: 1\nnetwork: {default: maybe}\n' >bad.yaml
err=$(sx --policy bad.yaml -- true 2>&1)
is "$?" 125 "a policy with errors never starts the agent (125)"
like "$err" "bad.yaml:2:[0-9]+: unknown action 'maybe'" "and says where"

caps=$(sx --policy enforce.yaml -- grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs)' /proc/self/status)
is "$(echo "$caps" | awk '{print $2}' | sort -u | tr '\n' ' ')" "0000000000000000 1 " \
	"the agent has no capabilities in any set, and no_new_privs"
is "$(sx --policy enforce.yaml -- id -u)" 65534 "the agent runs as the given user"
is "$(sx --policy enforce.yaml -- id -G)" 65534 "with only that user's group"

env -u SUDO_UID "$SEVORIX" run --policy enforce.yaml -- true 2>"$SX_TMP/root.err"
is "$?" 125 "without SUDO_UID or --user the agent is not run as root"
like "$(cat root.err)" "refusing to run the agent as root" "and the message says why"
"$SEVORIX" run --allow-root-agent --user root --policy enforce.yaml --events /dev/null -- true 2>"$SX_TMP/root.err"
like "$(cat root.err)" "warning: the agent runs as root" "--allow-root-agent warns"

# audit mode: decide and log, never block
is "$(sx --policy audit.yaml -- "$A" connect 127.0.0.2 $P)" ok "audit mode does not block"
like "$(grep '"target":"127.0.0.2:'$P'"' ev.jsonl | tail -1)" '"verdict":"deny","enforced":false' \
	"audit mode logs the denial as not enforced"

# kill -9 of the supervisor: the agent stays confined
mkdir -m 777 "$SX_TMP/w"
cat >"$SX_TMP/agent.sh" <<EOF
#!/bin/sh
while [ ! -e $SX_TMP/w/go ]; do sleep 0.1; done
$A connect 127.0.0.2 $P >$SX_TMP/w/after-kill
$A connect 127.0.0.1 $P >>$SX_TMP/w/after-kill
exec sleep 30
EOF
chmod 755 "$SX_TMP/agent.sh"
"$SEVORIX" run --policy enforce.yaml --user nobody --events /dev/null -- "$SX_TMP/agent.sh" &
sup=$!
started $sup
sleep 1
run_id=$("$SEVORIX" ps --json | grep "\"supervisor\":$sup" | sed 's/.*"run":"\([0-9a-f]*\)".*/\1/')
kill -9 $sup
wait $sup 2>/dev/null
touch "$SX_TMP/w/go"
for _ in $(seq 50); do [ "$(cat "$SX_TMP/w/after-kill" 2>/dev/null | wc -l)" = 2 ] && break; sleep 0.1; done
is "$(tr '\n' ' ' <"$SX_TMP/w/after-kill")" "EPERM ok " "after kill -9 of the supervisor the agent is still denied"
like "$("$SEVORIX" ps)" "$run_id +orphaned" "sevorix ps shows the run as orphaned"
"$SEVORIX" cleanup >/dev/null
[ -d "/sys/fs/bpf/sevorix/$run_id" ]
is "$?" 0 "cleanup keeps the pins of a run whose agent lives"
agent=$(cat "$("$SEVORIX" ps --json | grep "\"run\":\"$run_id\"" | sed 's/.*"cgroup":"\([^"]*\)".*/\1/')/cgroup.procs" | head -1)
kill -9 $agent 2>/dev/null
sleep 0.3
"$SEVORIX" cleanup >/dev/null
[ ! -e "/sys/fs/bpf/sevorix/$run_id" ] && ! "$SEVORIX" ps | grep -q "$run_id"
is "$?" 0 "cleanup removes the pins and state once the cgroup is empty"

# sevorix events RUN prints the run's log (default place: /var/log/sevorix)
"$SEVORIX" run --policy enforce.yaml --user nobody -- true 2>/dev/null
log=$(ls -t /var/log/sevorix/*.jsonl | head -1)
id=$(basename "$log" .jsonl)
like "$("$SEVORIX" events "$id" | head -1)" "\"run\":\"$id\",.*\"kind\":\"start\".*\"layers\":\[\"cgroup-bpf\"" \
	"sevorix events RUN prints its events, the first listing the layers"
rm -f "$log"

# command-line errors
"$SEVORIX" run 2>/dev/null; is "$?" 125 "run without a command is a usage error"
"$SEVORIX" run --bogus -- true 2>/dev/null; is "$?" 125 "an unknown option is a usage error"
"$SEVORIX" frobnicate 2>/dev/null; is "$?" 2 "an unknown command is a usage error"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The cgroup network layer on the real kernel: an unprivileged agent under
# `sevorix run` is denied (EPERM) and allowed exactly as the policy says,
# over every way of reaching a destination, and nothing outside its
# cgroup is affected.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
scratch

cp "$BUILD/tests/kernel/net_agent" "$SX_TMP/"
A="$SX_TMP/net_agent"
P=$(free_port)	# TCP port with listeners
cat >"$SX_TMP/policy.yaml" <<EOF
version: 1
network:
  default: deny
  rules:
    - {action: allow, cidr: 127.0.0.1/32}
    - {action: deny, cidr: 127.0.0.2/32}
    - {action: allow, cidr: 127.0.0.0/8, ports: [$((P + 1))]}
    - {action: allow, cidr: "::1/128", ports: [$P]}
    - {action: allow, unix: $SX_TMP/allowed.sock}
    - {action: allow, unix: $SX_TMP/dir/}
# the seccomp hardening would refuse io_uring, TCP Fast Open and MPTCP
# sockets on its own; relaxed here so that the cgroup layer is tested alone
hardening: {allow: [io_uring, fastopen, any_socket]}
EOF
mkdir -p "$SX_TMP/dir"
python3 "$(dirname "$0")/servers.py" 127.0.0.1:$P 127.0.0.2:$P "[::1]:$P" "[::1]:$((P + 2))" \
	"$SX_TMP/allowed.sock" "$SX_TMP/denied.sock" "$SX_TMP/dir/in.sock" >"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out"

cd "$SX_TMP" || exit 1
# run_agent ARGS...: runs net_agent under the policy, prints its answer
run_agent() {
	"$SEVORIX" run --policy "$SX_TMP/policy.yaml" --user nobody --events "$SX_TMP/ev.jsonl" \
		-- "$A" "$@" 2>>"$SX_TMP/run.err"
}

plan 30

is "$(run_agent connect 127.0.0.1 $P)" ok "IPv4 connect to an allowed address"
is "$(run_agent connect 127.0.0.2 $P)" EPERM "IPv4 connect to a denied address gets EPERM"
is "$(run_agent connect 127.0.0.3 $P)" EPERM "IPv4 connect to an address no rule names: default deny"
is "$(run_agent connect 127.0.0.3 $((P + 1)))" "ERR ECONNREFUSED" "a rule with ports allows its port"
is "$(run_agent connect 0.0.0.0 $P)" ok "0.0.0.0 is judged as 127.0.0.1"
is "$(run_agent connect ::1 $P)" ok "IPv6 connect to an allowed port"
is "$(run_agent connect ::1 $((P + 2)))" EPERM "IPv6 connect to another port gets EPERM"
is "$(run_agent connect ::ffff:127.0.0.2 $P)" EPERM "IPv4-mapped IPv6 is judged as the IPv4 address"
is "$(run_agent connect ::ffff:127.0.0.1 $P)" ok "IPv4-mapped IPv6 of an allowed address connects"
is "$(run_agent udp 127.0.0.2 $P)" EPERM "UDP sendto without connect is denied"
is "$(run_agent udp 127.0.0.1 $P)" ok "UDP sendto to an allowed address is sent"
is "$(run_agent sendmsg 127.0.0.2 $P)" EPERM "UDP sendmsg with a destination is denied"
is "$(run_agent sendmsg ::1 $((P + 2)))" EPERM "UDP sendmsg over IPv6 is denied"
# a connected UDP socket that sends with control messages (IP_TOS, as QUIC
# stacks do) gives the programs no address: it goes to the peer its
# connect was judged on
is "$(run_agent tos 127.0.0.1 $P)" ok "connected UDP, sendmsg with IP_TOS to an allowed peer is sent"
is "$(run_agent tos ::1 $P)" ok "the same over IPv6 with IPV6_TCLASS"
is "$(run_agent tos 127.0.0.2 $P)" EPERM "to a denied peer its connect is refused"
is "$(run_agent tfo 127.0.0.2 $P)" EPERM "TCP Fast Open (sendto MSG_FASTOPEN) is denied"
mptcp=$(run_agent mptcp 127.0.0.2 $P)
like "$mptcp" "EPERM|ERR (EPROTONOSUPPORT|ENOPROTOOPT)" "MPTCP connect is denied (or MPTCP is off)"
is "$(run_agent uring 127.0.0.2 $P)" EPERM "io_uring connect is denied"
is "$(run_agent uring 127.0.0.1 $P)" ok "io_uring connect to an allowed address connects"
is "$(run_agent unix "$SX_TMP/allowed.sock")" ok "UNIX socket connect to an allowed path"
is "$(run_agent unix "$SX_TMP/denied.sock")" EPERM "UNIX socket connect to another path gets EPERM"
is "$(run_agent unix "$SX_TMP/dir/in.sock")" ok "UNIX prefix rule (trailing /) covers paths under it"
is "$(run_agent unixdgram "$SX_TMP/denied.sock")" EPERM "UNIX datagram sendto is judged too"

# children and grandchildren
out=$("$SEVORIX" run --policy "$SX_TMP/policy.yaml" --user nobody --events /dev/null -- \
	bash -c "bash -c '$A connect 127.0.0.2 $P; $A connect 127.0.0.1 $P' & wait" 2>/dev/null)
is "$(echo $out)" "EPERM ok" "a grandchild is denied and allowed like the agent"

# a process outside the cgroup, while an agent runs
"$SEVORIX" run --policy "$SX_TMP/policy.yaml" --user nobody --events /dev/null -- sleep 30 &
started $!
sleep 0.5
is "$("$A" connect 127.0.0.2 $P)" ok "a process outside the run's cgroup is not affected"

# the events file
deny_lines=$(grep -c '"verdict":"deny"' "$SX_TMP/ev.jsonl")
# 12 denials above, and the MPTCP one when the kernel has MPTCP
exp=12; [ "$mptcp" = EPERM ] && exp=13
is "$deny_lines" "$exp" "the events file has one line per denial"
rule_line=$(grep -n 'cidr: 127.0.0.2/32' "$SX_TMP/policy.yaml" | cut -d: -f1)
like "$(grep '"target":"127.0.0.2:'$P'"' "$SX_TMP/ev.jsonl" | grep '"kind":"connect"' | head -1)" \
	"\"rule\":\"$SX_TMP/policy.yaml:$rule_line\"" "a denial names the rule's file:line"
like "$(grep '"target":"127.0.0.3:'$P'"' "$SX_TMP/ev.jsonl" | head -1)" '"rule":"default"' \
	"a default denial says so"
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["kind"] in ("connect", "sendmsg"):
        for k in ("ts", "run", "pid", "ppid", "uid", "comm", "kind", "target", "verdict", "enforced", "rule", "layer"):
            assert k in e, (k, e)
        assert e["uid"] == 65534, e
        assert not e["target"].endswith(":0"), e  # a connected send names its peer
' "$SX_TMP/ev.jsonl" 2>"$SX_TMP/schema.err"
is "$?" 0 "every decision event is valid JSON with the documented fields, uid of the agent, a real port"

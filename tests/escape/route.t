#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Routing past the network layer (issue 16): an IPv6 routing header or an
# IPv4 source route lets a socket be judged against an allowed
# destination A while its packets go to B first, also on a connected UDP
# socket that is not judged again when it sends. In a network namespace
# this test creates, A and B are two addresses of its loopback; a packet
# capture on it says whether anything addressed to B left. Each attempt
# is made without Sevorix first (the control, where it must work), then
# under `sevorix run` with a policy that allows A and not B. The seccomp
# hardening refuses the socket options; what it cannot see (io_uring, a
# control message of sendmsg) meets the packet check of the network
# layer (bpf/sock.bpf.h).
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v unshare >/dev/null && command -v ip >/dev/null || skip_all "no unshare or ip"
[ -x "$BUILD/tests/escape/route" ] || skip_all "helpers not built (make tests)"
scratch
cp "$BUILD/tests/escape/route" "$SX_TMP/route"
R=$SX_TMP/route
A6=fd00:5e::a B6=fd00:5e::b A4=10.99.0.1 B4=10.99.0.2 PORT=9000
cat >"$SX_TMP/policy.yaml" <<YAML
version: 1
network:
  default: deny
  rules:
    - {action: allow, cidr: "$A6/128", ports: [$PORT]}
    - {action: allow, cidr: $A4/32, ports: [$PORT]}
YAML
printf 'hardening:\n  allow: [io_uring]\n' | cat "$SX_TMP/policy.yaml" - >"$SX_TMP/uring.yaml"
# sniff.py DST STOPFILE: prints "seen" when a packet to DST crossed lo before
# STOPFILE appeared (30 s at most), else "none"
cat >"$SX_TMP/sniff.py" <<'PY'
import os, socket, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
dst = socket.inet_pton(fam, sys.argv[1])
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(3))
s.bind(("lo", 0))
s.settimeout(0.1)
print("ready", flush=True)
end, seen = time.time() + 30, False
while time.time() < end and not seen and not os.path.exists(sys.argv[2]):
    try:
        p = s.recv(65535)
    except socket.timeout:
        continue
    seen = (fam == socket.AF_INET6 and p[0] >> 4 == 6 and p[24:40] == dst) or \
           (fam == socket.AF_INET and p[0] >> 4 == 4 and p[16:20] == dst)
print("seen" if seen else "none", flush=True)
PY
chmod 755 "$SX_TMP/route" "$SX_TMP/sniff.py"

# in_ns DST CMD...: CMD in a fresh network namespace; prints its last line and
# whether a packet to DST crossed the loopback meanwhile
in_ns() {
	local dst=$1
	shift
	unshare -n bash -c '
		ip link set lo up
		ip addr add '$A6'/128 dev lo; ip addr add '$B6'/128 dev lo
		ip addr add '$A4'/32 dev lo; ip addr add '$B4'/32 dev lo
		rm -f "'"$SX_TMP"'/stop" "'"$SX_TMP"'/sniff.out"
		python3 "'"$SX_TMP"'/sniff.py" '"$dst"' "'"$SX_TMP"'/stop" >"'"$SX_TMP"'/sniff.out" &
		for _ in $(seq 100); do grep -qs ready "'"$SX_TMP"'/sniff.out" && break; sleep 0.05; done
		"$@" 2>&1 | tail -n 1
		sleep 0.5
		touch "'"$SX_TMP"'/stop"
		wait
		tail -n 1 "'"$SX_TMP"'/sniff.out"' in_ns "$@" | tr '\n' ' ' | sed 's/ $//'
}
as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all -- "$@"; }
sx() { "$SEVORIX" run --policy "$SX_TMP/$1" --user nobody --events "$SX_TMP/ev.jsonl" -- "${@:2}"; }
sx_root() { "$SEVORIX" run --policy "$SX_TMP/$1" --allow-root-agent --events "$SX_TMP/ev.jsonl" \
	-- "${@:2}"; }
export -f as_nobody sx sx_root
export SEVORIX SX_TMP

plan 14

# attempt NAME B WANT-CONTROL WANT-CONFINED CONTROL-CMD... -- CONFINED-CMD...
attempt() {
	local name=$1 b=$2 want_ctl=$3 want=$4 ctl=() conf=() got_ctl got
	shift 4
	while [ "$1" != -- ]; do ctl+=("$1"); shift; done
	shift
	conf=("$@")
	got_ctl=$(in_ns "$b" "${ctl[@]}")
	got=$(in_ns "$b" "${conf[@]}")
	is "$got_ctl" "$want_ctl" "$name: without Sevorix the packet goes to B"
	is "$got" "$want" "$name: under sevorix run it is refused and nothing leaves for B"
}
attempt "IPv6 routing header (setsockopt), UDP" $B6 "OK seen" "EPERM none" \
	as_nobody "$R" rthdr $A6 $B6 $PORT -- sx policy.yaml "$R" rthdr $A6 $B6 $PORT
attempt "routing header on a connected UDP socket" $B6 "OK seen" "EPERM none" \
	as_nobody "$R" rthdr-connected $A6 $B6 $PORT -- sx policy.yaml "$R" rthdr-connected $A6 $B6 $PORT
attempt "routing header on TCP" $B6 "OK seen" "EPERM none" \
	as_nobody "$R" rthdr-tcp $A6 $B6 $PORT -- sx policy.yaml "$R" rthdr-tcp $A6 $B6 $PORT
attempt "routing header set through io_uring (io_uring allowed)" $B6 "OK seen" "EPERM none" \
	as_nobody "$R" rthdr-uring $A6 $B6 $PORT -- sx uring.yaml "$R" rthdr-uring $A6 $B6 $PORT
attempt "IPv4 loose source route (a root agent)" $B4 "OK seen" "EPERM none" \
	"$R" lsrr $A4 $B4 $PORT -- sx_root policy.yaml "$R" lsrr $A4 $B4 $PORT
attempt "IPv4 source route as a control message (a root agent)" $B4 "OK seen" "EPERM none" \
	"$R" lsrr-cmsg $A4 $B4 $PORT -- sx_root policy.yaml "$R" lsrr-cmsg $A4 $B4 $PORT
is "$(in_ns "$A6" sx policy.yaml "$R" plain $A6 $B6 $PORT)" "OK seen" \
	"a datagram to the allowed address itself still goes"
like "$(grep '"kind":"packet"' "$SX_TMP/ev.jsonl" | head -1)" \
	'"target":"\['$B6'\]:'$PORT'".*"verdict":"deny".*"reason":"an IPv6 routing header' \
	"the dropped packet is an event naming where it was going and why"

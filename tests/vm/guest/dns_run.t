#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Egress by name (docs/dns.md) where the BPF LSM layer runs too: its
# socket_connect and socket_sendmsg hooks see a destination before the
# cgroup programs do, so they must judge a lookup (port 53, any address)
# as bound for the run's resolver and a learnt address as the cgroup
# program does, or the redirect never happens and learnt addresses stay
# denied. `sevorix run` (the real binary) with host rules, dnsmasq (the
# host's, copied into the suite) as the upstream on loopback, lookups made
# by hand to addresses that are not the resolver's (dns_agent).

S=/suite/bin/sevorix D=/suite/bin/dnsmasq A=/suite/bin/dns_agent
for x in $S $D $A; do
	if ! [ -x $x ]; then
		echo "1..0 # SKIP no $x in the suite (make vm-suite)"
		exit 0
	fi
done
echo 1..8
n=0
t() { # t COND DESCRIPTION
	n=$((n + 1))
	if eval "$1"; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
grep -q '^nobody:' /etc/passwd 2>/dev/null || {
	echo 'root:x:0:0:root:/root:/bin/sh' >>/etc/passwd
	echo 'nobody:x:65534:65534:nobody:/tmp/runh:/bin/sh' >>/etc/passwd
	echo 'root:x:0:' >>/etc/group
	echo 'nogroup:x:65534:' >>/etc/group
}
chmod 755 / # the initramfs root comes from a mktemp -d folder (0700): let nobody in
$D --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll --pid-file= \
	--listen-address=127.53.0.1 --bind-interfaces --port=5353 --user=root --group=root \
	--log-queries --log-facility=/tmp/dnsmasq.log --local-ttl=600 \
	--host-record=allowed.test,127.0.0.11 --host-record=meta.test,169.254.169.254 \
	2>/tmp/dnsmasq.err &
DNSMASQ=$!
mkdir -p /tmp/www && echo ok >/tmp/www/index.html
busybox httpd -f -p 8080 -h /tmp/www &
HTTPD=$!
cat >/tmp/dns.yaml <<EOP
version: 1
network:
  default: deny
  rules:
    - {action: allow, host: allowed.test, ports: [8080]}
    - {action: allow, host: meta.test, ports: [80]}
    - {action: deny, cidr: 169.254.169.254/32}
  dns:
    upstream: ["127.53.0.1:5353"]
EOP
EV=/tmp/dns.jsonl
cd /tmp || exit 1
run() { $S run --policy /tmp/dns.yaml --user nobody --events $EV -- "$@" 2>>/tmp/dns.err; }
sleep 1

out=$(run $A udp 8.8.8.8 53 allowed.test)
t '[ "$out" = "NOERROR 127.0.0.11 from 8.8.8.8:53" ]' \
	"a UDP lookup sent to 8.8.8.8:53 is answered by the run's resolver ($out)"
out=$(run $A tcp 192.0.2.53 53 allowed.test)
t '[ "$out" = "NOERROR 127.0.0.11 from 192.0.2.53:53" ]' "over TCP too ($out)"
out=$(run /bin/sh -c "$A udp 8.8.8.8 53 allowed.test >/dev/null; $A connect 127.0.0.11 8080")
t '[ "$out" = ok ]' "the learnt address connects ($out)"
t 'grep "\"target\":\"127.0.0.11:8080\"" $EV | grep -q "\"host\":\"allowed.test\".*\"verdict\":\"allow\""' \
	"its connect event names the host"
t '! grep "\"target\":\"127.0.0.11:8080\"" $EV | grep -q "\"verdict\":\"deny\""' \
	"and no layer denied it"
out=$(run $A connect 127.0.0.11 8080)
t '[ "$out" = EPERM ]' "not looked up in this run: refused ($out)"
: >$EV
out=$(run /bin/sh -c "$A udp 8.8.8.8 53 meta.test >/dev/null; $A connect 169.254.169.254 80")
t '[ "$out" = EPERM ] && grep "169.254.169.254:80" $EV | grep -q "\"layer\":\"bpf-lsm\""' \
	"a name resolving to 169.254.169.254 is refused, by the bpf-lsm layer first ($out)"
out=$(run $A udp 8.8.8.8 53 secret.exfil.test)
t '[ "$out" = "NXDOMAIN from 8.8.8.8:53" ] && ! grep -q exfil /tmp/dnsmasq.log' \
	"a name under no rule: NXDOMAIN, never forwarded ($out)"
kill $DNSMASQ $HTTPD 2>/dev/null
sed 's/^/# /' /tmp/dns.err /tmp/dnsmasq.err 2>/dev/null | head -n 20

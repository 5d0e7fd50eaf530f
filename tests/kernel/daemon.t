#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# sevorix daemon with an attachment made before it started: the daemon
# adopts it from the state dir, reads its ring buffer (its decisions reach
# /events and /metrics), tells the service manager it is ready, and on
# SIGHUP applies its policy file again: a broken one changes nothing (the
# running one still enforces), a good one replaces it with no gap (a loop
# of connects to a newly denied address never gets through once the
# reload is done). Killed, it leaves the attachment enforcing.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v curl >/dev/null || skip_all "curl is not installed"
scratch
MNT=$(cgroup2_mount)
CG="$MNT/sevorix-test-daemon-$$"
mkdir "$CG" || skip_all "cannot create a cgroup under $MNT"
trap 'for p in $SX_PIDS; do kill $p 2>/dev/null; done; wait 2>/dev/null;
	[ -n "${ID:-}" ] && "$SEVORIX" detach "$ID" >/dev/null 2>&1; cg_remove "$CG"; sx_cleanup' EXIT

A="$SX_TMP/net_agent" W="$SX_TMP/w" S="$SX_TMP/d.sock"
cp "$BUILD/tests/kernel/net_agent" "$A"
mkdir -m 777 "$W"
P=$(free_port)
python3 "$(dirname "$0")/servers.py" 127.0.0.2:$P 127.0.0.3:$P >"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out"
policy() { # policy ADDR: the policy file denies ADDR
	printf 'version: 1\nnetwork:\n  default: allow\n  rules:\n    - {action: deny, cidr: %s/32}\n' \
		"$1" >"$SX_TMP/policy.yaml"
}
policy 127.0.0.2
# the tree: connects to the address in $W/addr whenever asked, or in a
# loop while $W/loop exists (noting whether $W/applied existed before)
cat >"$SX_TMP/tree.sh" <<EOF
#!/bin/bash
while [ ! -e $W/stop ]; do
	if [ -e $W/go ]; then
		rm -f $W/go
		"$A" connect \$(cat $W/addr) $P >$W/out.tmp
		mv $W/out.tmp $W/out
	elif [ -e $W/loop ]; then
		a=0; [ -e $W/applied ] && a=1
		echo "\$a \$("$A" connect 127.0.0.3 $P)" >>$W/loop.out
	else
		sleep 0.02
	fi
done
EOF
chmod 755 "$SX_TMP/tree.sh"
bash -c "echo \$\$ >'$CG/cgroup.procs' && exec setpriv --reuid 65534 --regid 65534 --clear-groups '$SX_TMP/tree.sh'" &
started $!
ask() { # ask ADDR: the tree connects once
	rm -f "$W/out"
	echo "$1" >"$W/addr"
	touch "$W/go"
	for _ in $(seq 250); do [ -e "$W/out" ] && break; sleep 0.02; done
	cat "$W/out"
}
get() { curl -sN --max-time "${2:-5}" --unix-socket "$S" "http://sevorixd$1"; }
metric() { get /metrics | awk -v m="$1" 'index($0, m " ") == 1 {print $NF}'; }
until_metric() { # until_metric NAME VALUE: waits (5 s at most) until it is at least VALUE
	for _ in $(seq 250); do [ "$(metric "$1")" -ge "$2" ] 2>/dev/null && return 0; sleep 0.02; done
	return 1
}
# the service manager's side of sd_notify(3): a datagram socket that logs
python3 - "$SX_TMP/notify" >"$SX_TMP/notify.log" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    print(s.recv(4096).decode().replace("\n", " "), flush=True)
EOF
started $!

plan 17

ID=$("$SEVORIX" attach --cgroup "$CG" --policy "$SX_TMP/policy.yaml" | sed -n 's/^attached \([0-9a-f]*\) .*/\1/p')
like "$ID" "^[0-9a-f]+$" "an attachment made before the daemon"
for _ in $(seq 50); do [ -S "$SX_TMP/notify" ] && break; sleep 0.02; done
NOTIFY_SOCKET="$SX_TMP/notify" "$SEVORIX" daemon --socket "$S" --policy "$SX_TMP/policy.yaml" \
	--log-dir "$SX_TMP/logs" 2>"$SX_TMP/daemon.log" &
DAEMON=$!
started $DAEMON
for _ in $(seq 250); do grep -q READY=1 "$SX_TMP/notify.log" && break; sleep 0.02; done
like "$(cat "$SX_TMP/notify.log")" "^READY=1" "the daemon tells the service manager it is ready"

D0=$(metric 'sevorix_decisions_total{layer="cgroup-bpf",verdict="deny"}')
get /events 30 >"$SX_TMP/events.out" &
EVP=$!
sleep 0.3
is "$(ask 127.0.0.2)" EPERM "the attachment denies its address"
for _ in $(seq 100); do grep -q '"kind":"connect"' "$SX_TMP/events.out" && break; sleep 0.05; done
like "$(grep '"kind":"connect"' "$SX_TMP/events.out" | head -1)" \
	"\"run\":\"$ID\".*\"target\":\"127.0.0.2:$P\".*\"verdict\":\"deny\".*\"rule\":\"[^\"]*policy.yaml:5\"" \
	"the daemon reads the adopted attachment's events and streams them on /events"
until_metric "sevorix_kernel_decisions_total{run=\"$ID\",verdict=\"deny\"}" 1
is "$?" 0 "/metrics has the kernel's counters of the attachment"
until_metric 'sevorix_decisions_total{layer="cgroup-bpf",verdict="deny"}' $((${D0:-0} + 1))
is "$?" 0 "and its logged decisions by layer and verdict"
[ "$(metric sevorix_protected_cgroups)" -ge 1 ]; is "$?" 0 "and counts it as a protected cgroup"

printf 'version: 1\nnetwork:\n  default: allow\n  rules:\n    - {action: deny, cidr: 127.0.0.2/33}\n' \
	>"$SX_TMP/policy.yaml"
kill -HUP "$DAEMON"
until_metric 'sevorix_reloads_total{result="error"}' 1; is "$?" 0 "SIGHUP with a broken policy fails"
like "$(cat "$SX_TMP/daemon.log")" "policy.yaml:5:[0-9]+: " "and says where (file:line:col)"
is "$(ask 127.0.0.2) $(ask 127.0.0.3)" "EPERM ok" "and the running policy still enforces"

touch "$W/loop"
for _ in $(seq 100); do [ -s "$W/loop.out" ] && break; sleep 0.02; done
policy 127.0.0.3
kill -HUP "$DAEMON"
until_metric 'sevorix_reloads_total{result="ok"}' 1; is "$?" 0 "SIGHUP with a good policy reloads"
touch "$W/applied"
for _ in $(seq 250); do [ "$(grep -c '^1 ' "$W/loop.out")" -ge 20 ] && break; sleep 0.02; done
rm -f "$W/loop"
sleep 0.2
is "$(grep '^1 ' "$W/loop.out" | grep -vc EPERM)" 0 \
	"no connect to the newly denied address got through after the reload ($(grep -c '^1 ' "$W/loop.out") tried, $(grep -c '^0 ok' "$W/loop.out") allowed before)"
is "$(ask 127.0.0.2)" ok "the address the new policy allows connects"
like "$(grep RELOADING=1 "$SX_TMP/notify.log")" "MONOTONIC_USEC=[0-9]+" "the reload was announced to the service manager"
for _ in $(seq 100); do grep -q "127.0.0.3:$P" "$SX_TMP/events.out" && break; sleep 0.05; done
like "$(grep "127.0.0.3:$P" "$SX_TMP/events.out" | tail -1)" "\"run\":\"$ID\".*\"verdict\":\"deny\"" \
	"the daemon follows the attachment's new programs: their events are streamed"
kill "$EVP" 2>/dev/null

# SIGUSR2: the binary starts again with --upgrade and takes over
kill -USR2 "$DAEMON"
for _ in $(seq 250); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.02; done
NEW=$(sed -n 's/.*serving .* (pid \([0-9]*\))$/\1/p' "$SX_TMP/daemon.log" | tail -1)
[ -n "$NEW" ] && [ "$NEW" != "$DAEMON" ] && started "$NEW"
kill -0 "$DAEMON" 2>/dev/null
old=$?
[ "$old" = 1 ] && [ "$(metric sevorix_protected_cgroups)" -ge 1 ]
is "$?" 0 "after SIGUSR2 a new daemon ($NEW) serves in the old one's place"
wait "$DAEMON" 2>/dev/null
kill -9 "$NEW"
for _ in $(seq 100); do kill -0 "$NEW" 2>/dev/null || break; sleep 0.02; done
is "$(ask 127.0.0.3)" EPERM "the daemon killed, the attachment still denies"
touch "$W/stop"

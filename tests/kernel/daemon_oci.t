#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# sevorix daemon as the OCI runtimes' seccomp agent, with one long-lived
# container of each runtime (runc, crun): its decisions reach /metrics and
# /events; SIGHUP with a broken policy changes nothing, with a good one
# changes the running container at once (a loop of connects to a newly
# denied port never gets through once the reload is done); an upgrade
# hands the container's listener to a new daemon over SCM_RIGHTS, whose
# held execs still reach the jury while denied connects stay denied; and
# the daemon killed leaves the container fail-closed.
. "$(dirname "$0")/../lib/tap.sh"
need_root
[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"
command -v curl >/dev/null || skip_all "curl is not installed"
. "$(dirname "$0")/oci_setup.sh"
oci_bundle "$SX_TMP/agent.sock"
Q=$(free_port)
python3 "$(dirname "$0")/servers.py" 127.0.0.1:$Q >"$SX_TMP/srv2.out" &
started $!
cp "$SX_TMP/policy.yaml" "$SX_TMP/p1.yaml"
sed "s|    - {action: deny, cidr: 127.0.0.2/32}|&\n    - {action: deny, cidr: 127.0.0.1/32, ports: [$Q]}|" \
	"$SX_TMP/p1.yaml" >"$SX_TMP/p2.yaml"
printf 'version: 1\nnetwork:\n  default: allow\n  rules:\n    - {action: deny, cidr: 127.0.0.300/32}\n' \
	>"$SX_TMP/bad.yaml"
S="$SX_TMP/d.sock"
daemon() { # daemon [--upgrade]
	"$SEVORIX" daemon --socket "$S" --oci-socket "$SX_TMP/agent.sock" --policy "$SX_TMP/policy.yaml" \
		--jury "unix://$J/run/slm.sock" --log-dir "$SX_TMP/logs" "$@" >>"$SX_TMP/daemon.log" 2>&1 &
	DAEMON=$!
	started $DAEMON
}
get() { curl -sN --max-time "${2:-5}" --unix-socket "$S" "http://sevorixd$1"; }
metric() { get /metrics | awk -v m="$1" 'index($0, m " ") == 1 {print $NF}'; }
until_metric() { # until_metric NAME VALUE: waits (5 s at most) until it is at least VALUE
	for _ in $(seq 250); do [ "$(metric "$1")" -ge "$2" ] 2>/dev/null && return 0; sleep 0.02; done
	return 1
}
# the container: runs /tmp/cmd when /tmp/go appears, connects in a loop
# while /tmp/loop exists (noting whether /tmp/applied existed before each
# connect), execs a held program in a loop while /tmp/hloop exists, until
# /tmp/stop
LOOP='while [ ! -e /tmp/stop ]; do
	if [ -e /tmp/go ]; then rm -f /tmp/go; . /tmp/cmd >/tmp/out.tmp 2>&1; mv /tmp/out.tmp /tmp/out
	elif [ -e /tmp/loop ]; then a=0; [ -e /tmp/applied ] && a=1
		nc -w 1 127.0.0.1 '$Q' </dev/null >/dev/null 2>&1; echo "$a $?" >>/tmp/loop.out
	elif [ -e /tmp/hloop ]; then /opt/bin/touch /tmp/held; echo $? >>/tmp/hloop.out
	else sleep 0.05; fi
done'
ask() { # ask CMD: runs CMD in the container, prints its output
	rm -f "$R/tmp/out"
	printf '%s\n' "$1" >"$R/tmp/cmd"
	touch "$R/tmp/go"
	for _ in $(seq 500); do [ -e "$R/tmp/out" ] && break; sleep 0.02; done
	tr '\n' ' ' <"$R/tmp/out"
}

plan $((19 * $(echo $RUNTIMES | wc -w)))

for RT in $RUNTIMES; do
	rm -rf "$R"/tmp/* "$R"/etc/cron.d/* "$SX_TMP/logs"
	cp "$SX_TMP/p1.yaml" "$SX_TMP/policy.yaml"
	daemon
	for _ in $(seq 100); do [ -S "$SX_TMP/agent.sock" ] && [ -S "$S" ] && break; sleep 0.05; done
	container "$LOOP" >"$SX_TMP/container.out" &
	CT=$!
	until_metric sevorix_containers 1; is "$?" 0 "$RT: the daemon holds the container"
	# counted over every log of the machine: this test's part is what it adds
	H0=$(metric 'sevorix_held_calls_total{kind="exec",verdict="allow"}')
	D0=$(metric 'sevorix_decisions_total{layer="cgroup-bpf",verdict="deny"}')

	get /events 30 >"$SX_TMP/events.out" &
	EVP=$!
	sleep 0.3
	like "$(ask "nc -w 2 127.0.0.2 $P </dev/null; echo d=\$?")" "d=1" "$RT: a connect to the denied address is refused"
	for _ in $(seq 100); do grep -q '"kind":"connect".*127.0.0.2' "$SX_TMP/events.out" && break; sleep 0.05; done
	like "$(grep '"kind":"connect".*127.0.0.2' "$SX_TMP/events.out" | head -1)" \
		'"target":"127.0.0.2:[0-9]+".*"verdict":"deny"' "and /events streams its decision"
	ask "/opt/bin/touch /tmp/reviewed1" >/dev/null
	[ -e "$R/tmp/reviewed1" ]; is "$?" 0 "$RT: a held exec is allowed by the jury"
	until_metric 'sevorix_held_calls_total{kind="exec",verdict="allow"}' $((${H0:-0} + 1))
	is "$?" 0 "and /metrics counts it as a held call"
	until_metric 'sevorix_decisions_total{layer="cgroup-bpf",verdict="deny"}' $((${D0:-0} + 1))
	is "$?" 0 "and the denied connect by layer and verdict"
	kill "$EVP" 2>/dev/null

	# SIGHUP: a broken policy changes nothing
	cp "$SX_TMP/bad.yaml" "$SX_TMP/policy.yaml"
	kill -HUP "$DAEMON"
	until_metric 'sevorix_reloads_total{result="error"}' 1; is "$?" 0 "$RT: SIGHUP with a broken policy fails"
	like "$(cat "$SX_TMP/daemon.log")" "policy.yaml:5:[0-9]+: " "and says where (file:line:col)"
	like "$(ask "nc -w 2 127.0.0.2 $P </dev/null; echo d=\$?; nc -w 2 127.0.0.1 $Q </dev/null >/dev/null; echo q=\$?")" \
		"d=1 .*q=0" "and the running policy stays"

	# SIGHUP: a good one applies while the container connects in a loop
	touch "$R/tmp/loop"
	for _ in $(seq 100); do [ -s "$R/tmp/loop.out" ] && break; sleep 0.02; done
	cp "$SX_TMP/p2.yaml" "$SX_TMP/policy.yaml"
	kill -HUP "$DAEMON"
	until_metric 'sevorix_reloads_total{result="ok"}' 1; is "$?" 0 "$RT: SIGHUP with a good policy reloads"
	touch "$R/tmp/applied"
	for _ in $(seq 250); do [ "$(grep -c '^1 ' "$R/tmp/loop.out")" -ge 20 ] && break; sleep 0.02; done
	rm -f "$R/tmp/loop"
	sleep 0.2
	is "$(grep -c '^1 0' "$R/tmp/loop.out")" 0 \
		"no connect to the newly denied port got through after the reload ($(grep -c '^1 ' "$R/tmp/loop.out") tried, $(grep -c '^0 0' "$R/tmp/loop.out") allowed before)"

	# upgrade: the listener goes to a new daemon while the container execs
	# held programs in a loop; every one of them is answered
	touch "$R/tmp/hloop"
	for _ in $(seq 250); do [ -s "$R/tmp/hloop.out" ] && break; sleep 0.02; done
	OLD=$DAEMON
	daemon --upgrade
	for _ in $(seq 250); do kill -0 "$OLD" 2>/dev/null || break; sleep 0.02; done
	kill -0 "$OLD" 2>/dev/null; is "$?" 1 "$RT: the old daemon exits after the upgrade"
	n=$(wc -l <"$R/tmp/hloop.out")
	for _ in $(seq 250); do [ "$(wc -l <"$R/tmp/hloop.out")" -ge $((n + 5)) ] && break; sleep 0.02; done
	rm -f "$R/tmp/hloop"
	sleep 0.3
	is "$(grep -vc '^0$' "$R/tmp/hloop.out")" 0 \
		"no held exec failed across the upgrade ($(wc -l <"$R/tmp/hloop.out") in a loop, $n before the old one exited)"
	like "$(cat "$SX_TMP/daemon.log")" "took over 1 container" "the new one took the container's listener"
	ask "/opt/bin/touch /tmp/reviewed2; /opt/bin/touch /etc/cron.d/job; echo g=\$?" >/dev/null
	[ -e "$R/tmp/reviewed2" ] && [ ! -e "$R/etc/cron.d/job" ]
	is "$?" 0 "$RT: after the upgrade, held execs still reach the jury (one allowed, one denied)"
	like "$(ask "nc -w 2 127.0.0.2 $P </dev/null; echo d=\$?; nc -w 1 127.0.0.1 $Q </dev/null; echo q=\$?")" \
		"d=1 .*q=1" "and denied connects stay denied, the reloaded rule too"
	is "$(metric sevorix_containers)" 1 "the new daemon serves /metrics"

	# the daemon killed: trapped calls fail closed, the pinned programs stay
	kill -9 "$DAEMON"
	wait "$DAEMON" 2>/dev/null
	out=$(ask "/bin/gtouch /tmp/after; echo x=\$?")
	[ ! -e "$R/tmp/after" ]; is "$?" 0 "$RT: with the daemon killed, the container's execs fail"
	diag "$out"
	is "$(connect_from_container_cgroup 127.0.0.2 $P)" EPERM \
		"and a process of its cgroup is still denied the address"
	touch "$R/tmp/stop"
	wait "$CT"
	"$SEVORIX" cleanup >/dev/null
done

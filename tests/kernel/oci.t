#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Containers of real OCI runtimes (runc, and crun when installed) under
# `sevorix oci-agent`: a
# root filesystem built here (busybox-static and a dynamically linked
# program), its config.json given the seccomp section of `sevorix
# oci-config`, no image or registry. The container's connects and execs
# are decided as under `sevorix run`, held execs by a real jury, and
# killing the agent leaves the container fail-closed.
. "$(dirname "$0")/../lib/tap.sh"
need_root
[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"
. "$(dirname "$0")/oci_setup.sh"
oci_bundle "$SX_TMP/agent.sock"
agent() {
	"$SEVORIX" oci-agent --socket "$SX_TMP/agent.sock" --policy "$SX_TMP/policy.yaml" \
		--jury "unix://$J/run/slm.sock" --log-dir "$SX_TMP/logs" >>"$SX_TMP/agent.log" 2>&1 &
	AGENT=$!
	started $AGENT
	for _ in $(seq 100); do [ -S "$SX_TMP/agent.sock" ] && break; sleep 0.05; done
}

plan $((1 + 9 * $(echo $RUNTIMES | wc -w)))

like "$(grep -o '"listenerPath":"[^"]*"' "$B/config.json")" "$SX_TMP/agent.sock" \
	"oci-config merged the seccomp section with the agent's socket"
for RT in $RUNTIMES; do
	rm -f "$R"/tmp/* "$R"/etc/cron.d/* "$SX_TMP/agent.sock"
	agent
	out=$(container "nc -w 2 127.0.0.1 $P </dev/null >/dev/null; echo a=\$?; nc -w 2 127.0.0.2 $P </dev/null; echo d=\$?")
	like "$out" "a=0" "$RT: the container connects to an allowed address"
	like "$out" "d=1" "and is denied another (the cgroup layer on the container's cgroup)"
	like "$out" "127.0.0.2.*Operation not permitted" "with EPERM"
	out=$(container "/bin/gtouch /tmp/ok; f=forbid; /bin/gtouch /tmp/\${f}den; echo t=\$?")
	like "$out" "t=126" "$RT: an argv-denied exec in the container is refused"
	[ -e "$R/tmp/ok" ] && [ ! -e "$R/tmp/forbidden" ]
	is "$?" 0 "and only the allowed one ran"
	container "/opt/bin/touch /tmp/reviewed; /opt/bin/touch /etc/cron.d/job; echo g=\$?" >/dev/null
	[ -e "$R/tmp/reviewed" ] && [ ! -e "$R/etc/cron.d/job" ]
	is "$?" 0 "$RT: held execs: the jury allows one and denies the other (a cron job)"

	# the agent killed during a container's life: its trapped calls fail, the
	# network layer stays
	container "touch /tmp/started; while [ ! -e /tmp/go ]; do sleep 0.1; done;
		/bin/gtouch /tmp/after; echo x=\$?" >"$SX_TMP/late.out" &
	LATE=$!
	for _ in $(seq 200); do [ -e "$R/tmp/started" ] && break; sleep 0.05; done
	kill -9 "$AGENT"
	wait "$AGENT" 2>/dev/null
	is "$(connect_from_container_cgroup 127.0.0.2 $P)" EPERM \
		"$RT: with the agent gone, the container's cgroup is still denied the address"
	touch "$R/tmp/go"
	wait "$LATE"
	[ ! -e "$R/tmp/after" ]; is "$?" 0 "and its execs fail (the kernel answers ENOSYS)"
	ids=$(ls "$SX_TMP/logs" | sed 's/\.jsonl$//')
	"$SEVORIX" cleanup >/dev/null
	left=0
	for id in $ids; do [ -e "/sys/fs/bpf/sevorix/$id" ] && left=$((left + 1)); done
	is "$left" 0 "cleanup removes the pins of ended containers"
done

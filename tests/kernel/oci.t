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
RUNTIMES=$(for rt in runc crun; do command -v $rt >/dev/null && echo $rt; done)
[ -n "$RUNTIMES" ] || skip_all "neither runc nor crun is installed"
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"
scratch
MNT=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
CG="$MNT/sevorix-test-oci-$$"	# crun's containers, one leaf each
trap 'for c in "$CG"/*/ "$CG"; do cg_remove "$c"; done; sx_cleanup' EXIT

B="$SX_TMP/bundle" R="$SX_TMP/bundle/rootfs" J="$SX_TMP/jury"
mkdir -p "$R/bin" "$R/tmp" "$R/etc/cron.d" "$J"
cp /bin/busybox "$R/bin/" && ln -s busybox "$R/bin/sh" && ln -s busybox "$R/bin/nc"
# a dynamically linked program with its libraries: exec goes through ld.so
cp /usr/bin/touch "$R/bin/gtouch"
mkdir -p "$R/opt/bin" && cp "$R/bin/gtouch" "$R/opt/bin/touch"	# held for the jury
for l in $(ldd /usr/bin/touch | grep -o '/[^ ]*'); do mkdir -p "$R$(dirname "$l")"; cp -L "$l" "$R$l"; done
P=$(free_port)
python3 "$(dirname "$0")/servers.py" 127.0.0.1:$P >"$SX_TMP/srv.out" &
started $!
printf 'cache: {size: 0}\njurors:\n  - {kind: rulebook}\n' >"$J/jury.yaml"
"$SEVORIX" jury serve --socket "$J/run/slm.sock" --config "$J/jury.yaml" >"$J/log" 2>&1 &
started $!
cat >"$SX_TMP/policy.yaml" <<EOF
version: 1
network:
  default: allow
  rules:
    - {action: deny, cidr: 127.0.0.2/32}
exec:
  default: allow
  rules:
    - {action: deny, argv: "*touch *forbidden*"}
    - {action: review, path: /opt/bin}
EOF
(cd "$B" && runc spec)
# the container shares the host's network (loopback servers) and writes its rootfs
python3 - "$B/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["root"]["readonly"] = False
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
json.dump(c, open(sys.argv[1], "w"), indent=1)
EOF
"$SEVORIX" oci-config --socket "$SX_TMP/agent.sock" --policy "$SX_TMP/policy.yaml" \
	--merge "$B/config.json"
agent() {
	"$SEVORIX" oci-agent --socket "$SX_TMP/agent.sock" --policy "$SX_TMP/policy.yaml" \
		--jury "unix://$J/run/slm.sock" --log-dir "$SX_TMP/logs" >>"$SX_TMP/agent.log" 2>&1 &
	AGENT=$!
	started $AGENT
	for _ in $(seq 100); do [ -S "$SX_TMP/agent.sock" ] && break; sleep 0.05; done
}
# container CMD: runs /bin/sh -c CMD in a fresh container, prints its output
container() {
	local N; N=$(date +%s%N)	# unique also when called in $(...)
	python3 - "$B/config.json" "$1" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/sh", "-c", sys.argv[2]]
json.dump(c, open(sys.argv[1], "w"), indent=1)
EOF
	case $RT in
	runc) timeout 60 runc run -b "$B" "sevorix-test-$$-$N" 2>&1 ;;
	# crun refuses this machine's hybrid cgroup layout and cannot raise
	# RLIMIT_MEMLOCK for its device program here (no CAP_SYS_RESOURCE): it
	# sees only cgroup v2 at /sys/fs/cgroup in a mount namespace of its own
	# and runs without cgroup management, in a cgroup v2 leaf this test made
	crun) mkdir "$CG/$N" && bash -c 'echo $$ >"$1/cgroup.procs" && exec unshare -m --propagation private \
		sh -c "mount --bind $2 /sys/fs/cgroup && exec timeout 60 crun --cgroup-manager=disabled run -b $3 $4"' \
		- "$CG/$N" "$MNT" "$B" "sevorix-test-$$-$N" 2>&1 ;;
	esac
}
for _ in $(seq 100); do [ -S "$J/run/slm.sock" ] && grep -q ready "$SX_TMP/srv.out" && break; sleep 0.05; done

plan $((1 + 9 * $(echo $RUNTIMES | wc -w)))

like "$(grep -o '"listenerPath":"[^"]*"' "$B/config.json")" "$SX_TMP/agent.sock" \
	"oci-config merged the seccomp section with the agent's socket"
for RT in $RUNTIMES; do
	[ $RT = crun ] && { mkdir -p "$CG" || { fail "$RT: cannot create $CG"; continue; }; }
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
	container "touch /tmp/started; while [ ! -e /tmp/go ]; do sleep 0.1; done; nc -w 2 127.0.0.2 $P </dev/null; echo n=\$?;
		/bin/gtouch /tmp/after; echo x=\$?" >"$SX_TMP/late.out" &
	LATE=$!
	for _ in $(seq 200); do [ -e "$R/tmp/started" ] && break; sleep 0.05; done
	kill -9 "$AGENT"
	wait "$AGENT" 2>/dev/null
	touch "$R/tmp/go"
	wait "$LATE"
	like "$(cat "$SX_TMP/late.out")" "n=1" "$RT: with the agent gone, the container is still denied the address"
	[ ! -e "$R/tmp/after" ]; is "$?" 0 "and its execs fail (the kernel answers ENOSYS)"
	ids=$(ls "$SX_TMP/logs" | sed 's/\.jsonl$//')
	"$SEVORIX" cleanup >/dev/null
	left=0
	for id in $ids; do [ -e "/sys/fs/bpf/sevorix/$id" ] && left=$((left + 1)); done
	is "$left" 0 "cleanup removes the pins of ended containers"
done

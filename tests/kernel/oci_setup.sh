# SPDX-License-Identifier: GPL-2.0-only
# The setup of the container tests (oci.t, daemon_oci.t); source it after
# tap.sh and need_root. It skips the test when no runtime or busybox is
# there, and builds under a scratch dir: a root filesystem (busybox-static
# and a dynamically linked program with its libraries, one copy of it
# under /opt/bin for the jury), a bundle whose container shares the host's
# network, a server on 127.0.0.1:$P, a jury (the rulebook juror) on
# $J/run/slm.sock, and the containers' policy $SX_TMP/policy.yaml.
#
#   RUNTIMES          the runtimes installed (runc, crun)
#   oci_bundle SOCK   gives the bundle the seccomp section of `sevorix
#                     oci-config` with the agent's socket SOCK
#   container CMD     runs /bin/sh -c CMD in a fresh container of runtime
#                     $RT and prints its output
#   connect_from_container_cgroup ADDR PORT
#                     connects from the cgroup of the running container:
#                     prints ok or EPERM
RUNTIMES=$(for rt in runc crun; do command -v $rt >/dev/null && echo $rt; done)
[ -n "$RUNTIMES" ] || skip_all "neither runc nor crun is installed"
[ -x /bin/busybox ] || skip_all "busybox-static is not installed"
scratch
MNT=$(cgroup2_mount)
CG="$MNT/sevorix-test-oci-$$"	# crun's containers, one leaf each
trap 'for c in "$CG"/*/ "$CG"; do cg_remove "$c"; done; sx_cleanup' EXIT

B="$SX_TMP/bundle" R="$SX_TMP/bundle/rootfs" J="$SX_TMP/jury"
mkdir -p "$R/bin" "$R/tmp" "$R/etc/cron.d" "$J"
cp /bin/busybox "$R/bin/"
for a in sh nc sleep; do ln -s busybox "$R/bin/$a"; done
# a dynamically linked program with its libraries: exec goes through ld.so
cp /usr/bin/touch "$R/bin/gtouch"
mkdir -p "$R/opt/bin" && cp "$R/bin/gtouch" "$R/opt/bin/touch"	# held for the jury
for l in $(ldd /usr/bin/touch | grep -o '/[^ ]*'); do mkdir -p "$R$(dirname "$l")"; cp -L "$l" "$R$l"; done
P=$(free_port)
python3 "$(dirname "${BASH_SOURCE[0]}")/servers.py" 127.0.0.1:$P >"$SX_TMP/srv.out" &
started $!
printf 'cache: {size: 0}\njurors:\n  - {kind: rulebook}\n' >"$J/jury.yaml"
"$SEVORIX" jury serve --socket "$J/run/slm.sock" --config "$J/jury.yaml" >"$J/log" 2>&1 &
started $!
cat >"$SX_TMP/policy.yaml" <<EOP
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
EOP
(cd "$B" && runc spec 2>/dev/null || crun spec)
# the container shares the host's network (loopback servers) and writes its rootfs
python3 - "$B/config.json" <<'EOP'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["root"]["readonly"] = False
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
json.dump(c, open(sys.argv[1], "w"), indent=1)
EOP
for _ in $(seq 100); do [ -S "$J/run/slm.sock" ] && grep -q ready "$SX_TMP/srv.out" && break; sleep 0.05; done

oci_bundle() {
	"$SEVORIX" oci-config --socket "$1" --policy "$SX_TMP/policy.yaml" --merge "$B/config.json"
}

container() {
	local N; N=$(date +%s%N)	# unique also when called in $(...)
	python3 - "$B/config.json" "$1" <<'EOP'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/sh", "-c", sys.argv[2]]
json.dump(c, open(sys.argv[1], "w"), indent=1)
EOP
	case $RT in
	runc) timeout 60 runc run -b "$B" "sevorix-test-$$-$N" 2>&1 ;;
	# crun refuses this machine's hybrid cgroup layout and cannot raise
	# RLIMIT_MEMLOCK for its device program here (no CAP_SYS_RESOURCE): it
	# sees only cgroup v2 at /sys/fs/cgroup in a mount namespace of its own
	# and runs without cgroup management, in a cgroup v2 leaf this test made
	crun) mkdir -p "$CG" && mkdir "$CG/$N" && bash -c 'echo $$ >"$1/cgroup.procs" && exec unshare -m --propagation private \
		sh -c "mount --bind $2 /sys/fs/cgroup && exec timeout 60 crun --cgroup-manager=disabled run -b $3 $4"' \
		- "$CG/$N" "$MNT" "$B" "sevorix-test-$$-$N" 2>&1 ;;
	esac
}

# connect_from_container_cgroup ADDR PORT: a host process joins the
# container's cgroup (an exec there would be killed without the hold's
# approval, so it joins after its own exec) and connects: ok or EPERM
connect_from_container_cgroup() {
	local f cg=""
	for f in $(grep -l "^command=oci sevorix-test-$$-" /run/sevorix/runs/* 2>/dev/null); do
		f=$(sed -n 's/^cgroup=//p' "$f")
		grep -qs . "$f/cgroup.procs" && cg=$f	# the one with processes
	done
	python3 - "$cg" "$1" "$2" <<'EOP'
import os, socket, sys
open(sys.argv[1] + "/cgroup.procs", "w").write(str(os.getpid()))
try:
    socket.create_connection((sys.argv[2], int(sys.argv[3])), 2).close()
    print("ok")
except PermissionError:
    print("EPERM")
EOP
}

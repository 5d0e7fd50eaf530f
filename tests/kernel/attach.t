#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# sevorix attach/detach on the real kernel: a process tree that Sevorix did
# not start (in a cgroup this test creates) is put under a policy from
# outside, sees its next connect denied and its argv-denied commands
# killed, and is free again after detach. The rows the attachment cannot
# enforce from outside are said to be so.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
scratch
MNT=$(cgroup2_mount)
CG="$MNT/sevorix-test-attach-$$"
mkdir "$CG" || skip_all "cannot create a cgroup under $MNT"
trap 'for p in $SX_PIDS; do kill $p 2>/dev/null; done; wait 2>/dev/null;
	[ -n "${ID:-}" ] && "$SEVORIX" detach "$ID" >/dev/null 2>&1; cg_remove "$CG"; sx_cleanup' EXIT

A="$SX_TMP/net_agent"
cp "$BUILD/tests/kernel/net_agent" "$A"
P=$(free_port)
python3 "$(dirname "$0")/servers.py" 127.0.0.2:$P >"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out"
cat >"$SX_TMP/p.yaml" <<EOF
version: 1
network:
  default: allow
  rules:
    - {action: deny, cidr: 127.0.0.2/32}
files:
  rules:
    - {action: deny, path: /etc/shadow}
exec:
  rules:
    - {action: deny, argv: "touch *forbidden*"}
EOF
# the tree: a shell in the test's cgroup that connects whenever asked
mkdir -m 777 "$SX_TMP/w"
cat >"$SX_TMP/tree.sh" <<EOF
#!/bin/bash
n=0
while [ \$n -lt 600 ]; do
	if [ -e "$SX_TMP/w/go" ]; then
		rm -f "$SX_TMP/w/go"
		if [ -e "$SX_TMP/w/loop" ]; then
			"$A" loop 127.0.0.2 $P 3000 >"$SX_TMP/w/out"
		else
			"$A" connect 127.0.0.2 $P >"$SX_TMP/w/out"
		fi
		touch "$SX_TMP/w/forbidden.\$(cat "$SX_TMP/w/n" 2>/dev/null)" 2>/dev/null
		echo done >>"$SX_TMP/w/out"
	fi
	sleep 0.05
	n=\$((n + 1))
done
EOF
chmod 755 "$SX_TMP/tree.sh"
# joined as root (the cgroup is root's), then the tree runs as nobody
bash -c "echo \$\$ >'$CG/cgroup.procs' && exec setpriv --reuid 65534 --regid 65534 --clear-groups '$SX_TMP/tree.sh'" 2>/dev/null &
started $!
sleep 0.3
ask() { # ask N: the tree connects once and tries to create forbidden.N
	rm -f "$SX_TMP/w/out"
	echo "$1" >"$SX_TMP/w/n"
	touch "$SX_TMP/w/go"
	for _ in $(seq 100); do grep -q done "$SX_TMP/w/out" 2>/dev/null && break; sleep 0.05; done
	head -1 "$SX_TMP/w/out"
}

plan 14

is "$(ask 1)" ok "before attach the tree connects"
out=$("$SEVORIX" attach --cgroup "$CG" --policy "$SX_TMP/p.yaml")
is "$?" 0 "attach to the tree's cgroup"
ID=$(echo "$out" | sed -n 's/^attached \([0-9a-f]*\) .*/\1/p')
like "$out" "network +5 +deny +127.0.0.2/32 +enforced" "the network rule is enforced"
like "$out" "files +[0-9]+ +deny +/etc/shadow +not enforced" "the files rule is said not to be"
is "$(ask 2)" EPERM "after attach the tree's next connect is denied"
[ ! -e "$SX_TMP/w/forbidden.2" ]; is "$?" 0 "and its argv-denied command is killed before it runs"
like "$("$SEVORIX" ps)" "$ID +attached" "sevorix ps shows the attachment"

# a new policy under load: 3000 connects to the denied address while the
# policy is applied again and again; none may get through
cp "$SX_TMP/p.yaml" "$SX_TMP/p1.yaml"
sed 's/default: allow/default: allow\n  # second version/' "$SX_TMP/p.yaml" >"$SX_TMP/p2.yaml"
printf 'version: 1\nnetwork: {default: maybe}\n' >"$SX_TMP/bad.yaml"
touch "$SX_TMP/w/loop"
rm -f "$SX_TMP/w/out"; echo 9 >"$SX_TMP/w/n"; touch "$SX_TMP/w/go"
applied=0
for i in $(seq 6); do
	"$SEVORIX" policy apply "$ID" "$SX_TMP/p$((i % 2 + 1)).yaml" >/dev/null 2>>"$SX_TMP/apply.err" &&
		applied=$((applied + 1))
done
for _ in $(seq 200); do grep -q done "$SX_TMP/w/out" 2>/dev/null && break; sleep 0.05; done
rm -f "$SX_TMP/w/loop"
is "$applied" 6 "the policy was applied six times while the tree connected"
sed 's/^/# /' "$SX_TMP/apply.err"
is "$(head -1 "$SX_TMP/w/out")" 0 "no connect to the denied address got through during the changes"
"$SEVORIX" policy apply "$ID" "$SX_TMP/bad.yaml" >/dev/null 2>&1
is "$?" 1 "a policy with errors is refused"
is "$(ask 10)" EPERM "and the running one stays"
"$SEVORIX" detach "$ID" >/dev/null
is "$(ask 3)" ok "after detach the tree connects again"
ID=""
"$SEVORIX" attach --cgroup / --policy "$SX_TMP/p.yaml" >/dev/null 2>"$SX_TMP/err"
is "$?" 1 "attach to the root cgroup is refused"
like "$(cat "$SX_TMP/err")" "root cgroup holds every process" "and says why"

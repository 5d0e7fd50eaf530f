#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `sevorix run --learn` on the real kernel: a scripted workload (reads the
# workspace, writes a build directory, runs the compiler, connects to a
# local server, creates config under $HOME/.cache) is learnt; the learnt
# policy passes `policy check`, the same workload under it is denied
# nothing, and the workload plus one extra action (read ~/.ssh/id_rsa,
# connect to another port, run another program) is denied exactly that.
# The agent is a user of the test's own, whose home is in the scratch dir.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v cc >/dev/null || skip_all "no C compiler"
command -v jq >/dev/null || skip_all "jq is not installed"
command -v useradd >/dev/null || skip_all "useradd is not installed"
scratch
# the agent's home and workspace outside /tmp: the learnt policy gives the
# agent a private /tmp, in which they would not be
D=$(mktemp -d /var/tmp/sevorix-learn.XXXXXX)
chmod 755 "$D"
U=sxlearn$$
H="$D/home"
W="$D/ws"
mkdir -p "$H/.ssh" "$W/src"
trap 'userdel "$U" 2>/dev/null; [ -z "${SX_KEEP:-}" ] && rm -rf "$D"; sx_cleanup' EXIT
useradd --system --no-create-home --home-dir "$H" "$U" 2>/dev/null || skip_all "cannot add a user"
echo "not a key" >"$H/.ssh/id_rsa"
printf 'int main(void) { return 0; }\n' >"$W/src/main.c"
echo "notes" >"$W/README"
cp "$BUILD/tests/kernel/net_agent" "$D/"
A="$D/net_agent"
P1=$(free_port)
P2=$(free_port)
python3 "$(dirname "$0")/../kernel/servers.py" 127.0.0.1:$P1 127.0.0.1:$P2 >"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out" || diag "the test server did not start"
chown -R "$U" "$H" "$W"

# workload [EXTRA]: the learnt actions, then one more
cat >"$D/work.sh" <<EOF
#!/bin/sh
cat src/main.c README >/dev/null || echo "read failed"
mkdir -p build && cc -o build/main.o -c src/main.c && cc -o build/main build/main.o && rm build/main.o && ./build/main || echo "build failed"
"$A" connect 127.0.0.1 $P1
mkdir -p "\$HOME/.cache/sxlearn" && echo on >"\$HOME/.cache/sxlearn/config" || echo "config failed"
case \${1:-} in
secret) cat "\$HOME/.ssh/id_rsa" >/dev/null 2>&1 && echo read || echo refused ;;
port) "$A" connect 127.0.0.1 $P2 ;;
program) /usr/bin/id >/dev/null 2>&1 && echo ran || echo refused ;;
esac
EOF
chmod 755 "$D/work.sh"
cd "$W" || exit 1
sx() { "$SEVORIX" run --quiet --user "$U" "$@" 2>"$SX_TMP/err.txt"; }
# the denials of an events log: one "kind target" per line
denials() { jq -r 'select(.verdict == "deny" or .verdict == "review") | "\(.kind) \(.target)"' "$1"; }

plan 15

# run as by sudo from $U, with a link planted where the file is first written
echo canary >"$D/canary"
ln -s "$D/canary" "$SX_TMP/learnt.yaml.tmp"
out=$(SUDO_UID=$(id -u "$U") SUDO_GID=$(id -g "$U") \
	sx --learn "$SX_TMP/learnt.yaml" --events "$SX_TMP/ev0.jsonl" -- "$D/work.sh")
is "$?" 0 "the learning run succeeds"
is "$(stat -c %U "$SX_TMP/learnt.yaml")" "$U" "the learnt policy belongs to the invoking user"
is "$(cat "$D/canary")" "canary" "a link planted at its temporary name is not written through"
is "$out" "ok" "its workload did everything (nothing denied while learning)"
[ -s "$SX_TMP/learnt.yaml" ] && pass "it wrote the learnt policy" || fail "it wrote the learnt policy"
"$SEVORIX" policy check --user "$U" "$SX_TMP/learnt.yaml" >"$SX_TMP/check.txt" 2>&1
is "$?" 0 "the learnt policy passes policy check"
like "$(cat "$SX_TMP/learnt.yaml")" "cidr: 127.0.0.1/32, ports: \\[$P1\\]" "it allows the server's port"

out=$(sx --policy "$SX_TMP/learnt.yaml" --events "$SX_TMP/ev1.jsonl" -- "$D/work.sh")
is "$?:$out" "0:ok" "the same workload under the learnt policy succeeds"
is "$(denials "$SX_TMP/ev1.jsonl")" "" "and is denied nothing"

out=$(sx --policy "$SX_TMP/learnt.yaml" --events "$SX_TMP/ev2.jsonl" -- "$D/work.sh" secret)
is "$out" "$(printf 'ok\nrefused')" "plus reading ~/.ssh/id_rsa: that read is refused"
is "$(denials "$SX_TMP/ev2.jsonl" | sort -u)" "open $H/.ssh/id_rsa" "and it is the only denial"

out=$(sx --policy "$SX_TMP/learnt.yaml" --events "$SX_TMP/ev3.jsonl" -- "$D/work.sh" port)
# refused by the cgroup program (EPERM) or, first, by Landlock's TCP port rules (EACCES)
like "$(echo "$out" | tr '\n' ' ')" "^ok (EPERM|ERR EACCES) \$" "plus a connect to another port: refused"
is "$(denials "$SX_TMP/ev3.jsonl" | sort -u)" "connect 127.0.0.1:$P2" "and it is the only denial"

out=$(sx --policy "$SX_TMP/learnt.yaml" --events "$SX_TMP/ev4.jsonl" -- "$D/work.sh" program)
is "$out" "$(printf 'ok\nrefused')" "plus running another program: refused"
is "$(denials "$SX_TMP/ev4.jsonl" | sort -u)" "exec /usr/bin/id" "and it is the only denial"
[ -n "${SX_KEEP:-}" ] && cat "$SX_TMP/learnt.yaml" "$SX_TMP/err.txt" "$SX_TMP/check.txt" | sed 's/^/# /'
exit 0

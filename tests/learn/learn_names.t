#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `sevorix run --learn` records UNIX sockets and the names the run's
# resolver answered, on the real kernel: a workload connects to a UNIX
# socket the test serves, looks up a test name (dnsmasq as the run's
# upstream, as in tests/dns/run.t) and connects to its address. The
# learnt policy has a unix: rule for the socket and a host rule for the
# name (not a cidr rule for its address of the day), passes `policy
# check`, and the workload under it is denied nothing (but the host
# resolver's socket glibc tries first, which no rulebook naming hosts
# allows); an address reached without the lookup stays denied under it.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v dnsmasq >/dev/null || skip_all "no dnsmasq (make deps installs dnsmasq-base)"
command -v getent >/dev/null || skip_all "no getent"
command -v jq >/dev/null || skip_all "jq is not installed"
command -v useradd >/dev/null || skip_all "useradd is not installed"
scratch
here=$(cd "$(dirname "$0")" && pwd)
# outside /tmp: the learnt policy gives the agent a private /tmp
D=$(mktemp -d /var/tmp/sevorix-names.XXXXXX)
chmod 755 "$D"
U=sxnames$$
H="$D/home"
W="$D/ws"
S="$D/sock/agent.sock"
S2="$D/sock/other.sock"
mkdir -p "$H" "$W" "$D/sock"
trap 'userdel "$U" 2>/dev/null; [ -z "${SX_KEEP:-}" ] && rm -rf "$D"; sx_cleanup' EXIT
useradd --system --no-create-home --home-dir "$H" "$U" 2>/dev/null || skip_all "cannot add a user"
cp "$BUILD/tests/kernel/net_agent" "$D/"
A="$D/net_agent"
chown -R "$U" "$H" "$W"

UP=127.53.0.2
UP_PORT=$(free_port)
P=$(free_port)
"$here/../dns/dnsmasq.sh" $UP "$UP_PORT" "$SX_TMP/dnsmasq.log" --local-ttl=600 \
	--host-record=learnt.test,127.0.0.21 2>"$SX_TMP/dnsmasq.err" &
started $!
python3 "$here/../kernel/servers.py" 127.0.0.21:$P "$S" "$S2" >"$SX_TMP/srv.out" &
started $!
wait_ready "$SX_TMP/srv.out" || diag "the test servers did not start"
for _ in $(seq 50); do
	python3 "$here/../dns/dnsq.py" --timeout 0.2 $UP:"$UP_PORT" learnt.test | grep -q NOERROR && break
done

# the learning run's policy: denies nothing, its lookups go to the test's upstream
cat >"$SX_TMP/base.yaml" <<EOF
version: 1
mode: enforce
network:
  default: allow
  dns:
    upstream: ["$UP:$UP_PORT"]
files:
  default: allow
exec:
  default: allow
EOF
# workload [direct]: the UNIX socket, the name and its address; or the address alone
cat >"$D/work.sh" <<EOF
#!/bin/sh
if [ "\${1:-}" = direct ]; then "$A" connect 127.0.0.21 $P; exit; fi
"$A" unix "$S"
python3 -c 'import socket, sys
for p in sys.argv[1:]: socket.socket(socket.AF_UNIX).connect(p)
print("ok")' "$S" "$S2"
getent hosts learnt.test >/dev/null || echo "lookup failed"
"$A" connect 127.0.0.21 $P
EOF
chmod 755 "$D/work.sh"
cd "$W" || exit 1
sx() { "$SEVORIX" run --quiet --user "$U" "$@" 2>"$SX_TMP/err.txt"; }
denials() { jq -r 'select(.verdict == "deny" or .verdict == "review") | "\(.kind) \(.target)"' "$1"; }
L=$SX_TMP/learnt.yaml

plan 12

out=$(sx --learn "$L" --policy "$SX_TMP/base.yaml" --events "$SX_TMP/ev0.jsonl" -- "$D/work.sh")
is "$?:$(echo $out)" "0:ok ok ok" "the learning run connects to the sockets and to the name's address"
like "$(cat "$L")" "\\{action: allow, unix: \"?$S\"?\\}" "the learnt policy has a unix: rule for the socket"
like "$(cat "$L")" "\\{action: allow, unix: \"?$S2\"?\\}" \
	"and one for the second socket the same process connected to"
like "$(cat "$L")" "\\{action: allow, host: \"?learnt.test\"?, ports: \\[$P\\]\\}" \
	"and a host rule for the name looked up, with the port used"
unlike "$(cat "$L")" "cidr: 127.0.0.21/" "not a cidr rule for the name's address"
unlike "$(sed -n '/^network:/,/^files:/p' "$L")" "nscd|systemd/resolve" \
	"nor an allow of a host resolver's socket beside the host rule"
like "$(cat "$L")" "upstream: \\[\"$UP:$UP_PORT\"\\]" "the learning run's upstream comes along"
"$SEVORIX" policy check --user "$U" "$L" >"$SX_TMP/check.txt" 2>&1
is "$?" 0 "the learnt policy passes policy check"

out=$(sx --policy "$L" --events "$SX_TMP/ev1.jsonl" -- "$D/work.sh")
is "$?:$(echo $out)" "0:ok ok ok" "the workload under the learnt policy succeeds"
# glibc tries nscd's socket before DNS: no rulebook that names hosts may
# allow it (policy check refuses one), so it stays denied and glibc goes on
is "$(denials "$SX_TMP/ev1.jsonl" | grep -Ev '^connect (/var)?/run/(nscd|systemd/resolve)/')" "" \
	"and is denied nothing but a host resolver's socket"
ok=$(jq -r 'select(.kind == "connect" and .verdict == "allow") | .host // empty' "$SX_TMP/ev1.jsonl")
like "$ok" "learnt.test" "its connect is allowed as the name's (the host rule)"

out=$(sx --policy "$L" --events "$SX_TMP/ev2.jsonl" -- "$D/work.sh" direct)
# refused by the cgroup program (EPERM) or, first, by Landlock's TCP port rules (EACCES)
like "$out" "^(EPERM|ERR EACCES)\$" "the address without the lookup is refused"
[ -n "${SX_KEEP:-}" ] && cat "$L" "$SX_TMP/err.txt" "$SX_TMP/check.txt" | sed 's/^/# /'
exit 0

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The summary's counts add up: for every layer and verdict the summary
# reports, the number equals the sum of the "count" fields of the run's
# events (tests/events/sum.py parses the file), layers that never report
# an allow say so, and the counts are the ones the agent really caused
# (allowed connects after the first of a process are counted in the
# kernel and written as events with their count). Then the jury's
# absence: said at start in one line, and in the event of each denial.
. "$(dirname "$0")/../lib/tap.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
need_kernel_layer
scratch
B=$SX_TMP/bin W=$SX_TMP/w J=$SX_TMP/jury
mkdir -p "$B" "$J" && mkdir -m 777 "$W"
cp "$BUILD/tests/kernel/net_agent" "$B/"
cp /usr/bin/true "$B/denied" && printf 'x' >>"$B/denied"
chmod -R a+rx "$B"
P=$(free_port)
python3 "$HERE/../kernel/servers.py" 127.0.0.1:$P >"$SX_TMP/srv.out" &
started $!
printf 'consensus: unanimous\ncache: {size: 0}\njurors:\n  - {kind: rulebook}\n' >"$J/j.yaml"
"$SEVORIX" jury serve --socket "$J/slm.sock" --config "$J/j.yaml" >"$J/log" 2>&1 &
started $!
for _ in $(seq 100); do [ -S "$J/slm.sock" ] && grep -q ready "$SX_TMP/srv.out" && break; sleep 0.05; done
policy() { # policy JURY_SOCKET
	cat <<EOF
version: 1
network:
  default: deny
  rules:
    - {action: allow, cidr: 127.0.0.1/32, ports: [$P]}
files:
  default: allow
  rules:
    - {action: deny, path: $SX_TMP/secret}
exec:
  default: allow
  rules:
    - {action: deny, path: $B/denied}
    - {action: review, argv: "rm -rf *"}
jury: {local: "unix://$1"}
EOF
}
policy "$J/slm.sock" >"$SX_TMP/p.yaml"
policy "$J/none.sock" >"$SX_TMP/nojury.yaml"
echo s >"$SX_TMP/secret"
cd "$W" || exit 1
EV=$SX_TMP/ev.jsonl
"$SEVORIX" run --policy "$SX_TMP/p.yaml" --user nobody --events "$EV" -- /bin/sh -c "
	$B/net_agent loop 127.0.0.1 $P 40
	$B/net_agent loop 127.0.0.1 $P 25
	$B/net_agent connect 10.9.9.1 80; $B/net_agent connect 10.9.9.2 80; $B/net_agent udp 10.9.9.3 53
	cat $SX_TMP/secret; cat $SX_TMP/secret
	$B/denied
	rm -rf $W/nothing-here
	exit 0" >"$SX_TMP/out" 2>&1
SUM="python3 $HERE/sum.py"

plan 16
is "$(grep -c '^[0-9]*$' "$SX_TMP/out")" 2 "the agent ran its two connect loops"
like "$($SUM check "$EV")" "^ok " "for every layer and verdict, the summary equals the sum of the events' counts"
diag "$($SUM check "$EV")"
is "$($SUM count "$EV" cgroup-bpf allow)" 65 "65 allowed connects counted, one for each"
is "$($SUM count "$EV" cgroup-bpf deny)" 1 "1 denied datagram (the cgroup program)"
is "$($SUM count "$EV" landlock deny)" 2 "2 refused connects (Landlock's port rules)"
is "$($SUM count "$EV" namespaces deny)" 2 "2 refused reads (the denied file is hidden by a mask of the run's world)"
is "$($SUM count "$EV" hold deny)" 1 "1 exec refused by the hold"
is "$($SUM count "$EV" jury allow)" 1 "1 reviewed exec the jury allowed"
is "$($SUM field "$EV" landlock allow)" "not reported" "Landlock says it does not report allows"
is "$($SUM field "$EV" hold allow)" "not reported" "and so does the hold"
is "$($SUM field "$EV" namespaces allow)" "not reported" "and so do the run's mounts"
like "$(grep '"aggregated":true' "$EV" | head -1)" '"kind":"connect","verdict":"allow".*"count":[0-9]+' \
	"allows after a process's first are written with their count"

# the jury is not there: said at start, and in the event of each denial
"$SEVORIX" run --policy "$SX_TMP/nojury.yaml" --user nobody --events "$SX_TMP/nj.jsonl" \
	-- rm -rf "$W/nothing-here" >"$SX_TMP/nj.out" 2>&1
is "$(grep -c 'reviewed actions will be denied until it answers' "$SX_TMP/nj.out")" 1 \
	"a run whose jury does not answer says so in one line at start"
like "$(grep 'until it answers' "$SX_TMP/nj.out")" "unix://$J/none.sock" "naming the socket"
like "$(grep '"layer":"jury"' "$SX_TMP/nj.jsonl")" "\"verdict\":\"deny\".*\"error\":\"jury unreachable: $J/none.sock\"" \
	"the denial's event says the jury was unreachable"
like "$($SUM check "$SX_TMP/nj.jsonl")" "^ok " "and that run's counts add up too"
[ "$T_FAILED" = 0 ] || sed 's/^/# /' "$EV" | grep -v '"kind":"\(fork\|exit\)"'

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# No denial goes unrecorded (issue 16): 100,000 denied connects to
# distinct destinations, then one more distinct denial, three times (twice
# with the supervisor stopped, so that nobody reads the events). Each
# time the last denial's event is there with its destination, every
# denial is accounted for (the summary equals the sum of the events'
# counts, and both equal what the agent was refused), records the kernel
# could not keep are said with their rule ("lost_records"), and the
# process events of the run (its own ring buffer) are all there. Then
# identical denials: 20,000 connects to one destination become a handful
# of events whose counts add up. Last, refusals seen at system call exit:
# 100,000 refused mkdirs of distinct names in the run's read-only tree,
# with one read of a masked file in the middle, whose event is there; what
# the kernel could not keep is said with the system call. And repeats
# that outlive a churn: three processes read one masked file over and
# over for longer than the aggregation's window, then 1.5 s of distinct
# refusals (thousands) come before their repeats are written; the reads' events (the
# "repeated" ones with their counts) still add up to every refused read.
. "$(dirname "$0")/../lib/tap.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
need_kernel_layer
scratch
N=${FLOOD_N:-100000}
cp "$BUILD/tests/events/flood" "$SX_TMP/" && chmod 755 "$SX_TMP/flood"
mkdir -m 777 "$SX_TMP/w" # what the agent writes
cat >"$SX_TMP/p.yaml" <<EOP
version: 1
network:
  default: deny
  rules:
    - {action: deny, cidr: 10.0.0.0/8}
    - {action: allow, cidr: 127.0.0.0/8}
EOP
SUM="python3 $HERE/sum.py"
cd "$SX_TMP" || exit 1

# run ROUND STOP: the flood, then one more denial; with STOP the supervisor
# is stopped meanwhile (SIGSTOP), so nothing reads the ring buffers and the
# kernel must bound them itself
run() {
	local done=$SX_TMP/w/done$1
	"$SEVORIX" run --policy p.yaml --user nobody --events "$EV" -- /bin/sh -c \
		"sleep 1; ./flood $N $LAST 443 >$SX_TMP/w/out$1; touch $done" &
	local sup=$!
	started $sup
	if [ "$2" = stop ]; then
		# once the agent runs (the start event is written), before its flood
		for _ in $(seq 100); do grep -q '"kind":"start"' "$EV" 2>/dev/null && break; sleep 0.05; done
		kill -STOP $sup
		for _ in $(seq 600); do [ -e "$done" ] && break; sleep 0.1; done
		kill -CONT $sup
	fi
	wait $sup
}

plan 24
for round in 1 2 3; do
	EV=$SX_TMP/flood$round.jsonl LAST=192.0.2.$round
	mode=$([ $round = 1 ] && echo read || echo stop)
	run $round $mode
	lost=$(grep -o '"lost_records":[0-9]*' "$EV" | cut -d: -f2 | awk '{n += $1} END {print n + 0}')
	diag "round $round ($mode): $(cat "$SX_TMP/w/out$round"); $(grep -c . "$EV") lines, $lost denials counted without a record"
	like "$(grep "\"target\":\"$LAST:443\"" "$EV")" '"kind":"connect".*"verdict":"deny".*"rule":"default"' \
		"round $round: the denial after $N others is an event of its own, with its destination"
	is "$($SUM count "$EV" cgroup-bpf deny)" $((N + 1)) "round $round: every denial is counted in the events"
	like "$($SUM check "$EV")" "^ok " "round $round: and the summary says the same"
	if [ "$mode" = stop ] || [ "$lost" != 0 ]; then
		like "$(grep '"lost_records"' "$EV" | head -1)" '"rule":"[^"]*p.yaml:5".*"lost_records":[0-9]+' \
			"round $round: records not kept are said with their rule"
	else
		pass "round $round: the reader kept up: every denial is an event of its own"
	fi
	[ "$mode" = read ] ||
		like "$(grep -c '"kind":"exec".*"path":"[^"]*/flood"' "$EV")" '^1$' \
			"round $round: the process events, in their own ring buffer, are all there"
done
EV=$SX_TMP/same.jsonl
is "$("$SEVORIX" run --policy p.yaml --user nobody --events "$EV" -- /usr/bin/python3 -c '
import socket
n = 0
for _ in range(20000):
    s = socket.socket()
    try:
        s.connect(("10.9.9.9", 80))
    except PermissionError:
        n += 1
    s.close()
print(n)')" 20000 "20,000 identical denied connects"
like "$(grep -c '10.9.9.9:80' "$EV")" '^[0-9]{1,2}$' "are a handful of events ($(grep -c '10.9.9.9:80' "$EV"))"
is "$($SUM count "$EV" cgroup-bpf deny)" 20000 "whose counts add up to 20,000"
like "$(grep '"repeated":true' "$EV" | head -1)" '"target":"10.9.9.9:80".*"count":[0-9]{3,}' \
	"the repeats are one event with a count and the destination"

EV=$SX_TMP/files.jsonl
mkdir -p "$SX_TMP/ro" "$SX_TMP/sec" && echo s >"$SX_TMP/sec/f" && chmod -R a+rX "$SX_TMP/ro" "$SX_TMP/sec"
printf 'version: 1\nfiles:\n  default: allow\n  rules:\n    - {action: deny, path: %s, access: [write]}\n    - {action: deny, path: %s}\n' \
	"$SX_TMP/ro" "$SX_TMP/sec" >files.yaml
is "$("$SEVORIX" run --policy files.yaml --user nobody --events "$EV" -- /usr/bin/python3 -c '
import os, sys
n, half = 0, int(sys.argv[1]) // 2
for i in range(int(sys.argv[1])):
    try:
        os.mkdir("'"$SX_TMP"'/ro/d%d" % i)
    except OSError:
        n += 1
    if i == half:
        try:
            open("'"$SX_TMP"'/sec/f").read()
        except OSError:
            pass
print(n)' "$N")" "$N" "$N refused mkdirs"
like "$(grep '"kind":"open"' "$EV" | grep -F "$SX_TMP/sec/f")" '"verdict":"deny".*"rule":"[^"]*files.yaml:6"' \
	"the read refused in the middle of the flood is an event of its own, with its rule"
is "$(($($SUM count "$EV" namespaces deny) + $($SUM count "$EV" observed deny)))" $((N + 1)) \
	"every refusal is counted: written one by one, or as lost records"
if grep -q '"lost_records"' "$EV"; then
	like "$(grep '"lost_records"' "$EV" | head -1)" '"rule":"unknown","syscall":"mkdir".*"lost_records":[0-9]+' \
		"records not kept are said with their system call"
else
	pass "the reader kept up: every refusal is an event of its own"
fi

# the repeats of identical refusals, written after thousands of distinct ones
EV=$SX_TMP/repeats.jsonl
out=$("$SEVORIX" run --policy files.yaml --user nobody --events "$EV" -- /usr/bin/python3 -c '
import os, time
d = "'"$SX_TMP"'"
r, w = os.pipe()
for _ in range(3):
    if os.fork() == 0:
        n, end = 0, time.monotonic() + 2.5
        while time.monotonic() < end:
            try:
                open(d + "/sec/f").close()
            except OSError:
                n += 1
        os.write(w, b"%d\n" % n)
        os._exit(0)
for _ in range(3):
    os.wait()
i, end = 0, time.monotonic() + 1.5
while time.monotonic() < end:
    try:
        os.mkdir(d + "/ro/c%d" % i)
    except OSError:
        i += 1
os.close(w)
print(sum(int(x) for x in os.read(r, 1000).split()))')
reads=$(grep '"kind":"open"' "$EV" | grep -F "\"target\":\"$SX_TMP/sec/f\"" |
	sed -n 's/.*"count":\([0-9]*\).*/\1/p' | awk '{n += $1} END {print n + 0}')
is "$reads" "$out" "3 processes' $out refused reads, then thousands of other refusals: the reads' events count them all"
like "$($SUM check "$EV")" "^ok " "and the summary says the same"

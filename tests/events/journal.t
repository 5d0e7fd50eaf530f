#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# --events journal, read back with `journalctl -o json`. sd_journal_send
# writes only to /run/systemd/journal/socket, and no journald runs on these
# machines, so the test runs its own: in a private mount namespace it
# mounts tmpfs over /run/systemd, /run/log and /var/log/journal (the host's
# stay untouched) and starts systemd-journald there. A run refused a
# connect and a read; each refusal is a journal entry with SEVORIX_* fields,
# MESSAGE the line `sevorix log` shows and PRIORITY warning, and
# `sevorix events RUN` reads the run back from the journal.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
JOURNALD=/lib/systemd/systemd-journald
[ -x "$JOURNALD" ] || skip_all "systemd-journald is not installed"
command -v journalctl >/dev/null || skip_all "journalctl is not installed"
command -v unshare >/dev/null || skip_all "unshare(1) is not installed"
if [ -z "${SX_JOURNAL_NS:-}" ]; then
	# everything below runs in a mount namespace of its own
	exec env SX_JOURNAL_NS=1 unshare --mount --propagation private "$BASH" "$0" "$@"
fi
for d in /run/systemd /run/log /var/log/journal; do
	[ -d "$d" ] || continue
	mount -t tmpfs -o mode=0755 sevorix-test "$d" || skip_all "cannot mount a tmpfs on $d here"
done
mkdir -p /run/systemd/journal
scratch
"$JOURNALD" >"$SX_TMP/journald.log" 2>&1 &
JPID=$!
started $JPID
for _ in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
[ -S /run/systemd/journal/socket ] || { cat "$SX_TMP/journald.log"; skip_all "journald did not start"; }

B=$SX_TMP/bin
mkdir -p "$B" && cp "$BUILD/tests/kernel/net_agent" "$B/" && chmod -R a+rx "$B"
echo s >"$SX_TMP/secret"
cat >"$SX_TMP/p.yaml" <<EOP
version: 1
network:
  default: deny
  rules:
    - {action: allow, cidr: 127.0.0.0/8}
files:
  default: allow
  rules:
    - {action: deny, path: $SX_TMP/secret}
EOP
cd "$SX_TMP" || exit 1
"$SEVORIX" run --policy p.yaml --user nobody --events journal -- /bin/sh -c \
	"$B/net_agent connect 10.3.3.3 80; cat $SX_TMP/secret; true" >/dev/null 2>&1
ID=$(grep -lx journal /var/log/sevorix/*.where | xargs ls -t | head -1 | xargs basename | sed 's/\.where$//')
entries() { journalctl --no-pager -o json "SEVORIX_RUN=$ID" "$@" 2>/dev/null; }
for _ in $(seq 50); do entries | grep -q '"SEVORIX_KIND":"summary"' && break; sleep 0.1; done
field() { # field KIND NAME: the NAME of the entry of kind KIND
	entries | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e.get("SEVORIX_KIND") == sys.argv[1] and e.get("SEVORIX_VERDICT", "") != "allow":
        print(e.get(sys.argv[2], "")); break' "$1" "$2"
}

plan 12
is "$(cat "/var/log/sevorix/$ID.where")" journal "the run records that its events went to the journal"
is "$(field connect SEVORIX_VERDICT)" deny "journalctl -o json finds the denied connect by SEVORIX_RUN"
is "$(field connect SEVORIX_TARGET)" "10.3.3.3:80" "with SEVORIX_TARGET"
like "$(field connect SEVORIX_RULE)" "^(default|p\.yaml:[0-9]+)$" "and SEVORIX_RULE"
is "$(field connect SEVORIX_LAYER)" cgroup-bpf "and SEVORIX_LAYER"
like "$(field connect MESSAGE)" "net_agent\[[0-9]+\] +connect +10\.3\.3\.3:80 +DENY +cgroup-bpf" \
	"MESSAGE is the line a person reads"
is "$(field connect PRIORITY)" 4 "a denial is logged as a warning"
like "$(field open SEVORIX_TARGET)$(field open SEVORIX_OBSERVED)" "$SX_TMP/secret" "the refused read is an entry too"
like "$(field connect SEVORIX_EVENT)" "^\{\"ts\":.*\"kind\":\"connect\"" "SEVORIX_EVENT holds the event whole"
like "$("$SEVORIX" events --json "$ID" | tail -1)" "\"run\":\"$ID\",\"kind\":\"summary\"" \
	"sevorix events reads the run back from the journal"

# sevorixd --events journal: every line of a run's own log goes to the journal too
"$SEVORIX" daemon --socket "$SX_TMP/d.sock" --events journal >"$SX_TMP/daemon.log" 2>&1 &
DPID=$!
started $DPID
for _ in $(seq 100); do [ -S "$SX_TMP/d.sock" ] && break; sleep 0.05; done
# the daemon finds runs once a second: this one lives for a few
"$SEVORIX" run --policy p.yaml --user nobody --events "$SX_TMP/own.jsonl" -- /bin/sh -c \
	"sleep 2; $B/net_agent connect 10.5.5.5 80; sleep 2" >/dev/null 2>&1
OWN=$(head -1 "$SX_TMP/own.jsonl" | sed 's/.*"run":"\([0-9a-f]*\)".*/\1/')
for _ in $(seq 100); do
	journalctl --no-pager -o json "SEVORIX_RUN=$OWN" 2>/dev/null | grep -q '"SEVORIX_KIND":"summary"' && break
	sleep 0.1
done
got=$(journalctl --no-pager -o json "SEVORIX_RUN=$OWN" SEVORIX_KIND=connect 2>/dev/null)
like "$got" '"SEVORIX_TARGET":"10.5.5.5:80"' "the daemon sends a run's events (written to a file) to the journal"
is "$(journalctl --no-pager -o json "SEVORIX_RUN=$OWN" 2>/dev/null | wc -l)" "$(wc -l <"$SX_TMP/own.jsonl")" \
	"every one of them, once"
kill "$DPID" "$JPID" 2>/dev/null
wait "$DPID" "$JPID" 2>/dev/null

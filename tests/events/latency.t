#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Process records (fork, exec, exit) and allowed decisions do not wake
# the supervisor one by one (bpf/common.bpf.h, sx_wake()): they are taken
# with the next denial or at the supervisor's one-second poll. This
# checks that they still reach the log while the run goes on, with no
# denial to carry them: the exec of a program is logged before the agent,
# asleep after it, ends; and that a denial brings the records before it
# at once, in order.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
scratch
printf 'version: 1\nexec:\n  default: allow\nfiles:\n  default: allow\n  rules:\n    - {action: deny, path: %s/secret}\n' \
	"$SX_TMP" >"$SX_TMP/p.yaml"
echo secret >"$SX_TMP/secret"
plan 3

"$SEVORIX" run --quiet --policy "$SX_TMP/p.yaml" --user nobody --events "$SX_TMP/ev.jsonl" \
	-- sh -c '/usr/bin/true sxmark1; sleep 6' 2>"$SX_TMP/err1" &
started $!
wait_for "$SX_TMP/ev.jsonl" '"target":"/usr/bin/true sxmark1"' 4 && pass "an exec is logged while the run goes on, with no denial after it" ||
	fail "an exec is logged while the run goes on, with no denial after it"
wait

rm -f "$SX_TMP/ev.jsonl"
"$SEVORIX" run --quiet --policy "$SX_TMP/p.yaml" --user nobody --events "$SX_TMP/ev.jsonl" \
	-- sh -c "/usr/bin/true sxmark2; sleep 0.3; cat $SX_TMP/secret; sleep 6" 2>"$SX_TMP/err2" &
started $!
wait_for "$SX_TMP/ev.jsonl" '"verdict":"deny"' 4
first=$(grep -n 'sxmark2' "$SX_TMP/ev.jsonl" | head -1 | cut -d: -f1)
deny=$(grep -n '"verdict":"deny"' "$SX_TMP/ev.jsonl" | head -1 | cut -d: -f1)
[ -n "$deny" ] && pass "the denial is logged while the run goes on" || fail "the denial is logged while the run goes on"
[ -n "$first" ] && [ -n "$deny" ] && [ "$first" -lt "$deny" ] &&
	pass "the exec before it is logged before it" || fail "the exec before it is logged before it (exec line ${first:-none}, denial line ${deny:-none})"
wait

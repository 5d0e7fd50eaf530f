#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Exec: allowed ways of starting a program that must keep working under
# the hold, and the hold's bounded work. Each attempt also runs without
# Sevorix (the control, in the test's name). docs/escapes.md lists the
# layers.
. "$(dirname "$0")/escape_lib.sh"
plan 8

cp "$BUILD/tests/escape/exec_try" "$W/exec_try"
B=$W/big
mkdir -p "$B"
# 4 GiB sparse files: "denied" is /usr/bin/true grown to 4 GiB; "copy" is a
# byte-identical (sparse) copy of it; "big" differs in one byte at 1 MiB
cp /usr/bin/true "$B/denied" && truncate -s 4G "$B/denied"
cp --sparse=always "$B/denied" "$B/copy"
cp "$B/denied" "$B/big" 2>/dev/null || cp --sparse=always "$B/denied" "$B/big"
printf 'x' | dd of="$B/big" bs=1 seek=$((1 << 20)) conv=notrunc status=none
chown -R 65534:65534 "$W"
sed "s|^    - {action: allow, path: \"$W\"}|&\n    - {action: deny, path: \"$B/denied\"}|" \
	"$SX_TMP/policy.yaml" >"$SX_TMP/big.yaml"
grep -q "$B/denied" "$SX_TMP/big.yaml" || diag "the deny rule was not added"
chmod 644 "$SX_TMP/big.yaml"
X=$W/exec_try

# works_ctl NAME CMD...: must work confined; the unconfined result is shown.
works_ctl() {
	local name=$1 got ctl
	shift
	got=$(confined "$@" | tail -n 1)
	ctl=$(unconfined "$@" | tail -n 1)
	is "$got" OK "$name (unconfined: $ctl)"
}

# Allowed work: the hold resolves these through the agent's own view
works_ctl "re-exec through /proc/self/exe (node, Electron, Chromium do this)" "$X" self-exe
works_ctl "exec of /dev/fd/N" "$X" dev-fd /usr/bin/true
works_ctl "exec of /proc/self/fd/N" "$X" proc-fd /usr/bin/true

# One thread can be stalled: two execs of 4 GiB files being identified
# must not hold an unrelated exec (before the cap and the answering
# threads: 24 s). The hold reads at most 16 MiB of a file (src/hold/ident.c).
big() { (cd "$W" && "$SEVORIX" run --policy "$SX_TMP/big.yaml" --user nobody \
	--events /dev/null -- "$@" 2>&1); }
ctl=$(unconfined "$X" stall "$B/big" 2 | tail -n 2 | head -n 1)
out=$(big "$X" stall "$B/big" 2)
ms=$(printf '%s\n' "$out" | tail -n 2 | head -n 1)
is "$(printf '%s\n' "$out" | tail -n 1)" OK "an unrelated exec beside two 4 GiB execs works"
awk -v ms="$ms" 'BEGIN { exit !(ms + 0 < 1000) }'
is "$?" 0 "and takes ${ms} ms, within the bound of 1000 ms (unconfined: ${ctl} ms)"
is "$(big "$X" run "$B/big" | tail -n 1)" OK \
	"a 4 GiB program that is not a copy runs (unconfined: $(unconfined "$X" run "$B/big" | tail -n 1))"
is "$(big "$X" run "$B/copy" | tail -n 1)" EPERM \
	"a sparse 4 GiB copy of a denied program is refused (unconfined: $(unconfined "$X" run "$B/copy" | tail -n 1))"
t0=$(date +%s%N)
big "$X" run "$B/copy" >/dev/null
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
[ "$ms" -lt 5000 ]
is "$?" 0 "the whole run, policy load and refusal included, takes ${ms} ms (bound 5000 ms)"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's first command, `sudo make demo`, as a test: the stand-in
# agent runs under the default policy, its ordinary work goes through, and
# every forbidden attempt in the table is BLOCKED with the layer and rule
# (or the jury) that decided it.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
scratch

top=$(cd "$(dirname "$0")/../.." && pwd)
out="$SX_TMP/demo.out"
SEVORIX="$SEVORIX" SUDO_USER= bash "$top/examples/demo.sh" >"$out" 2>&1
rc=$?
row() { grep -F "$1" "$out" | head -1; }

plan 9
is "$rc" 0 "the demo exits 0"
like "$(grep '^Local jury:' "$out")" 'serving unix://' "the local jury says where it serves"
like "$(row 'write a file in the workspace')" ' allowed ' "work in the workspace goes through"
like "$(row 'call the local model service')" ' allowed +jury ' "the reviewed curl is let through by the jury"
like "$(row 'read cloud credentials')" ' BLOCKED +cgroup-bpf, line [0-9]+: ' \
	"the metadata address: blocked by its rule"
like "$(row 'download and run an installer')" ' BLOCKED +jury ' "curl | sh: blocked by the jury"
like "$(row "read the user's SSH key")" ' BLOCKED +[a-z-]+, line [0-9]+: .*\.ssh' \
	"the SSH key: blocked by the .ssh rule"
is "$(grep -c ' BLOCKED ' "$out")" 7 "seven attempts blocked"
unlike "$(grep -v '^ACTION' "$out" | grep -E ' (allowed|BLOCKED|failed) ' | grep -E 'failed|no rule involved.*BLOCKED')" \
	'.' "no attempt failed without a decision"
[ "$T_FAILED" = 0 ] || sed 's/^/# /' "$out"

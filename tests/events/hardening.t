#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The hardening filter's refusals are events too (on this machine no BPF
# LSM layer logs them): a call the filter refuses whatever its arguments
# (unshare, chroot) is one observed event with rule "hardening", the
# entry that would relax it, layer seccomp, and it is counted. When the
# policy relaxes the entry, the same call's EPERM is the kernel's own (the
# agent lacks the capability) and is not logged.
. "$(dirname "$0")/../lib/tap.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
need_kernel_layer
scratch
command -v unshare >/dev/null || skip_all "no unshare(1)"
policy() { # policy HARDENING-LINE
	printf 'version: 1\nnetwork: {default: deny}\n%sfiles:\n  default: allow\n' "$1"
}
policy '' >"$SX_TMP/p.yaml"
policy $'hardening: {allow: [mount]}\n' >"$SX_TMP/relaxed.yaml"
CHROOT="/usr/bin/python3 -c 'import os; os.chroot(\"/\")'"
cd "$SX_TMP" || exit 1
"$SEVORIX" run --policy p.yaml --user nobody --events "$SX_TMP/ev.jsonl" -- /bin/sh -c "
	unshare -U true
	$CHROOT
	exit 0" >"$SX_TMP/out" 2>&1
rc=$?
"$SEVORIX" run --policy relaxed.yaml --user nobody --events "$SX_TMP/relaxed.jsonl" -- /bin/sh -c "
	$CHROOT
	exit 0" >"$SX_TMP/relaxed.out" 2>&1
rc2=$?
h() { grep '"kind":"hardening"' "$1" | grep -F "\"target\":\"$2\""; }

plan 7
is "$rc.$rc2" 0.0 "both agents ran"
like "$(h "$SX_TMP/ev.jsonl" unshare)" \
	'"entry":"namespaces","verdict":"deny","enforced":true,"rule":"hardening",.*"layer":"seccomp","observed":true,"errno":"EPERM","syscall":"unshare"' \
	"a refused unshare: rule hardening, the entry that relaxes it, layer seccomp"
like "$(h "$SX_TMP/ev.jsonl" chroot)" '"entry":"mount".*"rule":"hardening"' "a refused chroot (entry mount)"
is "$(grep -c '"kind":"hardening"' "$SX_TMP/ev.jsonl")" 2 "one event each"
like "$(python3 "$HERE/sum.py" check "$SX_TMP/ev.jsonl")" "^ok " "and the summary counts them"
like "$(cat "$SX_TMP/relaxed.out")" "Operation not permitted" "relaxed: chroot still fails, refused by the kernel"
is "$(grep -c '"kind":"hardening"' "$SX_TMP/relaxed.jsonl")" 0 "and that refusal is not ours: no event"
[ "$T_FAILED" = 0 ] || sed 's/^/# /' "$SX_TMP/out" "$SX_TMP/ev.jsonl" "$SX_TMP/relaxed.jsonl"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The per-boot probe cache as sevorix run uses it (util/probecache.h):
# the first run writes /run/sevorix/probes, root's and read-only to
# others; a later run takes the BPF LSM answer from it instead of loading
# the test program again (seen with strace: no load of the probe); a
# file that someone else owns, or of another boot, is not believed and
# the kernel is probed again.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v strace >/dev/null || skip_all "strace is not installed"
scratch
F=/run/sevorix/probes
cd "$SX_TMP" || exit 1
printf 'version: 1\nnetwork:\n  default: allow\n' >"$SX_TMP/p.yaml"
run() { "$SEVORIX" run --policy p.yaml --user nobody --events /dev/null -- true; }
# "yes" when a run loaded the BPF LSM probe program (libbpf may try twice)
probed() {
	strace -f -e trace=bpf -o "$SX_TMP/bpf.trace" "$SEVORIX" run --policy p.yaml --user nobody \
		--events /dev/null -- true
	grep -q 'prog_name="sevorix_lsm_pro' "$SX_TMP/bpf.trace" && echo yes || echo no
}

plan 7

rm -f "$F"
run
is "$(stat -c '%U %a' "$F" 2>/dev/null)" "root 644" "the first run keeps its answers in $F, root's, 0644"
like "$(cat "$F")" "^boot=$(cat /proc/sys/kernel/random/boot_id)" "the file names this boot"
like "$(cat "$F")" "[0-9a-f]+ bpf_lsm=(0|-[0-9]+)" "and the BPF LSM answer of this build"
is "$(probed)" no "a later run does not load the probe program"
chown nobody "$F"
is "$(probed)" yes "a file that is not root's is not believed: the kernel is probed again"
is "$(stat -c %U "$F")" root "and the file is root's again"
sed -i "s/^boot=.*/boot=00000000-0000-0000-0000-000000000000/" "$F"
is "$(probed)" yes "an answer of another boot is not believed"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The cut of the kernel's BTF as sevorix run uses it (util/corebtf.h): a
# run finds (the first run of a boot and build makes) one per object in
# /run/sevorix/btf, root's alone; later runs relocate against those and read none of the
# kernel's BTF (seen with strace); with a directory that others may write,
# the cuts are not used, libbpf reads the kernel's own and the run works
# as before. tests/unit/corebtf_test.c checks that the cut changes no
# instruction of any program, and how a cut is made. The directory is not
# removed here: runs of other tests may be starting from it.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v strace >/dev/null || skip_all "strace is not installed"
[ -x /usr/sbin/bpftool ] || [ -x /usr/bin/bpftool ] || skip_all "bpftool is not installed"
scratch
D=/run/sevorix/btf
cd "$SX_TMP" || exit 1
printf 'version: 1\nnetwork:\n  default: allow\nexec:\n  default: allow\n  rules:\n    - {action: deny, path: /usr/bin/nc.none}\n' >"$SX_TMP/p.yaml"
run() { "$SEVORIX" run --policy p.yaml --user nobody --events /dev/null -- true; }
# how many times a run opened the kernel's BTF (its loads run on threads: -f)
kernel_btf_reads() {
	strace -f -e trace=openat -o "$SX_TMP/open.trace" "$SEVORIX" run --policy p.yaml \
		--user nobody --events /dev/null -- true
	grep -c '/sys/kernel/btf/vmlinux' "$SX_TMP/open.trace"
}
trap 'chmod 0700 "$D" 2>/dev/null; sx_cleanup' EXIT

plan 6

run
is "$(stat -c '%U %a' "$D" 2>/dev/null)" "root 700" "a run keeps its cuts in $D, root's, 0700"
boot=$(cat /proc/sys/kernel/random/boot_id)
# (other builds' cuts may be there too: the name says whose each one is)
is "$(ls "$D"/"$boot"-*-exec.btf >/dev/null 2>&1 && ls "$D"/"$boot"-*-observe.btf >/dev/null 2>&1 &&
	echo both)" both "with a cut for the exec checks and one for the observer, named by the boot"
is "$(stat -c '%U %a' "$D"/"$boot"-*-exec.btf 2>/dev/null | sort -u)" "root 644" "root's, 0644"
is "$(kernel_btf_reads)" 0 "a later run reads none of the kernel's BTF"
chmod 0777 "$D"
n=$(kernel_btf_reads)
if [ "$n" -ge 2 ]; then
	pass "cuts in a directory that others may write are not used: the kernel's BTF is read ($n times)"
else
	fail "cuts in a directory that others may write are not used (the kernel's BTF read $n times)"
fi
is "$(run; echo $?)" 0 "and the run works as before"

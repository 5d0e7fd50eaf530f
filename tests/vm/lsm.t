#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm/lsm.t: boots every kernel of the VM matrix (tests/vm/lib.sh)
# under qemu with lsm=...,bpf, runs the guest suite in each, and prints the
# guests' results as one flat TAP stream, each line prefixed with the
# kernel slot and the guest test's name.
#
# The guest suite is every executable in $BUILD/vm/suite (built by
# `make vm-suite`, which this script runs) plus tests/vm/guest/*.t (and
# their tests/vm/guest/lib.sh, which is not executable); set VM_TESTS to
# a space-separated list of files or folders to run those instead, and
# VM_KERNELS to a subset of the slots. It skips only when qemu
# cannot run at all; a kernel that cannot be fetched is a failure.

set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$root/build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
. "$here/lib.sh"

n=0
failed=0
# Copies TAP from stdin to stdout, counting results.
emit() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) n=$((n + 1)) ;;
		"not ok "*) n=$((n + 1)) failed=1 ;;
		esac
		printf '%s\n' "$line"
	done
}
ok() { emit <<<"ok - $*"; }
not_ok() { emit <<<"not ok - $*"; }
diag() { sed 's/^/# /' "$@"; }
finish() { echo "1..$n"; exit 0; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

if ! "$VM_QEMU" -version >/dev/null 2>&1; then
	echo "1..0 # SKIP $VM_QEMU cannot run (apt-get install qemu-system-x86)"
	exit 0
fi

mkdir -p "$VM_DIR/out" || exit 1
# One run at a time per build folder: runs share the caches and out/.
exec 9>"$VM_DIR/.lock" && flock 9 || exit 1
t0=$(now)
if make -C "$root" --no-print-directory BUILD="$BUILD" vm-suite >"$VM_DIR/out/make.log" 2>&1; then
	ok "the guest suite is built (make vm-suite)"
else
	not_ok "the guest suite is built (make vm-suite)"
	tail -n 20 "$VM_DIR/out/make.log" | diag
	finish
fi

slots=${VM_KERNELS:-$(vm_slots)}
t1=$(now)
if vm_fetch_kernels $slots 2>"$VM_DIR/out/fetch.log"; then
	ok "kernels $(echo $slots) are in $VM_DIR/kernels ($(secs "$t1" "$(now)") s)"
else
	not_ok "kernels $(echo $slots) are fetched into $VM_DIR/kernels"
	diag "$VM_DIR/out/fetch.log"
	finish
fi

if [ -n "${VM_TESTS:-}" ]; then
	suite=($VM_TESTS)
else
	suite=("$BUILD/vm/suite" "$here"/guest/*.t "$here"/guest/lib.sh)
fi
initrd=$VM_DIR/initramfs.cpio.gz
if vm_initramfs "$initrd" "${suite[@]}" 2>"$VM_DIR/out/initramfs.log"; then
	ok "the initramfs holds the guest suite ($(du -k "$initrd" | cut -f1) KiB)"
else
	not_ok "the initramfs is built from: ${suite[*]}"
	diag "$VM_DIR/out/initramfs.log"
	finish
fi

for slot in $slots; do
	out=$VM_DIR/out/$slot
	t=$(now)
	vm_boot "$slot" "$initrd" "$out"
	rc=$?
	before=$failed
	emit < <(vm_report "$slot" "$out" "$rc" "$(secs "$t" "$(now)")")
	if [ "$failed" != "$before" ]; then
		echo "# $slot: last lines of the guest console ($out/console.log):"
		tail -n 25 "$out/console.log" 2>/dev/null | tr -d '\r' | diag
	fi
done
echo "# VM stage: $(secs "$t0" "$(now)") s in all"
finish

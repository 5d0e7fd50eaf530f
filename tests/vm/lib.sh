# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm/lib.sh: the pieces of the VM harness, sourced by the scripts in
# this folder (bash). It fetches Debian kernels, packs an initramfs around
# a set of guest tests, and boots one kernel under qemu-system-x86_64.
#
# The kernels come from Debian's archive through a private apt root under
# $VM_DIR/apt (its own sources list, state and cache, signed by the Debian
# archive keyring), so the host's apt sources, package state and /boot are
# never touched. Only the package holding the kernel image is downloaded,
# and only the image is unpacked: the guest runs from the initramfs alone
# and loads no modules. The .debs stay in $VM_DIR/debs, so a later run
# needs no network.
#
# Callers set BUILD (absolute) before sourcing; every function returns
# 0 or 1 and writes its complaints to stderr, prefixed with "vm: ".

VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_DIR=${VM_DIR:-$BUILD/vm}
VM_APT=$VM_DIR/apt
VM_KEYRING=${VM_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
VM_MIRROR=${VM_MIRROR:-http://deb.debian.org/debian}
VM_SECURITY_MIRROR=${VM_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
VM_QEMU=${VM_QEMU:-qemu-system-x86_64}
# tcg: software emulation. KVM is opt-in (VM_ACCEL=kvm): a /dev/kvm that
# exists is not proof that nested virtualisation works.
VM_ACCEL=${VM_ACCEL:-tcg}
VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-240}	# seconds per boot, whole suite included
VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-120}	# seconds per guest test
VM_LSM=lockdown,capability,landlock,yama,bpf

# The kernel matrix. One line per slot:
#   slot  suites (comma-separated)  package holding the image  lowest version
# The newest matching package of the slot's suites is taken. CO-RE moves
# struct fields but not hook arguments (lsm/bpf gained one in 6.16), so the
# matrix spans both sides of every such change we rely on.
VM_MATRIX='
6.1	bookworm,bookworm-security	^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$	6.1
6.12	bookworm-backports	^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$	6.12
trixie-bpo	trixie-backports	^linux-(binary-[0-9.]+\+deb13-amd64|image-[0-9.]+\+deb13-amd64-unsigned)$	6.17
'

vm_err() { echo "vm: $*" >&2; }

vm_slots() { awk 'NF { print $1 }' <<<"$VM_MATRIX"; }

# Prints one field of a slot's matrix line (2 suites, 3 regex, 4 version).
vm_slot_field() { awk -v s="$1" -v f="$2" '$1 == s { print $f }' <<<"$VM_MATRIX"; }

vm_apt_get() {
	apt-get -q \
		-o Dir::Etc::SourceList="$VM_APT/sources.list" \
		-o Dir::Etc::SourceParts="$VM_APT/sources.list.d" \
		-o Dir::Etc::Preferences="$VM_APT/preferences" \
		-o Dir::Etc::PreferencesParts="$VM_APT/preferences.d" \
		-o Dir::State="$VM_APT/state" \
		-o Dir::State::status="$VM_APT/state/status" \
		-o Dir::Cache="$VM_APT/cache" \
		-o APT::Architecture=amd64 -o APT::Architectures=amd64 \
		-o Acquire::Languages=none -o APT::Sandbox::User=root \
		"$@"
}

vm_apt_setup() {
	local s="[signed-by=$VM_KEYRING]"
	mkdir -p "$VM_APT/sources.list.d" "$VM_APT/preferences.d" \
		"$VM_APT/state/lists/partial" "$VM_APT/cache/archives/partial" || return 1
	: >"$VM_APT/state/status"
	cat >"$VM_APT/sources.list" <<-EOF
	deb $s $VM_MIRROR bookworm main
	deb $s $VM_SECURITY_MIRROR bookworm-security main
	deb $s $VM_MIRROR bookworm-backports main
	deb $s $VM_MIRROR trixie-backports main
	EOF
}

# Prints the newest package of a slot's suites whose name matches its regex.
vm_pick_package() {
	local slot=$1 suites regex files
	suites=$(vm_slot_field "$slot" 2)
	regex=$(vm_slot_field "$slot" 3)
	files=$(vm_apt_get indextargets --format '$(RELEASE) $(FILENAME)' \
		'Identifier: Packages' | awk -v want=",$suites," \
		'index(want, "," $1 ",") { print $2 }')
	[ -n "$files" ] || return 1
	for f in $files; do /usr/lib/apt/apt-helper cat-file "$f"; done |
		sed -n 's/^Package: //p' | grep -E "$regex" | sort -uV | tail -n 1
}

# Unpacks the kernel image of one .deb into $VM_DIR/kernels/SLOT.
vm_unpack() {
	local slot=$1 deb=$2 dst=$VM_DIR/kernels/$1 tmp k
	tmp=$(mktemp -d "$VM_DIR/kernels/.unpack.XXXXXX") || return 1
	# Debian keeps the image in /boot/vmlinuz-REL up to 6.x and in
	# /usr/lib/modules/REL/vmlinuz in the split linux-binary packages.
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*/vmlinuz*' ||
		{ rm -rf "$tmp"; vm_err "$slot: cannot unpack $deb"; return 1; }
	k=$(ls "$tmp"/boot/vmlinuz-* "$tmp"/usr/lib/modules/*/vmlinuz 2>/dev/null | head -n 1)
	[ -n "$k" ] || { rm -rf "$tmp"; vm_err "$slot: no kernel image in $deb"; return 1; }
	case $k in
	*/boot/vmlinuz-*) echo "${k##*/vmlinuz-}" ;;
	*) basename "$(dirname "$k")" ;;
	esac >"$tmp/release"
	mv "$k" "$tmp/vmlinuz" && rm -rf "$tmp/boot" "$tmp/usr"
	basename "$deb" >"$tmp/package"
	chmod 0755 "$tmp"
	rm -rf "$dst" && mv "$tmp" "$dst"
}

# Makes $VM_DIR/kernels/SLOT/vmlinuz exist for every given slot, using the
# cached .deb when there is one and downloading otherwise.
vm_fetch_kernels() {
	local slot deb pkg need=() min ver
	mkdir -p "$VM_DIR/debs" "$VM_DIR/kernels" || return 1
	for slot in "$@"; do
		[ -n "$(vm_slot_field "$slot" 2)" ] ||
			{ vm_err "$slot: not a slot of the matrix ($(echo $(vm_slots)))"; return 1; }
		[ -s "$VM_DIR/kernels/$slot/vmlinuz" ] && continue
		deb=$(ls "$VM_DIR/debs/$slot"/*.deb 2>/dev/null | head -n 1)
		if [ -n "$deb" ]; then vm_unpack "$slot" "$deb" || return 1; else need+=("$slot"); fi
	done
	[ ${#need[@]} -eq 0 ] && return 0
	vm_apt_setup || return 1
	vm_apt_get update >"$VM_APT/update.log" 2>&1 ||
		{ vm_err "apt-get update failed (see $VM_APT/update.log)"; return 1; }
	for slot in "${need[@]}"; do
		pkg=$(vm_pick_package "$slot")
		if [ -z "$pkg" ]; then
			vm_err "$slot: no package matches $(vm_slot_field "$slot" 3)"
			grep -E '^(W|E|Err):' "$VM_APT/update.log" | sed 's/^/vm: apt-get update: /' >&2
			return 1
		fi
		min=$(vm_slot_field "$slot" 4)
		ver=$(sed -E 's/^linux-(image|binary)-([0-9.]+).*/\2/' <<<"$pkg")
		if [ "$(printf '%s\n%s\n' "$min" "$ver" | sort -V | head -n 1)" != "$min" ]; then
			vm_err "$slot: newest package $pkg is older than $min"
			return 1
		fi
		mkdir -p "$VM_DIR/debs/$slot.partial" || return 1
		(cd "$VM_DIR/debs/$slot.partial" && vm_apt_get download "$pkg" >/dev/null) ||
			{ vm_err "$slot: apt-get download $pkg failed"; return 1; }
		rm -rf "$VM_DIR/debs/$slot" && mv "$VM_DIR/debs/$slot.partial" "$VM_DIR/debs/$slot" &&
			vm_unpack "$slot" "$(ls "$VM_DIR/debs/$slot"/*.deb | head -n 1)" || return 1
	done
}

# Copies FILE to DIR/FILE's own path inside the image, with the shared
# libraries and the interpreter it needs when it is dynamically linked.
vm_copy_with_libs() {
	local f=$1 root=$2 lib
	for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib" || return 1
	done
}

# vm_initramfs OUT TEST...: packs busybox, tests/vm/init and the given guest
# tests into a gzip'd newc cpio at OUT. Each TEST is a file or a folder; all
# land in the guest's /suite (a folder's contents copied whole), where the
# top-level executables are the tests and anything deeper is theirs to use
# (/suite/bin is on PATH). Every dynamically linked executable brings its
# libraries along.
vm_initramfs() {
	local out=$1 root rc; shift
	root=$(mktemp -d "$VM_DIR/.initramfs.XXXXXX") || return 1
	vm_initramfs_fill "$root" "$@" &&
		(cd "$root" && find . | /bin/busybox cpio -o -H newc -R 0:0 2>/dev/null) |
		gzip -1 >"$out.tmp" && mv "$out.tmp" "$out"
	rc=$?
	rm -rf "$root" "$out.tmp"
	return $rc
}

vm_initramfs_fill() {
	local root=$1 t exe; shift
	mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,suite} || return 1
	cp /bin/busybox "$root/bin/busybox" && vm_copy_with_libs /bin/busybox "$root" &&
		cp "$VM_LIB_DIR/init" "$root/init" && chmod 0755 "$root/init" || return 1
	echo "VM_TEST_TIMEOUT=$VM_TEST_TIMEOUT" >"$root/etc/vm.conf"
	for t in "$@"; do
		if [ -d "$t" ]; then
			cp -a "$t/." "$root/suite/" || return 1
		else
			cp -L "$t" "$root/suite/" || return 1
		fi
	done
	exe=$(find "$root/suite" -type f -perm -u+x) || return 1
	while IFS= read -r t; do
		[ -z "$t" ] || vm_copy_with_libs "$t" "$root" || return 1
	done <<<"$exe"
}

# vm_boot SLOT INITRD OUTDIR: boots one kernel; the guest's console (kernel
# log) goes to OUTDIR/console.log and its TAP, on a second serial port, to
# OUTDIR/tap.log. Returns qemu's status (124 on timeout).
vm_boot() {
	local slot=$1 initrd=$2 out=$3
	mkdir -p "$out" && rm -f "$out/console.log" "$out/tap.log"
	timeout -k 5 "$VM_BOOT_TIMEOUT" "$VM_QEMU" -nodefaults -no-user-config -accel "$VM_ACCEL" \
		-smp 1 -m 1G -display none -no-reboot \
		-kernel "$VM_DIR/kernels/$slot/vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 lsm=$VM_LSM panic=-1 oops=panic loglevel=4 rdinit=/init" \
		-serial "file:$out/console.log" -serial "file:$out/tap.log" \
		</dev/null >"$out/qemu.log" 2>&1
}

# vm_report SLOT OUTDIR QEMU_STATUS WALL_SECONDS: turns one boot's tap.log
# into flat TAP for the host (see report.awk).
vm_report() {
	tr -d '\r' <"$2/tap.log" 2>/dev/null |
		awk -v p="$1: " -v qrc="$3" -v wall="$4" -f "$VM_LIB_DIR/report.awk"
}

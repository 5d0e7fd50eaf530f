# SPDX-License-Identifier: GPL-2.0-only
#
# The VM harness (tests/vm/): what the guest runs. tests/vm/lsm.t boots each
# kernel of its matrix under qemu with an initramfs holding $(BUILD)/vm/suite
# and tests/vm/guest/*.t, and runs every top-level executable there. A
# fragment adds a guest test with a rule that builds it into that folder
# (static, or dynamic: its libraries are copied along) and a prerequisite
#   vm-suite: $(BUILD)/vm/suite/NAME
# Kernels and packages are cached in $(BUILD)/vm (see tests/vm/README.md).
#
# The probe tests/vm/probe/ is the harness's own proof that BPF LSM
# programs load and enforce in each guest; it is linked statically against
# the distribution's libbpf.a, libelf.a and libz.a.

VM_SUITE	:= $(BUILD)/vm/suite
VM_PROBE_DIR	:= $(BUILD)/vm/probe
DEB_PKGS_EXTRA	+= qemu-system-x86 busybox-static

$(VM_PROBE_DIR)/vm_lsm.bpf.o: tests/vm/probe/vm_lsm.bpf.c tests/vm/probe/vm_lsm.h \
		$(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -target bpf -g -O2 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		-Itests/vm/probe -I$(BUILD) -c $< -o $@

$(VM_PROBE_DIR)/vm_lsm.skel.h: $(VM_PROBE_DIR)/vm_lsm.bpf.o mk/vm.mk
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name vm_lsm > $@.tmp && mv $@.tmp $@

$(VM_SUITE)/vm_lsm: tests/vm/probe/vm_lsm.c tests/vm/probe/vm_lsm.h \
		$(VM_PROBE_DIR)/vm_lsm.skel.h
	$(call msg,LD-STAT,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -I$(VM_PROBE_DIR) -Itests/vm/probe $(CFLAGS) -static $< \
		-lbpf -lelf -lz -o $@

.PHONY: vm-suite
vm-suite: $(VM_SUITE)/vm_lsm

tests: vm-suite

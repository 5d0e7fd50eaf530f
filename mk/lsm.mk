# SPDX-License-Identifier: GPL-2.0-only
#
# The BPF LSM layer (src/lsm/, bpf/lsm/). Its hooks are one object built
# from one file per family of hooks: each bpf/lsm/*.bpf.c is compiled as
# any BPF file, and `bpftool gen object` links them (the way the kernel's
# selftests link theirs) into one object, whose skeleton is lsm.skel.h.
# What the files share (maps, rodata) is __weak in their headers, so the
# linker keeps one of each.
#
# Its programs can only run in
# a kernel booted with lsm=...,bpf, so its tests and benchmark are guest
# programs of the VM harness (tests/vm/README.md): static binaries that
# link the rulebook, network, exec, observer and LSM objects of the
# library and nothing else (no json-c, curl or jury), built into the
# guest suite. lsm_layer drives io_uring through liburing's static
# archive (liburing-dev).
#
#   tests/vm/lsm/lsm_layer.c -> $(BUILD)/vm/suite/lsm_layer  (TAP: enforcement)
#   tests/vm/lsm/lsm_bench.c -> $(BUILD)/vm/suite/lsm_bench  (TAP + "# bench:" ratios)

LSM_PARTS := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard bpf/lsm/*.bpf.c)))
SKELS += $(BUILD)/lsm.skel.h

$(BUILD)/bpf/lsm.linked.o: $(LSM_PARTS)
	$(call msg,BPF-LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(BUILD)/lsm.skel.h: $(BUILD)/bpf/lsm.linked.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name lsm_bpf > $@.tmp && mv $@.tmp $@

# (not policy/agent.o: the agent's user comes from the passwd database,
# which a static binary cannot reach, and the guest programs need none)
LSM_GUEST_OBJS = $(filter-out $(BUILD)/src/policy/agent.o,$(filter $(BUILD)/src/policy/% \
	$(BUILD)/src/net/% $(BUILD)/src/exec/% $(BUILD)/src/observe/% $(BUILD)/src/lsm/% \
	$(BUILD)/src/util/% $(BUILD)/src/shell/% $(BUILD)/src/seccomp/% $(BUILD)/src/dns/%,$(OBJS)))

$(BUILD)/vm/suite/lsm_%: tests/vm/lsm/lsm_%.c tests/vm/lsm/lsm_test.h $(LSM_GUEST_OBJS) mk/lsm.mk
	$(call msg,LD-STAT,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -static $< $(LSM_GUEST_OBJS) -luring -lbpf -lelf -lz -lyaml -lseccomp -o $@

.PHONY: vm-suite
vm-suite: $(BUILD)/vm/suite/lsm_layer $(BUILD)/vm/suite/lsm_bench

# `sevorix run` itself in the guest (tests/vm/guest/lsm_run.t): the real
# binary as a helper of the suite; the harness copies its libraries along.
$(BUILD)/vm/suite/bin/sevorix: $(BUILD)/sevorix
	$(call msg,CP,$@)
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@

vm-suite: $(BUILD)/vm/suite/bin/sevorix

# SPDX-License-Identifier: GPL-2.0-only
#
# The BPF LSM layer (src/lsm/, bpf/lsm.bpf.c). Its programs can only run in
# a kernel booted with lsm=...,bpf, so its tests and benchmark are guest
# programs of the VM harness (tests/vm/README.md): static binaries that
# link the rulebook, network, exec, observer and LSM objects of the
# library and nothing else (no json-c, curl or jury), built into the
# guest suite. lsm_layer drives io_uring through liburing's static
# archive (liburing-dev).
#
#   tests/vm/lsm/lsm_layer.c -> $(BUILD)/vm/suite/lsm_layer  (TAP: enforcement)
#   tests/vm/lsm/lsm_bench.c -> $(BUILD)/vm/suite/lsm_bench  (TAP + "# bench:" ratios)

# (not policy/agent.o: the agent's user comes from the passwd database,
# which a static binary cannot reach, and the guest programs need none)
LSM_GUEST_OBJS = $(filter-out $(BUILD)/src/policy/agent.o,$(filter $(BUILD)/src/policy/% \
	$(BUILD)/src/net/% $(BUILD)/src/exec/% $(BUILD)/src/observe/% $(BUILD)/src/lsm/% \
	$(BUILD)/src/util/% $(BUILD)/src/seccomp/%,$(OBJS)))

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

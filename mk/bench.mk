# SPDX-License-Identifier: GPL-2.0-only
#
# The real-work benchmark (bench/work_bench.sh, part of `make bench`):
# make, git, pytest and bubblewrap's start as the baselines it times
# against, from Debian. npm is not installed here: where node comes from
# elsewhere (the agents need a newer one than bookworm's), Debian's npm
# package conflicts with it; the npm workload is skipped without npm.
#
#   make bench-work    only that benchmark (ROUNDS, ONLY: see the script)

DEB_PKGS_EXTRA += bubblewrap git python3-pytest

.PHONY: bench-work
bench-work: deps
	$(Q)$(MAKE) --no-print-directory all $(BENCH_BINS)
	$(Q)BUILD=$(abspath $(BUILD)) ./bench/work_bench.sh

# The load-once prototype (bench/loadonce_bench.c, docs/perf.md): its BPF
# object is built as the layers' are, but belongs to no layer. It includes
# the uapi headers only, not vmlinux.h.
$(BUILD)/bench/loadonce.bpf.o: bench/bpf/loadonce.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -target bpf -g -O2 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		-I/usr/include/$(shell uname -m)-linux-gnu -c $< -o $@

$(BUILD)/loadonce.skel.h: $(BUILD)/bench/loadonce.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name loadonce_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/bench/loadonce_bench.o: $(BUILD)/loadonce.skel.h

# Its machine-wide half (tp_btf), which needs the kernel's types.
$(BUILD)/bench/loadonce_exec.bpf.o: bench/bpf/loadonce_exec.bpf.c $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -target bpf -g -O2 -D__TARGET_ARCH_$(ARCH) -Wall -Werror -I$(BUILD) -c $< -o $@

$(BUILD)/loadonce_exec.skel.h: $(BUILD)/bench/loadonce_exec.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name loadonce_exec_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/bench/loadonce_bench.o: $(BUILD)/loadonce_exec.skel.h

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BPF LSM probe: an LSM program that allows everything. `doctor` and
 * `run` only load it (never attach it) to learn whether this kernel runs
 * LSM programs at all; many refuse them at load time even with
 * CONFIG_BPF_LSM=y (no "bpf" in lsm=, or a hypervisor that forbids
 * trampolines).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/file_open")
int BPF_PROG(sevorix_lsm_probe, struct file *file)
{
	return 0;
}

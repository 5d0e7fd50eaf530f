/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vm_lsm.h: what vm_lsm.bpf.c and vm_lsm.c share. The probe is the
 * VM harness's own proof that BPF LSM programs load and enforce in each
 * guest kernel: it denies file_open of one file and socket_connect to one
 * IPv4 port, and only for tasks in one cgroup. The targets are read-only
 * data set by the loader before load, so the programs need no map look-up.
 */
#ifndef VM_LSM_H
#define VM_LSM_H

/*
 * Which denial each counter records, in the order of the `denied` array in
 * the program's .bss.
 */
enum vm_lsm_counter {
	VM_LSM_OPEN = 0,
	VM_LSM_CONNECT = 1,
	VM_LSM_NR_COUNTERS = 2,
};

#endif /* VM_LSM_H */

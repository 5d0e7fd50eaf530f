// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm_lsm.bpf.c: two BPF LSM programs that deny one file and one TCP port
 * to one cgroup, used by the VM harness to prove that the LSM layer works
 * in every kernel of its matrix.
 *
 * Built once against the host's vmlinux.h and relocated by CO-RE in each
 * guest. CO-RE moves struct fields, not hook arguments, so the programs
 * read only arguments whose position has not changed between 6.1 and the
 * newest kernel tested: file_open(file) and socket_connect(sock, address,
 * addrlen), each followed by the previous LSM's return value.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vm_lsm.h"

#define EPERM 1
#define AF_INET 2

/* Set by the loader before load. A zero cgroup id matches no task. */
const volatile __u64 target_cgroup = 0;
const volatile __u64 target_ino = 0;
const volatile __u32 target_dev = 0;	/* the kernel's dev_t, MKDEV(major, minor) */
const volatile __u16 target_port = 0;	/* network byte order */

__u64 denied[VM_LSM_NR_COUNTERS];

SEC("lsm/file_open")
int BPF_PROG(vm_lsm_file_open, struct file *file, int ret)
{
	struct inode *inode;

	if (ret)
		return ret;
	if (!target_cgroup || bpf_get_current_cgroup_id() != target_cgroup)
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	if (BPF_CORE_READ(inode, i_ino) != target_ino ||
	    BPF_CORE_READ(inode, i_sb, s_dev) != target_dev)
		return 0;
	__sync_fetch_and_add(&denied[VM_LSM_OPEN], 1);
	return -EPERM;
}

SEC("lsm/socket_connect")
int BPF_PROG(vm_lsm_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen,
	     int ret)
{
	struct sockaddr_in sin = {};

	if (ret)
		return ret;
	if (!target_cgroup || bpf_get_current_cgroup_id() != target_cgroup)
		return 0;
	/* address is the kernel's own copy, in a struct sockaddr_storage, so
	 * reading sizeof(sin) stays inside it; a shorter address is not ours. */
	if (addrlen < (int)sizeof(sin) || bpf_probe_read_kernel(&sin, sizeof(sin), address))
		return 0;
	if (sin.sin_family != AF_INET || sin.sin_port != target_port)
		return 0;
	__sync_fetch_and_add(&denied[VM_LSM_CONNECT], 1);
	return -EPERM;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0-only
/*
 * K2 for UNIX sockets: connect_unix and sendmsg_unix (kernel 6.7+). The
 * path is read from the kernel's copy of the sockaddr (bpf_sock_addr_kern),
 * zero-padded after its end, and looked up in an LPM trie of rule paths
 * (abi.h). Abstract addresses (a leading NUL) name no path a rule can
 * match: they meet the zero-length entry, which holds the network default. A separate object, so that a kernel
 * without these hooks still loads the inet programs.
 *
 * libbpf 1.1 knows neither section name: the programs are declared as
 * connect4/sendmsg4 and user space sets their attach types before load.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "sevorix/abi.h"
#include "common.bpf.h"
#include "unix.bpf.h"

#define AF_UNIX 1

char LICENSE[] SEC("license") = "GPL";

/*
 * The context of a sock_addr program is the kernel's struct
 * bpf_sock_addr_kern. It is read here by its CO-RE offsets rather than
 * through the bpf_cast_to_kern_ctx kfunc: to resolve a kfunc, libbpf reads
 * and parses the whole of the kernel's BTF (15-20 ms of every run), while
 * offsets resolve against the cut of it that util/corebtf.h keeps.
 */
static __always_inline int kern_ctx_read(void *dst, __u32 size, struct bpf_sock_addr *ctx,
					 __u32 off)
{
	return bpf_probe_read_kernel(dst, size, (void *)ctx + off);
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_unix_key);
} sx_unix_scratch SEC(".maps");

static __always_inline int judge_unix(struct bpf_sock_addr *ctx, __u8 kind)
{
	struct decision d = { SX_V_DENY, SX_RULE_DEFAULT }; /* fail closed */
	struct sx_unix_value *v;
	struct sx_unix_key *key;
	struct sx_event *e;
	__u32 zero = 0, len, uaddrlen = 0;
	struct sockaddr *uaddr = NULL;
	int allow;

	key = bpf_map_lookup_elem(&sx_unix_scratch, &zero);
	if (!key)
		return 0; /* fail closed */
	if (kern_ctx_read(&uaddr, sizeof(uaddr), ctx,
			  bpf_core_field_offset(struct bpf_sock_addr_kern, uaddr)) ||
	    kern_ctx_read(&uaddrlen, sizeof(uaddrlen), ctx,
			  bpf_core_field_offset(struct bpf_sock_addr_kern, uaddrlen)) ||
	    !uaddr)
		return 0; /* fail closed: the address cannot be read */
	len = uaddrlen > 2 ? uaddrlen - 2 : 0;
	if (sx_unix_key_read(key, ((struct sockaddr_un *)uaddr)->sun_path, len))
		return 0; /* fail closed */
	/* the zero-length entry holds the default, so a miss means broken maps */
	v = bpf_map_lookup_elem(&sx_unix, key);
	if (v) {
		d.verdict = v->action;
		d.rule_id = v->rule_id;
	}
	e = sx_decided(d, kind, &allow);
	if (!e && d.verdict == SX_V_ALLOW && learning()) /* each path, for run --learn */
		e = sx_decision_new(kind, SX_V_ALLOW, SX_LAYER_CGROUP_BPF, SX_SEC_NETWORK, d.rule_id);
	if (e) {
		e->family = AF_UNIX;
		e->sock_type = ctx->type;
		e->data_len = SX_UNIX_PATH_MAX;
		__builtin_memcpy(e->data, key->path, SX_UNIX_PATH_MAX);
		sx_submit(e);
	}
	return allow;
}

SEC("cgroup/connect4")
int sevorix_connect_unix(struct bpf_sock_addr *ctx)
{
	return judge_unix(ctx, SX_EV_CONNECT);
}

SEC("cgroup/sendmsg4")
int sevorix_sendmsg_unix(struct bpf_sock_addr *ctx)
{
	return judge_unix(ctx, SX_EV_SENDMSG);
}

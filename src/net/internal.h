/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the files of the network layer; not a public interface. */
#ifndef SEVORIX_NET_INTERNAL_H
#define SEVORIX_NET_INTERNAL_H

#include <stdbool.h>

#include "net/net.h"
#include "net.skel.h"
#include "unix.skel.h"

#define NLINKS 16

#include "util/bpfobj.h"

struct netlayer {
	struct net_bpf *maps; /* the object without programs that made the run's maps */
	struct net_bpf *net;
	struct unix_bpf *unix_;
	struct bpfobj_loader inet_load, unix_load; /* netlayer_begin's loads */
	struct bpf_link *links[NLINKS];
	int nlinks;
	bool names;	      /* the policy names hosts: lookups are redirected */
	struct sx_netcfg cfg; /* what sx_netcfg holds */
};

/* Writes nl->cfg into sx_netcfg. Returns 0 or -errno. */
int netlayer_write_cfg(struct netlayer *nl);
/* names.c: the ports of every host rule into sx_host_ports. Returns 0 or -errno (*err says why). */
int netlayer_compile_hosts(struct netlayer *nl, const struct policy *p, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Learn mode (`sevorix run --learn OUT.yaml`): what a run did, written as
 * the rulebook that allows it.
 *
 * The run's actions are collected as observations (learn_rec below) and
 * handed to learn_generalize(), a pure function from observations to
 * YAML, which generalizes them the way a careful person would; the rules
 * it follows are at the top of generalize.c and in sevorix-policy(5).
 */
#ifndef SEVORIX_LEARN_LEARN_H
#define SEVORIX_LEARN_LEARN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sevorix/policy.h"

enum obs_kind {
	OBS_FILE,	/* a path used with some kinds of access */
	OBS_NET,	/* a connect or datagram to an IPv4/IPv6 destination */
	OBS_UNIX,	/* a connect to a UNIX socket path (abstract names start with '@') */
	OBS_EXEC,	/* a program executed (its canonical path), or one the kernel loaded for it */
};

/* Flags of an observation. */
enum obs_flag {
	OBS_CREATED = 1 << 0,	/* FILE: the run created this name */
	OBS_DIR = 1 << 1,	/* FILE: a directory */
	OBS_ENTRIES = 1 << 2,	/* FILE: a directory whose entries the run removed or renamed */
	OBS_DENIED = 1 << 3,	/* refused in the learning run (its policy denies it) */
	OBS_INTERP = 1 << 4,	/* EXEC: an interpreter or the ELF loader of a program run */
	OBS_UDP = 1 << 5,	/* NET */
};

struct observed {
	enum obs_kind kind;
	char *path;		/* FILE, UNIX, EXEC: absolute, as the agent sees it */
	unsigned int access;	/* FILE: enum sx_access bits */
	unsigned int flags;	/* enum obs_flag */
	int family;		/* NET: AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
	char *name;		/* NET: the host name looked up for it, or NULL */
	char *argv;		/* EXEC: the argv joined by spaces, or NULL */
	unsigned long count;
};

struct learn_input {
	const struct observed *v;
	size_t n;
	const struct policy *ref;	/* the default policy: its system paths and its denials */
	const char *home, *workspace;	/* the agent's ${HOME} and ${WORKSPACE} */
	const char *header;		/* comment lines for the top of the file, or NULL */
	unsigned long lost;		/* observations the kernel could not queue */
	const struct policy_dns *dns;	/* the learning run's network.dns, or NULL */
};

/*
 * The reference policy of learning: /etc/sevorix/policy.yaml when it is
 * there, else the default policy this binary was built with. And the
 * base a run learns under without --policy: every section, nothing
 * denied, a private /tmp when asked (when the reference has one: the
 * learnt policy will). Both return as policy_load().
 */
int learn_reference(const struct policy_env *env, struct policy **ret, struct policy_diag *diag);
int learn_base(const struct policy_env *env, bool private_tmp, struct policy **ret,
	       struct policy_diag *diag);

/*
 * The observations of a run as they arrive, from any thread: each distinct
 * one once, with a count; at most max of them (beyond, learn_rec_add()
 * returns -E2BIG and counts them as dropped). The list stays valid until
 * the next learn_rec_add().
 */
struct learn_rec;
int learn_rec_new(size_t max, struct learn_rec **ret);
int learn_rec_add(struct learn_rec *r, const struct observed *o);
/*
 * The same for the first use of something the kernel counts under key
 * (len bytes, at most 32) from then on; learn_rec_count() adds what it
 * counted (uses in all, that first one included). -ENOENT: no such key.
 */
int learn_rec_add_keyed(struct learn_rec *r, const struct observed *o, const void *key, size_t len);
int learn_rec_count(struct learn_rec *r, const void *key, size_t len, unsigned long uses);
const struct observed *learn_rec_list(struct learn_rec *r, size_t *n);
unsigned long learn_rec_dropped(struct learn_rec *r);
void learn_rec_free(struct learn_rec *r);

/*
 * Writes the rulebook that allows the observations of in (and, as
 * comments, what it does not: denials of the learning run and what the
 * reference policy denies). Returns 0, -ENOMEM or -EIO.
 */
int learn_generalize(const struct learn_input *in, FILE *out);

/*
 * The file the kernel loads to run the file whose first len bytes are
 * head: a script's "#!" interpreter or an ELF's PT_INTERP loader, into
 * out. Returns 0, -ENOENT (it names none) or -EINVAL (malformed).
 */
int learn_interp_of(const void *head, size_t len, char *out, size_t outlen);
/*
 * The chain of files loaded to run path (as the agent sees it below root,
 * NULL for /): its interpreter, that one's loader, ... canonical, at most
 * max. Returns how many were found.
 */
int learn_loaded_by(const char *root, const char *path, char (*out)[4096], size_t max);

/*
 * path with ${WORKSPACE} or ${HOME} in place of their values where it
 * starts with one (the longer first); malloc'd, NULL on ENOMEM.
 */
char *learn_written(const char *home, const char *workspace, const char *path);
/* The ranges of a bitmap of ports 1..65535 (bit p: port p); NULL when none (or ENOMEM). */
struct port_range *learn_port_ranges(const uint64_t *bits, size_t *n);
/* The destination as the rules judge it: IPv4-mapped as IPv4, 0.0.0.0 and :: as loopback. */
void learn_normalize(int *family, uint8_t *addr);

#endif

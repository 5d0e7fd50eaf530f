/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rulebook in memory.
 *
 * A policy file (YAML, see sevorix-policy(5)) is parsed once into a struct
 * policy: plain arrays of rules, each with the file:line:col it came from,
 * with variables both as written and expanded. Every enforcement layer
 * compiles this structure, never the YAML, so that a rule means the same in
 * every layer and every event can name the rule that decided.
 *
 * Order: after policy_load() every rule array is sorted into evaluation
 * order -- longest prefix first (CIDR bits; path components), then a rule
 * with ports before one without, then deny > review > allow, then file
 * order; host rules most specific name first (dns/match.h). The first
 * rule in that order that matches decides; when none does, the section's
 * default decides. rule->id is the rule's index in its
 * sorted array; kernel maps carry it so events can name rule->loc.
 */
#ifndef SEVORIX_POLICY_H
#define SEVORIX_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Ordered by strictness: a larger value is stricter. Shared with BPF (abi.h). */
enum sx_action {
	SX_ALLOW = 0,
	SX_REVIEW = 1,
	SX_DENY = 2,
};

enum sx_mode {
	SX_MODE_ENFORCE = 0,
	SX_MODE_AUDIT = 1,
};

/* files.rules[].access bits */
enum sx_access {
	SX_ACCESS_READ = 1 << 0,
	SX_ACCESS_WRITE = 1 << 1,
	SX_ACCESS_EXEC = 1 << 2,
	SX_ACCESS_ALL = SX_ACCESS_READ | SX_ACCESS_WRITE | SX_ACCESS_EXEC,
};

/*
 * The entries of the seccomp hardening (and of the BPF LSM and Landlock
 * self-protection) that a rulebook's `hardening: {allow: [...]}` may
 * relax, one bit each. What each entry denies is the enforcing layers'
 * business (src/seccomp/, src/landlock/, bpf/lsm/); the rulebook only
 * knows their names. Module loading, kexec and foreign architectures are
 * never relaxable and so have no name here.
 */
enum hardening_allow {
	HARDEN_ALLOW_PTRACE = 1u << 0,	      /* ptrace, process_vm_readv/writev, pidfd_getfd */
	HARDEN_ALLOW_IO_URING = 1u << 1,      /* io_uring_setup/enter/register */
	HARDEN_ALLOW_BPF = 1u << 2,	      /* bpf */
	HARDEN_ALLOW_PERF = 1u << 3,	      /* perf_event_open */
	HARDEN_ALLOW_USERFAULTFD = 1u << 4,   /* userfaultfd */
	HARDEN_ALLOW_KEYRING = 1u << 5,	      /* add_key, keyctl, request_key */
	HARDEN_ALLOW_NAMESPACES = 1u << 6,    /* unshare, setns, clone with CLONE_NEW* */
	HARDEN_ALLOW_MOUNT = 1u << 7,	      /* mount, umount2, pivot_root, chroot, fs* API */
	HARDEN_ALLOW_CLONE3 = 1u << 8,	      /* clone3 (flags cannot be inspected) */
	HARDEN_ALLOW_HANDLES = 1u << 9,	      /* open_by_handle_at */
	HARDEN_ALLOW_TIOCSTI = 1u << 10,      /* ioctl TIOCSTI, TIOCLINUX */
	HARDEN_ALLOW_FASTOPEN = 1u << 11,     /* sendto/sendmsg/sendmmsg MSG_FASTOPEN */
	HARDEN_ALLOW_PING = 1u << 12,	      /* socket(AF_INET*, SOCK_DGRAM, ICMP*) */
	HARDEN_ALLOW_ANY_SOCKET = 1u << 13,   /* no socket() allow list at all */
	/* Landlock scopes (ABI >= 6), applied by src/landlock/: */
	HARDEN_ALLOW_SIGNAL = 1u << 14,	      /* signal processes outside the domain */
	HARDEN_ALLOW_ABSTRACT_UNIX = 1u << 15, /* abstract UNIX sockets outside the domain */
};

/* Input of the hardening layers, filled from the rulebook; zero = safe default. */
struct hardening_opts {
	unsigned int allow; /* enum hardening_allow bits */
};

/*
 * Name (as written in the rulebook) <-> bit. Returns 0 and sets *bit, or
 * -ENOENT for a name that is not a relaxable entry.
 */
int hardening_allow_from_name(const char *name, unsigned int *bit);
/* NULL-terminated list of the accepted names, for messages and docs. */
const char *const *hardening_allow_names(void);

struct policy_loc {
	const char *file; /* one of policy->sources, not owned */
	unsigned int line;
	unsigned int col;
	unsigned int src; /* index of file in policy->sources: the order files were read */
};

struct policy_var {
	char *name;
	char *value;	/* expanded */
	char *written;	/* as written; NULL for built-ins */
	struct policy_loc loc;
};

struct port_range {
	uint16_t lo;
	uint16_t hi;
};

enum net_rule_kind {
	NET_RULE_CIDR4 = 1,
	NET_RULE_CIDR6 = 2,
	NET_RULE_UNIX = 3,
	NET_RULE_HOST = 4,	/* a name the agent looks up (network.dns, docs/dns.md) */
	NET_RULE_BIND4 = 5,	/* network.bind: a local address the agent may bind */
	NET_RULE_BIND6 = 6,
};

struct net_rule {
	enum sx_action action;
	enum net_rule_kind kind;
	uint8_t addr[16];	   /* network byte order; IPv4 in addr[0..3] */
	uint8_t prefix;		   /* prefix length in bits */
	struct port_range *ports;  /* NULL/0: every port */
	size_t nports;
	char *text;		   /* cidr or unix path as written */
	char *unix_path;	   /* expanded; NULL unless NET_RULE_UNIX */
	bool unix_prefix;	   /* path ends in '/': matches everything under it */
	char *host;		   /* NET_RULE_HOST: lower case, no trailing dot; else NULL */
	unsigned int id;	   /* index in the sorted array */
	struct policy_loc loc;
};

/* files.rules[].create: what `sevorix run` creates, as the agent user, before the agent starts */
enum sx_create {
	SX_CREATE_NONE = 0,
	SX_CREATE_DIR = 1,
	SX_CREATE_FILE = 2,
};

/* tmp: the agent's /tmp. Without the key, the host's (today's meaning). */
enum sx_tmp {
	SX_TMP_SHARED = 0,
	SX_TMP_PRIVATE = 1,
};

struct file_rule {
	enum sx_action action;
	char *path;	      /* as written, may hold ${VAR} */
	char *expanded;	      /* absolute, normalized, no trailing '/' (but "/") */
	unsigned int access;  /* enum sx_access bits; deny rules: SX_ACCESS_ALL unless given */
	enum sx_create create; /* create: dir|file */
	unsigned int id;
	struct policy_loc loc;
};

struct exec_rule {
	enum sx_action action;
	char *path;	      /* as written, or NULL for an argv rule */
	char *expanded;	      /* normalized; NULL for an argv rule */
	char *argv_glob;      /* fnmatch(3)-style glob over argv joined by ' ', or NULL */
	char *shell_glob;     /* the same glob over each pipeline the argv runs, or NULL */
	unsigned int id;
	struct policy_loc loc;
};

struct policy_section {
	bool present;		  /* section given in the file */
	enum sx_action def;	  /* default when no rule matches */
	struct policy_loc loc;
};

/* The built-in variables, in this order in policy->builtin. */
enum policy_builtin {
	POLICY_VAR_HOME,
	POLICY_VAR_USER,
	POLICY_VAR_WORKSPACE,
	POLICY_VAR_AGENT_DIR,
	POLICY_NBUILTIN,
};

/*
 * network.dns: the run's resolver (docs/dns.md). With neither this nor a
 * host rule, no lookup is intercepted (policy_names_hosts()).
 */
#define POLICY_DNS_UPSTREAM_MAX 3
#define POLICY_DNS_TTL_MIN 30
#define POLICY_DNS_TTL_MAX 3600
#define POLICY_DNS_GRACE 5
struct policy_dns {
	bool present;
	char *upstream[POLICY_DNS_UPSTREAM_MAX]; /* "ADDR", "ADDR:PORT", "[V6]:PORT" as written */
	size_t nupstream;	  /* 0: the nameservers of the host's /etc/resolv.conf */
	unsigned int ttl_min, ttl_max; /* seconds: the clamp of a learnt address's TTL */
	unsigned int grace;	  /* seconds a learnt address outlives its TTL */
	struct policy_loc loc;
};

struct policy {
	char *file;		/* the file named by the user */
	/*
	 * Every file read for it, in the order read: the files a file extends
	 * or includes before it, each file once (sevorix-policy(5), "Profiles").
	 * Rules name theirs in loc.file.
	 */
	char **sources;
	size_t nsources;
	int version;
	enum sx_mode mode;
	struct policy_var *vars; /* user vars, file order */
	size_t nvars;
	struct policy_var builtin[POLICY_NBUILTIN]; /* enum policy_builtin, as resolved */

	struct policy_section network;
	struct net_rule *net_rules;	/* cidr, unix, host and bind rules */
	size_t nnet_rules;
	struct policy_dns dns;		/* network.dns */
	struct policy_section bind;	/* network.bind; absent: binding is not restricted */

	struct policy_section files;
	struct file_rule *file_rules;
	size_t nfile_rules;

	struct policy_section exec;
	struct exec_rule *exec_rules;
	size_t nexec_rules;
	enum sx_action exec_written;	/* exec: {written: deny}: W^X for files changed since start */
	enum sx_action exec_loader;	/* exec: {loader: allow}: direct exec of ld.so (default deny) */

	/* hardening: {allow: [ptrace, io_uring, ...]}: enum hardening_allow bits */
	unsigned int hardening_allow;

	/* tmp: private|shared; tmp_given: the key was written (policy print) */
	enum sx_tmp tmp;
	bool tmp_given;
	struct policy_loc tmp_loc;

	/* jury: {local: unix:///PATH}; review: {deadline_ms: N} */
	char *jury_local;		/* the socket path, without unix:// */
	char *root;			/* the agent's "/" (a container's rootfs); NULL: / */
	unsigned int review_deadline_ms;
	struct policy_loc review_loc;
};

#define POLICY_FILE_DEFAULT "/etc/sevorix/policy.yaml"	/* of every command */
#define POLICY_JURY_DEFAULT "/var/run/sevorix/slm.sock"
/* Where profiles are found by name: the admin's first, then those `make install` ships. */
#ifndef POLICY_PROFILE_DIR
#define POLICY_PROFILE_DIR "/usr/local/share/sevorix/profiles"
#endif
#define POLICY_PROFILE_PATH "/etc/sevorix/profiles:" POLICY_PROFILE_DIR

/*
 * The file of a profile (`run --profile`, `extends:`): a name (no '/') is
 * NAME.yaml in the first directory of policy_profile_dirs() that has it;
 * anything with a '/' is a path. Returns 0 with the file in buf, -ENOENT,
 * -EINVAL (not a name) or -ENAMETOOLONG.
 */
int policy_profile_path(const char *name, char *buf, size_t len);
/* $SEVORIX_PROFILE_PATH (directories separated by ':') when set, else POLICY_PROFILE_PATH. */
const char *policy_profile_dirs(void);
#define POLICY_REVIEW_DEADLINE_MS 1000

/* Who the agent runs as; fills ${HOME} ${USER} ${WORKSPACE} ${AGENT_DIR}. */
struct policy_env {
	const char *home;
	const char *user;
	const char *workspace;
	const char *agent_dir;	/* policy_agent_dir() of the command; NULL: not known here */
};

/*
 * Diagnostics: every error and warning is one "file:line:col: message"
 * line appended to diag (may be NULL). Returns 0, or -EINVAL when the file
 * has errors (then *ret is NULL), or another -errno.
 */
struct policy_diag {
	char **lines;
	size_t nlines;
	size_t nerrors;
	size_t nwarnings;
};

int policy_load(const char *file, const struct policy_env *env, struct policy **ret,
		struct policy_diag *diag);
/* The same from a rulebook in memory; name stands for the file in messages and events. */
int policy_load_text(const char *name, const char *text, const struct policy_env *env,
		     struct policy **ret, struct policy_diag *diag);
void policy_free(struct policy *p);
void policy_diag_clear(struct policy_diag *d);
/* Writes every line of d to f, as they are (they name their file and place). */
void policy_diag_print(const struct policy_diag *d, FILE *f);

/*
 * Appends a warning to diag for every allow rule (files, exec) whose path
 * does not exist now, below p->root: it grants nothing (Landlock ties rules
 * to existing files). Returns how many.
 */
size_t policy_check_paths(const struct policy *p, struct policy_diag *diag);

/* Prints the normalized policy in YAML; expand=true writes expanded values. */
int policy_print(const struct policy *p, bool expand, FILE *out);
/* One rule as policy_print() writes it, "{action: ..., ...}" (no "- ", no newline). */
void policy_print_net_rule(FILE *f, const struct net_rule *r, bool expand);
void policy_print_file_rule(FILE *f, const struct file_rule *r, bool expand);
void policy_print_exec_rule(FILE *f, const struct exec_rule *r, bool expand);

/*
 * Reference decisions in user space, in the order described above. They
 * define what the kernel layers must compute; tests compare both. *rule is
 * set to the deciding rule, or NULL when the default decided.
 */
enum sx_action policy_decide_net(const struct policy *p, int family, const void *addr,
				 uint16_t port, const struct net_rule **rule);
enum sx_action policy_decide_unix(const struct policy *p, const char *sun_path,
				  const struct net_rule **rule);
/* A bind(2) of a TCP or UDP socket to addr:port (0: any port the kernel picks). */
enum sx_action policy_decide_bind(const struct policy *p, int family, const void *addr,
				  uint16_t port, const struct net_rule **rule);
/* True when the run intercepts lookups: a network.dns key or a host rule. */
bool policy_names_hosts(const struct policy *p);
/*
 * True when a unix: rule for path (prefix: everything under it) reaches a
 * host resolver (systemd-resolved, nscd), which would look names up
 * outside the host rules.
 */
bool policy_unix_resolver(const char *path, bool prefix);
enum sx_action policy_decide_file(const struct policy *p, const char *path, unsigned int access,
				  const struct file_rule **rule);
/* The stricter of the best path rule, the best argv rule and the best shell rule. */
enum sx_action policy_decide_exec(const struct policy *p, const char *path, char *const argv[],
				  const struct exec_rule **rule);

/* Has the exec section shell rules (judged by the hold only, in user space)? */
bool policy_has_shell_rules(const struct policy *p);

const char *sx_action_name(enum sx_action a);
/* An argv pattern ('*' any run of bytes, '?' one byte) against text, as the kernel matches it. */
bool policy_glob(const char *pat, const char *text);

/* True when rule path r covers path p by whole components ("/usr" covers "/usr/x"). */
bool policy_path_covers(const char *r, const char *p);

/* How events and messages name a rule: "FILE:LINE" of loc, or "default" for NULL. */
void policy_rule_name(const struct policy_loc *loc, char *buf, size_t len);

/* path (as the agent sees it) as seen from here: below p->root when set. */
const char *policy_host_path(const struct policy *p, const char *path, char *buf, size_t len);

#endif

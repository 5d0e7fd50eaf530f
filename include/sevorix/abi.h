/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel/user ABI: map keys and values, events, enums. Included by the
 * BPF programs (after vmlinux.h) and by user space (after <linux/types.h>).
 *
 * How a network destination is matched in the kernel. The policy compiler
 * (src/net/) turns the sorted network rules into one LPM-trie entry per
 * distinct CIDR prefix. The value of prefix P holds, in evaluation order,
 * every rule whose CIDR contains P -- its own rules and those of every
 * shorter prefix that covers it -- followed by the section default. One
 * longest-prefix lookup therefore yields the complete ordered list for an
 * address, and the first entry whose port range holds the port decides.
 * A /0 entry always exists, so a lookup that finds nothing means the maps
 * are broken: the programs then deny (fail closed).
 *
 * UNIX socket paths live in an LPM trie over the path bytes. An exact rule
 * is stored with its terminating NUL inside the prefix, a prefix rule (one
 * ending in '/') without it; the lookup key is the whole zero-padded path.
 * A zero-length entry holds the default.
 */
#ifndef SEVORIX_ABI_H
#define SEVORIX_ABI_H

#ifndef __VMLINUX_H__ /* user space; BPF programs include vmlinux.h first */
#include <linux/types.h>
#endif

#define SX_NET_MAX_ENTRIES 64	/* rules that may cover one prefix, plus default */
#define SX_UNIX_PATH_MAX 108	/* sizeof(sun_path) */
#define SX_RULE_DEFAULT 0xffff	/* rule_id of a section default */
#define SX_RULE_SLOTS 1024	/* per-rule counters; the default uses the last */
#define SX_EVENT_DATA 512	/* unix path, exe path or argv (NUL separated) */
#define SX_RINGBUF_SIZE (1 << 20)	/* sx_events: allowed decisions, process events */
#define SX_DENY_RINGBUF_SIZE (1 << 22)	/* sx_denials: denials and reviews only */

enum sx_verdict {
	SX_V_ALLOW = 0,
	SX_V_REVIEW = 1,
	SX_V_DENY = 2,
	SX_V_NONE = 3,	/* not a decision: process lifecycle events */
};

enum sx_event_kind {
	SX_EV_CONNECT = 1,
	SX_EV_SENDMSG = 2,
	SX_EV_FORK = 3,
	SX_EV_EXEC = 4,
	SX_EV_EXIT = 5,
	SX_EV_OPEN = 6,		/* an open/exec that failed with EACCES/EPERM (observed), or
				 * an open judged by the BPF LSM layer (layer SX_LAYER_BPF_LSM) */
	/* BPF LSM decisions (bpf/lsm/) */
	SX_EV_MMAP = 7,		/* PROT_EXEC mapping of a denied executable */
	SX_EV_BPF = 8,		/* bpf() from the agent */
	SX_EV_PTRACE = 9,	/* ptrace or /proc/PID/mem of a process outside the run */
	SX_EV_KILL = 10,	/* a signal to a process outside the run */
	SX_EV_MOUNT = 11,	/* mount(2), move_mount(2) */
	SX_EV_USERNS = 12,	/* a new user namespace */
	SX_EV_SOCKET = 13,	/* socket() of a family/type/protocol outside the allow list */
	SX_EV_CGROUP = 14,	/* leaving the run's cgroup: cgroup.procs write, CLONE_INTO_CGROUP */
	SX_EV_LINK = 15,	/* a hard link (port 0) or rename (port 1) refused; data: the old name */
	SX_EV_OBSERVED = 16,	/* a call that failed with EACCES/EPERM/EXDEV/EROFS/EBUSY (sx_obs_event) */
	/* the network layer (bpf/net.bpf.c) */
	SX_EV_BIND = 17,	/* a local address of a TCP or UDP socket, by network.bind */
	SX_EV_PACKET = 18,	/* a packet dropped on its way out (exit_code: enum sx_packet_why) */
};

/*
 * Why the egress check dropped a packet: sx_event.exit_code of an
 * SX_EV_PACKET event, which names no rule (section SX_SEC_HARDENING).
 */
enum sx_packet_why {
	SX_PKT_IP_OPTIONS = 1,	/* IPv4 options (source routing and the like) */
	SX_PKT_ROUTING = 2,	/* an IPv6 routing header (any type) */
	SX_PKT_HEADERS = 3,	/* IPv6 extension headers that cannot be walked */
	SX_PKT_NOT_JUDGED = 4,	/* a destination its socket was never judged on */
};

/*
 * The kernel layers that enforce a policy, by the labels K1 to K4 that
 * the documentation (docs/escapes.md), `sevorix doctor` and comments use.
 * A run uses every one the kernel offers; where K1 is missing, K2, K3 and
 * K4 together still decide connect, open and exec in the kernel.
 *   K1  BPF LSM hooks on the kernel's own copies of the arguments:
 *       connect, sendmsg, open, links, exec, executable mappings, and the
 *       self-protection hooks (bpf/lsm/; kernels booted with lsm=...,bpf)
 *   K2  cgroup eBPF: connect and sendmsg by address and port, UNIX sockets
 *       by path (bpf/net.bpf.c, bpf/unix.bpf.c; every cgroup v2 kernel)
 *   K3  Landlock: read, write and execute by path, TCP connect by port,
 *       scoped signals and abstract sockets (src/landlock/)
 *   K4  seccomp: the hardening denials, and the calls held for the
 *       supervisor by user notification (src/seccomp/, src/hold/)
 */
enum sx_klayer {
	SX_K1_BPF_LSM = 1,
	SX_K2_CGROUP_BPF = 2,
	SX_K3_LANDLOCK = 3,
	SX_K4_SECCOMP = 4,
};

/* Which part of the kernel side wrote an event (struct sx_event.layer). */
enum sx_layer {
	SX_LAYER_CGROUP_BPF = 1, /* K2 */
	SX_LAYER_TRACE = 2,	/* tp_btf process tracking */
	SX_LAYER_EXEC_CHECK = 3, /* sched_process_exec checks */
	SX_LAYER_OBSERVED = 4,	/* a denial of K3 or K4 seen at syscall exit */
	SX_LAYER_BPF_LSM = 5,	/* K1, the BPF LSM hooks (bpf/lsm/) */
};

/*
 * Denials of other layers, seen at system call exit (bpf/observe.bpf.c).
 * One program on the raw sys_exit tracepoint (tp_btf: no tracefs needed)
 * looks only at calls that failed with EACCES, EPERM, EXDEV, EROFS or
 * EBUSY (the last two: the run's read-only tree and masks), whose
 * number has a shape below, made by a task of the run. It records the
 * call's paths as an sx_obs_event of kind SX_EV_OBSERVED: port = syscall
 * number, family = enum sx_obs_op, exit_code = the return value, addr[0..7]
 * = the flags argument. User space names the rule by judging the paths
 * against the policy (src/events/attribute.c).
 */
enum sx_obs_op {
	SX_OBS_OPEN = 1,	/* open, openat, openat2, creat */
	SX_OBS_EXEC = 2,	/* execve, execveat */
	SX_OBS_MKDIR = 3,
	SX_OBS_UNLINK = 4,	/* unlink, unlinkat (AT_REMOVEDIR in the flags: rmdir) */
	SX_OBS_RMDIR = 5,
	SX_OBS_RENAME = 6,	/* path: the old name, path2: the new one */
	SX_OBS_LINK = 7,	/* path: the new name, path2: the existing file */
	SX_OBS_SYMLINK = 8,	/* path: the new name, path2: the link's text */
	SX_OBS_MKNOD = 9,
	SX_OBS_TRUNCATE = 10,	/* truncate, ftruncate */
	SX_OBS_CHMOD = 11,
	SX_OBS_CHOWN = 12,
	SX_OBS_UTIME = 13,	/* utime, utimes, utimensat, futimesat */
	SX_OBS_XATTR = 14,	/* setxattr, removexattr and their l/f/at forms */
	SX_OBS_CONNECT = 15,	/* connect refused by Landlock's TCP port rules (EACCES) */
	SX_OBS_HARDEN = 16,	/* a call the hardening filter refuses whatever its arguments */
	SX_OBS_OP_MAX,
};

#define SX_OBS_NR_MAX 512	/* syscall numbers observed are below this */
#define SX_OBS_NONE 7		/* no such argument */
#define SX_OBS_PATH 256		/* bytes of one path or directory name */

/*
 * How to read one system call's arguments (argument indexes 0-5). The
 * file a call acts on is path, relative to dirfd (AT_FDCWD when none);
 * when path is none, NULL or empty, it is the file dirfd names (fchmod,
 * ftruncate, utimensat(fd, NULL), execveat(AT_EMPTY_PATH)).
 */
struct sx_obs_shape {
	__u8 op;		/* enum sx_obs_op; 0: not observed */
	__u8 path, dirfd;
	__u8 path2, dirfd2;	/* the second name of rename, link, symlink */
	__u8 flags;		/* the flags argument, or SX_OBS_NONE */
	__u8 flags_in_struct;	/* 1: flags is a pointer to them (openat2's open_how) */
	__u8 sockaddr;		/* a struct sockaddr (its length is the next argument) */
};

/* Which rule array a rule_id indexes. */
enum sx_section {
	SX_SEC_NETWORK = 0,
	SX_SEC_FILES = 1,
	SX_SEC_EXEC = 2,
	SX_SEC_HARDENING = 3,	/* self-protection: no rule, the built-in hardening decided */
};

/*
 * File rules for the BPF LSM layer, an LPM trie over the path bytes. Every
 * distinct rule path is stored with a trailing '/' ("/usr" as "/usr/", "/"
 * as "/"), and the path of the opened file (bpf_d_path) is looked up with
 * a '/' appended, so matching is by whole components: "/usr/" is a prefix
 * of "/usr/bin/" and of "/usr/", never of "/usrx/". The entry of path P
 * holds, per access (read, write, exec), the first rule in evaluation order
 * that covers P and grants or denies that access, else the default; so a
 * deny inside an allow needs no expansion and covers files created later.
 * A zero-length entry holds the defaults: a miss means broken maps (deny).
 * Only the first SX_FILE_PATH_MAX bytes are compared (the trie's key
 * limit); rule paths must be shorter, so a longer path still meets every
 * rule that covers it.
 */
#define SX_FILE_PATH_MAX 256

struct sx_file_key {
	__u32 prefixlen;
	char path[SX_FILE_PATH_MAX];
};

enum sx_file_access_idx {
	SX_FA_READ = 0,
	SX_FA_WRITE = 1,
	SX_FA_EXEC = 2,
	SX_FA_MAX = 3,
};

struct sx_file_value {
	__u16 rule_id[SX_FA_MAX];
	__u8 action[SX_FA_MAX];	/* enum sx_verdict */
	__u8 pad;
};

/* Why the exec check killed a task (in sx_event.port of an exec event). */
enum sx_exec_reason {
	SX_EXEC_OK = 0,
	SX_EXEC_DENIED_FILE = 1,	/* identity in sx_exec_deny */
	SX_EXEC_DENIED_ARGV = 2,	/* argv rule matched */
	SX_EXEC_NOT_APPROVED = 3,	/* no or another approval */
	SX_EXEC_WRITTEN = 4,		/* W^X: an executable mapping of a file written in the run */
};

struct sx_net_entry {
	__u16 port_lo;
	__u16 port_hi;
	__u16 rule_id;
	__u8 action;	/* enum sx_verdict */
	__u8 pad;
};

struct sx_net_value {
	__u32 n;
	__u32 pad;
	struct sx_net_entry e[SX_NET_MAX_ENTRIES];
};

struct sx_lpm4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct sx_lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct sx_unix_key {
	__u32 prefixlen;
	char path[SX_UNIX_PATH_MAX];
};

struct sx_unix_value {
	__u16 rule_id;
	__u8 action;
	__u8 pad;
};

/*
 * Egress by name (docs/dns.md). The run's resolver writes every address
 * of an allowed name into sx_learnt before the agent sees the answer. The
 * connect and sendmsg programs consult it after the cidr trie, unless the
 * trie's first match is a deny rule (which always wins): a learnt address
 * is a /32 (/128) allow on the ports of its host rule (sx_host_ports, by
 * rule id) until its expiry, a CLOCK_BOOTTIME time compared with
 * bpf_ktime_get_boot_ns(). One address may be learnt for several names at
 * once (a CDN serves many): one slot per host rule, each with its expiry.
 */
#define SX_LEARNT_SLOTS 4
#define SX_HOST_PORTS 16

struct sx_learnt_key {
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 pad[3];
	__u8 addr[16];		/* network byte order; IPv4 in addr[0..3], the rest zero */
};

struct sx_learnt_slot {
	__u64 expires_ns;	/* 0: an empty slot */
	__u16 rule_id;		/* the host rule that allowed the name */
	__u8 pad[6];
};

struct sx_learnt_value {
	struct sx_learnt_slot s[SX_LEARNT_SLOTS];
};

/* The ports of one host rule (a rule without ports: one range 0-65535). */
struct sx_host_ports {
	__u32 n;
	__u32 pad;
	struct {
		__u16 lo;
		__u16 hi;
	} r[SX_HOST_PORTS];
};

/*
 * The network layer's settings of a run: where every port-53 destination
 * goes (the run's resolver, when the policy names hosts), and whether
 * network.bind judges binds. Zero: neither.
 */
struct sx_netcfg {
	__u8 dns;		/* 1: lookups are intercepted */
	__u8 bind;		/* 1: binds are judged (sx_bind4, sx_bind6) */
	__u8 dns_has_ip6;	/* the resolver also listens on dns_ip6 */
	__u8 pad;
	__u16 dns_port;		/* of dns_ip4, host byte order */
	__u16 dns_port6;	/* of dns_ip6 */
	__u32 dns_ip4;		/* network byte order (127.0.0.1) */
	__u8 dns_ip6[16];	/* ::1 */
};

/* Single element of the config array map, shared by every program of a run. */
struct sx_config {
	__u8 audit;		/* 1: decide and log, never block */
	__u8 exec_approval;	/* 1: every exec needs a one-shot approval (held execs) */
	__u8 n_argv_rules;	/* entries in sx_argv_rules */
	__u8 learn;		/* 1: every allowed destination is logged (run --learn) */
	__u32 pad2;
};

/*
 * Exec checks at sched_process_exec, on the image the kernel really loads
 * (so nothing the agent changes after a check matters):
 *  - an executable whose (dev, ino) is in sx_exec_deny is killed; hard
 *    links are the same inode, so every name of a denied file is covered;
 *  - the argv (joined by spaces, as the kernel copied it) is matched
 *    against the deny/review argv rules of sx_argv_rules; a match is killed;
 *  - with exec_approval set, the exec must match the one-shot approval the
 *    supervisor stored for the thread that called execve (struct
 *    sx_approval); anything else is killed.
 * Killing is bpf_send_signal(SIGKILL) before the new image's first
 * instruction. dev is the kernel's encoding: major << 20 | minor.
 */
#define SX_ARGV_MAX 1024	/* bytes of argv read for matching */
#define SX_ARGV_RULES 32
#define SX_GLOB_MAX 128
#define SX_CHAIN_MAX 6		/* files one exec loads: the one named and up to 5
				 * interpreters (#!, binfmt_misc), the kernel's own limit */

struct sx_exec_key {
	__u64 dev;
	__u64 ino;
};

struct sx_exec_deny {
	__u16 rule_id;
	__u8 action;
	__u8 pad[5];
};

struct sx_argv_rule {
	__u16 rule_id;
	__u8 action;
	__u8 len;		/* pattern length, < SX_GLOB_MAX */
	char pattern[SX_GLOB_MAX]; /* '*' any run, '?' any byte, else literal */
};

/*
 * W^X (exec: {written: deny}) for executable mappings, in the BPF LSM
 * layer: a PROT_EXEC mapping of a file whose ctime is after the run's start
 * (realtime) and that the agent owns or that has no name (a memfd, a
 * deleted file) is refused. On = 0: off.
 */
struct sx_exec_wx {
	__s64 start_sec;
	__s64 start_nsec;
	__u8 on;
	__u8 pad[7];
};

/* One file as checked: identity, and its ctime (which every write changes). */
struct sx_exec_file {
	__u64 dev;
	__u64 ino;
	__s64 ctime_sec;
	__s64 ctime_nsec;
};

/*
 * The supervisor's one-shot approval of one exec, keyed by the id of the
 * thread that called execve (old_pid at sched_process_exec; the current
 * thread during the exec). file[0..n) are the files the kernel loads for
 * it, in order: the file named, then each interpreter (#!, binfmt_misc);
 * the last one is the image the task runs, and it must be exactly that
 * file. entry, when its dev is not 0, is the ELF interpreter (PT_INTERP)
 * of the image: the file mapped where the first instruction is. argv_hash
 * and env_hash, when not 0, are SipHash-2-4 with key of every byte of the
 * argument and environment areas as the kernel copied them (NULs
 * included): the supervisor decided on those bytes, and another thread
 * that swaps any of them between its read and the kernel's copy is killed.
 * The key is the supervisor's secret, so the agent cannot make two
 * argument lists with one hash.
 */
struct sx_approval {
	struct sx_exec_file file[SX_CHAIN_MAX];
	struct sx_exec_file entry;
	__u64 key[2];
	__u64 argv_hash;
	__u64 env_hash;
	__u32 n;
	__u32 pad;
};

/*
 * A jury's one-shot approval of one connect (the hold writes it, the
 * connect program consumes it): the thread group, and the destination as
 * the program judges it (IPv4-mapped IPv6 as IPv4, 0.0.0.0 as 127.0.0.1,
 * :: as ::1). A review-class destination without one is denied.
 */
struct sx_net_approval {
	__u32 tgid;
	__u16 port;		/* host byte order */
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 pad;
	__u8 addr[16];
};

/* Key of the "first allow seen" LRU map: later allows are only counted. */
struct sx_seen_key {
	__u32 tgid;
	__u16 rule_id;
	__u16 section;	/* enum sx_section of rule_id */
};

struct sx_event {
	__u64 ts_boot_ns;
	__u32 pid;		/* thread group id */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u8 kind;		/* enum sx_event_kind */
	__u8 verdict;		/* enum sx_verdict */
	__u8 layer;		/* enum sx_layer */
	__u8 enforced;
	__u16 rule_id;
	__u16 port;		/* host byte order */
	__u8 family;		/* AF_INET, AF_INET6, AF_UNIX */
	__u8 sock_type;
	__u16 data_len;
	__u8 section;		/* enum sx_section of rule_id */
	__u8 approved;		/* a review-class action the jury approved */
	__u8 pad[2];
	__s32 exit_code;
	__u8 addr[16];
	char comm[16];
	char data[SX_EVENT_DATA];
};

/*
 * data: the path as the agent passed it (SX_OBS_PATH bytes), then the
 * directory it is relative to, as the kernel resolves it (empty for an
 * absolute path). more: the same for the second name. For a call with a
 * sockaddr, data holds the address as the agent passed it.
 */
struct sx_obs_event {
	struct sx_event e;
	char more[2 * SX_OBS_PATH];
};

#ifndef __VMLINUX_H__
/* "K1".."K4" with the layer's name, as `sevorix doctor` says them; NULL for another value. */
static inline const char *sx_klayer_name(enum sx_klayer k)
{
	switch (k) {
	case SX_K1_BPF_LSM:
		return "K1 BPF LSM";
	case SX_K2_CGROUP_BPF:
		return "K2 cgroup eBPF";
	case SX_K3_LANDLOCK:
		return "K3 Landlock";
	case SX_K4_SECCOMP:
		return "K4 seccomp";
	}
	return NULL;
}
#endif

/*
 * Decisions the kernel made without an event of their own -- an allow
 * after the first of its process and rule, a decision whose record the
 * ring buffer had no room for -- are counted in the per-CPU hash
 * "sx_quiet" by what they were; user space writes them as events with
 * that count (src/events/agg.c), so that the events add up to every
 * decision the kernel made.
 */
struct sx_quiet_key {
	__u8 layer;	/* enum sx_layer */
	__u8 kind;	/* enum sx_event_kind */
	__u8 section;	/* enum sx_section of rule_id */
	__u8 verdict;	/* enum sx_verdict */
	__u16 rule_id;
	__u16 pad;
};

/*
 * Denials never share a ring buffer with allows or process events: they go
 * to sx_denials, and what a flood does there is bounded (common.bpf.h:
 * sx_deny_submit):
 *  - identical denials (same process, kind, layer, rule, destination or
 *    hash of the path) within SX_AGG_NS of the last one written are only
 *    counted, in sx_agg; user space writes that count as one event when
 *    the identity has been quiet for two windows, and at the end of the run;
 *  - when sx_denials is half full (or has no room), a denial is not written
 *    one by one: it is counted in sx_quiet for its rule, and the latest one
 *    of each rule is kept whole in sx_latest, so that the last denial
 *    before a pause is always seen with its target.
 */
#define SX_AGG_NS 1000000000ULL

struct sx_agg_key {
	__u32 tgid;
	__u8 kind, layer, section, verdict;
	__u16 rule_id;
	__u16 port;
	__u8 family, sock_type, pad[2];
	__u8 addr[16];
	__u64 data_hash;	/* of the path, argv or socket name */
};

struct sx_agg_value {
	__u64 quiet;		/* identical denials not written since the last record */
	__u64 last_ns;		/* when the last record of this identity was written */
	__u64 record_ts;	/* its ts_boot_ns: user space knows the record by it */
};

/* Indices of the per-CPU counter array "sx_stats". */
enum sx_stat {
	SX_STAT_LOST = 0,	/* ring buffer full: process events dropped */
	SX_STAT_ALLOW = 1,	/* network decisions of the run (not counted twice by K1 and K2) */
	SX_STAT_DENY = 2,
	SX_STAT_QUIET_LOST = 3,	/* decisions neither written nor counted in sx_quiet (it was full) */
	SX_STAT_DECIDED = 4,	/* + layer * 4 + verdict: every decision, by enum sx_layer */
	SX_STAT_UNRECORDED = SX_STAT_DECIDED + 8 * 4, /* denials counted, not written one by one */
	SX_STAT_MAX,
};

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadonce_bench: what "load once, attach many" (docs/perf.md) would make
 * the start of a run cost, against what it costs now. A prototype, not a
 * layer: bench/bpf/loadonce.bpf.c holds four cgroup sock_addr programs
 * that find each run's rules in a hash of maps keyed by cgroup id.
 *
 *   loadonce_bench [-n N] [-p POLICY]       (root)
 *
 * Once: the prototype is loaded, verified and pinned (what a boot would
 * pay). Then N times each, interleaved, on a fresh cgroup:
 *   attach many: the pinned programs and map opened by path, the run's
 *     rules written into a new trie, the trie put into the hash under
 *     the cgroup's id, four links created and pinned;
 *   today: the network and exec layers of the library (src/net,
 *     src/exec) loaded, verified, filled from POLICY and attached, as
 *     `sevorix attach` does.
 * Before the timing, one agent in a prototype-attached cgroup shows that
 * the rules hold: an allowed connect succeeds, a denied one fails with
 * EPERM, and with the run's entry removed (links still attached) every
 * connect fails (fail closed). Last, what the machine-wide programs cost
 * a process of no run at each exec, with K runs active: today's K
 * trackers against one global program (bench/bpf/loadonce_exec.bpf.c),
 * from the kernel's per-program run time (BPF_ENABLE_STATS, which stops
 * counting when this program exits). Prints figures, never passes or
 * fails on them.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "exec/exec.h"
#include "net/net.h"
#include "policy/agent.h"
#include "runs/cgroup.h"
#include "loadonce.skel.h"
#include "loadonce_exec.skel.h"

#define NPROGS 4
#define MAX_N 200

static const char *const prog_names[NPROGS] = { "connect4", "sendmsg4", "connect6", "sendmsg6" };
static const enum bpf_attach_type attach_types[NPROGS] = {
	BPF_CGROUP_INET4_CONNECT,
	BPF_CGROUP_UDP4_SENDMSG,
	BPF_CGROUP_INET6_CONNECT,
	BPF_CGROUP_UDP6_SENDMSG,
};
static char pin_root[128], cg_root[4200];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Loads, verifies and pins the prototype: once per boot. Returns 0 or -errno. */
static int load_once(void)
{
	struct loadonce_bpf *s = loadonce_bpf__open_and_load();
	struct bpf_program *prog;
	char path[256];
	int r;

	if (!s)
		return -errno;
	mkdir(pin_root, 0700);
	snprintf(path, sizeof(path), "%s/runs", pin_root);
	r = bpf_map__pin(s->maps.sx_runs, path);
	snprintf(path, sizeof(path), "%s/rules4", pin_root);
	r = r ?: bpf_map__pin(s->maps.sx_rules4, path);
	snprintf(path, sizeof(path), "%s/protected", pin_root);
	r = r ?: bpf_map__pin(s->maps.sx_protected, path);
	bpf_object__for_each_program(prog, s->obj) {
		snprintf(path, sizeof(path), "%s/%s", pin_root, bpf_program__name(prog));
		r = r ?: bpf_program__pin(prog, path);
	}
	loadonce_bpf__destroy(s); /* the pins keep them */
	return r;
}

struct proto_run {
	bool flat;
	int cg_fd, inner_fd, links[NPROGS];
	__u64 cgid;
	char pins[256];
	double t_rules, t_links; /* ms */
};

static int pinned(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", pin_root, name);
	return bpf_obj_get(path);
}

/* One run's rules: 127/8 allow, 127.0.0.2 deny, default deny. */
static const struct {
	unsigned int len, addr, allow;
} rules[] = { { 0, 0, 0 }, { 8, 0x7f000000, 1 }, { 32, 0x7f000002, 0 } };
#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* mim: a trie of the run's own, put into the hash of maps. Returns 0 or -errno. */
static int rules_mim(struct proto_run *r, bool add)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
	struct {
		__u32 len;
		__u32 addr;
	} k;
	int outer = pinned("runs"), e = 0;

	if (outer < 0)
		return -errno;
	if (!add) {
		bpf_map_delete_elem(outer, &r->cgid);
		close(outer);
		return 0;
	}
	r->inner_fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "run_rules4", sizeof(k), 4, 1024, &o);
	for (size_t i = 0; r->inner_fd >= 0 && !e && i < NRULES; i++) {
		k.len = rules[i].len, k.addr = htonl(rules[i].addr);
		e = bpf_map_update_elem(r->inner_fd, &k, &rules[i].allow, 0);
	}
	if (r->inner_fd < 0 || e || bpf_map_update_elem(outer, &r->cgid, &r->inner_fd, BPF_NOEXIST))
		e = -errno;
	close(outer);
	return e;
}

/* flat: the run's entries in the shared trie, its id in the protected hash. */
static int rules_flat(struct proto_run *r, bool add)
{
	struct {
		__u32 len;
		__u8 data[12];
	} k;
	int trie = pinned("rules4"), prot = pinned("protected"), e = 0;
	__u32 one = 1;

	for (size_t i = 0; trie >= 0 && prot >= 0 && !e && i < NRULES; i++) {
		__u32 a = htonl(rules[i].addr);

		k.len = 64 + rules[i].len;
		memcpy(k.data, &r->cgid, 8);
		memcpy(k.data + 8, &a, 4);
		e = add ? bpf_map_update_elem(trie, &k, &rules[i].allow, 0) :
			  bpf_map_delete_elem(trie, &k);
	}
	if (trie < 0 || prot < 0 || e)
		e = -errno;
	else if (add)
		e = bpf_map_update_elem(prot, &r->cgid, &one, BPF_NOEXIST);
	else
		bpf_map_delete_elem(prot, &r->cgid);
	close(trie);
	close(prot);
	return e;
}

/* The attach-many start of a run on the cgroup in r->cg_fd. Returns 0 or -errno. */
static int proto_attach(struct proto_run *r)
{
	char path[300];
	double t0 = now_ms();
	int prog, e;
	struct stat st;

	if (fstat(r->cg_fd, &st) < 0)
		return -errno;
	r->cgid = st.st_ino; /* a cgroup v2 directory's inode number is its id */
	e = r->flat ? rules_flat(r, true) : rules_mim(r, true);
	r->t_rules = now_ms() - t0;
	snprintf(r->pins, sizeof(r->pins), "%s/run-%llu", pin_root, (unsigned long long)r->cgid);
	mkdir(r->pins, 0700);
	for (int i = 0; !e && i < NPROGS; i++) {
		snprintf(path, sizeof(path), "%s_%s", r->flat ? "flat" : "mim", prog_names[i]);
		prog = pinned(path);
		r->links[i] = prog < 0 ? -1 :
					 bpf_link_create(prog, r->cg_fd, attach_types[i], NULL);
		if (prog >= 0)
			close(prog);
		snprintf(path, sizeof(path), "%s/%s", r->pins, prog_names[i]);
		if (r->links[i] < 0 || bpf_obj_pin(r->links[i], path) < 0)
			e = -errno;
	}
	r->t_links = now_ms() - t0 - r->t_rules;
	return e;
}

/* Removes the run's rules (the links stay): its cgroup must then be denied everything. */
static void proto_forget(struct proto_run *r)
{
	r->flat ? rules_flat(r, false) : rules_mim(r, false);
}

static void proto_detach(struct proto_run *r)
{
	char path[300];

	proto_forget(r);
	for (int i = 0; i < NPROGS; i++) {
		snprintf(path, sizeof(path), "%s/%s", r->pins, prog_names[i]);
		unlink(path);
		if (r->links[i] >= 0)
			close(r->links[i]);
	}
	rmdir(r->pins);
	if (r->inner_fd >= 0)
		close(r->inner_fd);
}

/* A connect from a child in the cgroup: 0 or the errno it got. */
static int child_connect(const char *cg, const char *ip, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	char procs[4300];
	int st, fd;
	pid_t pid;

	inet_pton(AF_INET, ip, &sa.sin_addr);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	pid = fork();
	if (pid == 0) {
		fd = open(procs, O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(100);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		_exit(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : errno);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A listener on 127.0.0.1; returns its fd, *port set. */
static int listener(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

static int new_cgroup(int i, char *path, size_t len)
{
	snprintf(path, len, "%s/c%d", cg_root, i);
	if (mkdir(path, 0755) < 0)
		return -errno;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* The rules hold on a prototype-attached cgroup. Returns the number of failed checks. */
static int prove(bool flat)
{
	struct proto_run r = { .flat = flat, .inner_fd = -1, .links = { -1, -1, -1, -1 } };
	const char *v = flat ? "flat" : "mim";
	char cg[4300];
	int port, lfd = listener(&port), bad = 0, e;

	r.cg_fd = new_cgroup(flat, cg, sizeof(cg));
	if (lfd < 0 || r.cg_fd < 0 || proto_attach(&r) < 0) {
		printf("%s: cannot attach (%s)\n", v, strerror(errno));
		return 1;
	}
	e = child_connect(cg, "127.0.0.1", port);
	bad += e != 0;
	printf("proof (%s): allowed 127.0.0.1:%d -> %s\n", v, port, e ? strerror(e) : "connected");
	e = child_connect(cg, "127.0.0.2", port);
	bad += e != EPERM;
	printf("proof (%s): denied 127.0.0.2 -> %s\n", v, e ? strerror(e) : "connected (WRONG)");
	proto_forget(&r);
	e = child_connect(cg, "127.0.0.1", port);
	bad += e != EPERM;
	printf("proof (%s): rules removed, links kept: 127.0.0.1 -> %s\n", v,
	       e ? strerror(e) : "connected (WRONG: must fail closed)");
	proto_detach(&r);
	close(r.cg_fd);
	rmdir(cg);
	close(lfd);
	return bad;
}

/* Today's kernel start of an attach: network + exec layers loaded for the cgroup. */
static double today_once(const struct policy *p, int i)
{
	char cg[4300], pins[300], err[512] = "";
	struct netlayer *nl = NULL;
	struct execlayer *x = NULL;
	int fd = new_cgroup(1000 + i, cg, sizeof(cg)), r;
	double t0 = now_ms(), t;

	snprintf(pins, sizeof(pins), "%s/today-%d", pin_root, i);
	mkdir(pins, 0700);
	r = netlayer_open(p, &nl, err, sizeof(err));
	r = r ?: netlayer_attach(nl, fd, pins);
	r = r ?: exec_open(p, nl, fd, pins, &x, err, sizeof(err));
	t = now_ms() - t0;
	if (r < 0)
		fprintf(stderr, "today: %s\n", err[0] ? err : strerror(-r));
	exec_close(x, pins);
	netlayer_close(nl, pins);
	rmdir(pins);
	close(fd);
	rmdir(cg);
	return r < 0 ? -1 : t;
}

/* One attach-many start and end; fills t[0..3]: total, rules, links, detach (ms). */
static int proto_once(bool flat, int i, double *t)
{
	struct proto_run r = { .flat = flat, .inner_fd = -1, .links = { -1, -1, -1, -1 } };
	char cg[4300];
	double t0;
	int e;

	r.cg_fd = new_cgroup(2000 + 2 * i + flat, cg, sizeof(cg));
	t0 = now_ms();
	e = proto_attach(&r);
	t[0] = now_ms() - t0;
	t[1] = r.t_rules, t[2] = r.t_links;
	t0 = now_ms();
	proto_detach(&r);
	t[3] = now_ms() - t0;
	close(r.cg_fd);
	rmdir(cg);
	return e;
}

static int load_policy(const char *file, struct policy **p)
{
	struct policy_diag diag = { 0 };
	struct agent_user u;
	int r = policy_agent_user("nobody", &u);

	r = r ?: policy_load_for(file, &u, "/tmp", p, &diag);
	policy_diag_clear(&diag);
	return r;
}

#define EXEC_RUNS 4

/* The run time of a program so far, in ns, and its run count. */
static void prog_stats(const struct bpf_program *prog, __u64 *ns, __u64 *cnt)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	*ns = *cnt = 0;
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0)
		*ns = info.run_time_ns, *cnt = info.run_cnt;
}

/*
 * n fork+exec of /bin/true in a cgroup of no run three levels down (as a
 * login session's is), so the global program walks as far as it would
 * for a process of a user's session.
 */
static void execs(int n)
{
	char deep[4300], procs[4400];
	int fd;

	snprintf(deep, sizeof(deep), "%s/session", cg_root);
	mkdir(deep, 0755);
	strcat(deep, "/scope");
	mkdir(deep, 0755);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", deep);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			fd = open(procs, O_WRONLY);
			if (fd < 0 || write(fd, "0", 1) != 1)
				_exit(126);
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	rmdir(deep);
	*strrchr(deep, '/') = 0;
	rmdir(deep);
}

/*
 * ns per exec of a process of no run, with EXEC_RUNS runs: *today with a
 * tracker per run, *global with one program. Returns 0 or -errno.
 */
static int exec_cost(int n, double *today, double *global)
{
	struct loadonce_exec_bpf *s[EXEC_RUNS + 1] = { 0 };
	int stats = bpf_enable_stats(BPF_STATS_RUN_TIME), fds[EXEC_RUNS], r = 0;
	__u64 ns, cnt, tns = 0, tcnt = 0, one = 1;
	char cg[4300];

	for (int i = 0; i < EXEC_RUNS; i++)
		fds[i] = new_cgroup(3000 + i, cg, sizeof(cg));
	for (int i = 0; !r && i <= EXEC_RUNS; i++) {
		bool g = i == EXEC_RUNS; /* the last one is the global program */
		struct stat st;
		__u32 zero = 0;

		s[i] = loadonce_exec_bpf__open();
		r = s[i] ? 0 : -errno;
		if (r)
			break;
		bpf_program__set_autoload(s[i]->progs.lo_exec_one, !g);
		bpf_program__set_autoload(s[i]->progs.lo_exec_global, g);
		r = loadonce_exec_bpf__load(s[i]) ?: loadonce_exec_bpf__attach(s[i]);
		for (int k = 0; !r && g && k < EXEC_RUNS; k++)
			r = fstat(fds[k], &st) < 0 ?
				    -errno :
				    bpf_map__update_elem(s[i]->maps.sx_protected, &st.st_ino, 8,
							 &one, 4, 0);
		if (!r && !g)
			r = bpf_map__update_elem(s[i]->maps.sx_cgroup, &zero, 4, &fds[i], 4, 0);
		if (g)
			s[i]->bss->levels = 1u << 2; /* cg_root/cN: level 2 under the mount */
	}
	if (!r && stats >= 0) {
		execs(n);
		for (int i = 0; i < EXEC_RUNS; i++) {
			prog_stats(s[i]->progs.lo_exec_one, &ns, &cnt);
			tns += ns, tcnt += cnt;
		}
		*today = tcnt ? (double)tns / (tcnt / EXEC_RUNS) : 0;
		prog_stats(s[EXEC_RUNS]->progs.lo_exec_global, &ns, &cnt);
		*global = cnt ? (double)ns / cnt : 0;
	}
	for (int i = 0; i <= EXEC_RUNS; i++)
		loadonce_exec_bpf__destroy(s[i]);
	for (int i = 0; i < EXEC_RUNS; i++) {
		close(fds[i]);
		snprintf(cg, sizeof(cg), "%s/c%d", cg_root, 3000 + i);
		rmdir(cg);
	}
	if (stats >= 0)
		close(stats); /* the kernel stops counting here */
	return r ? r : stats < 0 ? -errno : 0;
}

static void unpin_all(void)
{
	DIR *d = opendir(pin_root);
	struct dirent *de;
	char path[600];

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", pin_root, de->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(pin_root);
}

/* Medians of the N rounds of one variant: m[k] of column k of v[i][k]. */
static void medians(double v[][4], int n, double *m)
{
	double col[MAX_N];

	for (int k = 0; k < 4; k++) {
		for (int i = 0; i < n; i++)
			col[i] = v[i][k];
		m[k] = bench_median(col, n);
	}
}

int main(int argc, char **argv)
{
	static double mim[MAX_N][4], flat[MAX_N][4], t[MAX_N];
	const char *file = "policies/default.yaml";
	double once, mm[4], fm[4], tm;
	struct policy *p = NULL;
	int n = 15, c, bad = 0;
	char mnt[4096];

	while ((c = getopt(argc, argv, "n:p:")) != -1)
		if (c == 'n')
			n = atoi(optarg);
		else if (c == 'p')
			file = optarg;
	if (n < 1 || n > MAX_N || geteuid() != 0 || cgroup_mount(mnt, sizeof(mnt)) < 0 ||
	    load_policy(file, &p) < 0) {
		fprintf(stderr, "usage: loadonce_bench [-n 1..%d] [-p POLICY] (root, cgroup v2)\n",
			MAX_N);
		return 2;
	}
	snprintf(pin_root, sizeof(pin_root), "/sys/fs/bpf/sevorix-loadonce-%d", getpid());
	snprintf(cg_root, sizeof(cg_root), "%s/sevorix-loadonce-%d", mnt, getpid());
	mkdir(cg_root, 0755);
	once = now_ms();
	c = load_once();
	once = now_ms() - once;
	if (c == 0)
		bad = prove(false) + prove(true);
	for (int i = 0; !c && !bad && i < n; i++) {
		t[i] = today_once(p, i);
		c = proto_once(false, i, mim[i]) ?: proto_once(true, i, flat[i]);
	}
	if (!c && !bad) {
		medians(mim, n, mm), medians(flat, n, fm), tm = bench_median(t, n);
		printf("load+verify+pin once (8 programs, 3 maps): %.1f ms\n", once);
		printf("per run, today (network + exec layers loaded): %.1f ms\n", tm);
		printf("per run, attach many, map in map: %.2f ms (rules %.2f, 4 links %.2f; "
		       "detach %.2f): %.4fx of today\n",
		       mm[0], mm[1], mm[2], mm[3], mm[0] / tm);
		printf("per run, attach many, flat maps:  %.2f ms (rules %.2f, 4 links %.2f; "
		       "detach %.2f): %.4fx of today\n",
		       fm[0], fm[1], fm[2], fm[3], fm[0] / tm);
		printf("(medians of %d, interleaved)\n", n);
		if (exec_cost(2000, &mm[0], &fm[0]) == 0)
			printf("per exec of a process of no run (cgroup depth 3), %d runs active: today (a tracker per run) "
			       "%.0f ns, one global program %.0f ns\n",
			       EXEC_RUNS, mm[0], fm[0]);
	}
	if (c)
		fprintf(stderr, "loadonce_bench: %s\n", strerror(-c));
	unpin_all();
	rmdir(cg_root);
	policy_free(p);
	return c || bad ? 1 : 0;
}

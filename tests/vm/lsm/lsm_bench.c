// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsm_bench.c: what the BPF LSM layer costs, measured in the guest (TAP
 * with "# bench:" lines). Under software emulation absolute times mean
 * little, so it prints ratios: open+close of a workspace file (after the
 * first, from the layer's open cache) and of one with two hard links (which
 * the cache never holds: bpf_d_path() and the trie every time), connect()
 * to an allowed loopback port, and fork+exec of a static binary, each in
 * the agent's cgroup with the layer attached against the same without it,
 * and from a process outside the cgroup with the layer attached against
 * without. Rounds alternate without/with, and the fastest round of each
 * counts: the emulator shares the host with other work, and interference
 * only ever adds time. It never fails on a time; it fails only when it
 * cannot measure.
 *
 * Refuses to run outside the guest (SEVORIX_VM=1).
 */
#include <time.h>

#include "lsm_test.h"

#define ROUNDS 11
#define N_OPEN 1000
#define N_CONNECT 100
#define N_EXEC 8

static const char policy_fmt[] =
	"version: 1\n"
	"network:\n"
	"  default: deny\n"
	"  rules:\n"
	"    - {action: allow, cidr: 127.0.0.0/8, ports: [%u]}\n"
	"    - {action: deny, cidr: 169.254.169.254/32, ports: [%u]}\n"
	"files:\n"
	"  default: deny\n"
	"  rules:\n"
	"    - {action: allow, path: /, access: [read, exec]}\n"
	"    - {action: allow, path: /tmp/ws, access: [read, write, exec]}\n"
	"    - {action: deny, path: /tmp/home/.ssh}\n"
	"exec:\n"
	"  default: allow\n"
	"  rules:\n"
	"    - {action: deny, path: /tmp/bin/denied}\n";

enum op { OP_OPEN, OP_OPEN_LINKED, OP_CONNECT, OP_EXEC, OP_MAX };
static const char *const op_names[OP_MAX] = { "open+close", "open+close of a hard-linked file",
					      "connect", "fork+exec" };

struct bench {
	__u16 port;
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ns per operation, or -1 when an operation failed. */
static int time_op(enum op op, __u16 port)
{
	int n = op == OP_CONNECT ? N_CONNECT : op == OP_EXEC ? N_EXEC : N_OPEN;
	long long t0 = now_ns();

	for (int i = 0; i < n; i++) {
		if (op == OP_OPEN || op == OP_OPEN_LINKED) {
			int fd = open(op == OP_OPEN ? "/tmp/ws/file" : "/tmp/ws/linked",
				      O_RDONLY | O_CLOEXEC);

			if (fd < 0)
				return -1;
			close(fd);
		} else if (op == OP_CONNECT) {
			if (tcp_connect_err(AF_INET, "127.0.0.1", port))
				return -1;
		} else {
			pid_t pid = fork();
			int st;

			if (pid == 0) {
				char *argv[] = { "busybox", "true", NULL };

				execv("/bin/busybox", argv);
				_exit(127);
			}
			if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
			    WEXITSTATUS(st))
				return -1;
		}
	}
	return (now_ns() - t0) / n;
}

static void time_all(const void *arg, int *res)
{
	const struct bench *b = arg;

	for (int op = 0; op < OP_MAX; op++)
		res[op] = time_op(op, b->port);
}

static int fastest(const int *v)
{
	int m = v[0];

	for (int i = 1; i < ROUNDS; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

/* [where][with][op][round]: where 0 = agent cgroup, 1 = outside */
static int t[2][2][OP_MAX][ROUNDS];

/* One round: a fresh listener whose queue holds every connection (nothing accepts). */
static int round_of(struct lsm_env *env, int where, int with, int k)
{
	struct bench b = { 0 };
	int res[OP_MAX], fd, r = 0;

	fd = tcp_listener(&b.port);
	if (fd < 0)
		return fd;
	if (where == 0)
		r = in_cgroup(env, time_all, &b, res, sizeof(res));
	else
		time_all(&b, res);
	close(fd);
	for (int op = 0; op < OP_MAX && !r; op++) {
		if (res[op] < 0)
			r = -EIO;
		t[where][with][op][k] = res[op];
	}
	return r;
}

static void print_ratios(void)
{
	for (int op = 0; op < OP_MAX; op++) {
		int in0 = fastest(t[0][0][op]), in1 = fastest(t[0][1][op]);
		int out0 = fastest(t[1][0][op]), out1 = fastest(t[1][1][op]);

		printf("# bench: %s in the agent cgroup: %7d ns/op without, %7d with, ratio %.3f;"
		       " outside: %7d without, %7d with, ratio %.3f\n",
		       op_names[op], in0, in1, (double)in1 / in0, out0, out1, (double)out1 / out0);
	}
}

int main(void)
{
	struct lsm_env env = { 0 };
	struct lsmlayer *l = NULL;
	struct policy *p = NULL;
	char err[512] = "";
	int r;

	if (!in_guest())
		return 0;
	r = lsm_test_env(&env, "sx_lsm_bench");
	mkdir("/tmp/ws", 0755);
	r = r ?: write_file("/tmp/ws/file", "x\n");
	r = r ?: write_file("/tmp/ws/linked", "x\n");
	/* two names: the open cache never holds it, every open builds the path */
	if (!r && link("/tmp/ws/linked", "/tmp/ws/linked2") && errno != EEXIST)
		r = -errno;
	r = r ?: load_policy(policy_fmt, 1, 1, &p);
	/* the allowed port differs per round: allow all of loopback for the benchmark */
	if (!r)
		for (size_t i = 0; i < p->nnet_rules; i++)
			if (p->net_rules[i].action == SX_ALLOW)
				p->net_rules[i].nports = 0;
	r = r ?: lsm_open(p, NULL, NULL, env.cgroup_fd, &l, err, sizeof(err));
	tap_ok(!r, "the layer loads (%s)", r ? (err[0] ? err : strerror(-r)) : "ok");
	for (int k = 0; k < ROUNDS && !r; k++) {
		for (int with = 0; with < 2 && !r; with++) {
			if (with)
				r = lsm_attach(l, NULL);
			for (int where = 0; where < 2 && !r; where++)
				r = round_of(&env, where, with, k);
			if (with)
				lsm_detach(l);
		}
	}
	tap_ok(!r, "%d rounds of open+close x%d (of a file and of a hard-linked one), connect x%d,"
	       " fork+exec x%d, without and with the layer (%s)", ROUNDS, N_OPEN, N_CONNECT, N_EXEC,
	       r ? strerror(-r) : "ok");
	if (!r)
		print_ratios();
	lsm_close(l, NULL);
	policy_free(p);
	lsm_test_env_free(&env);
	return tap_done();
}

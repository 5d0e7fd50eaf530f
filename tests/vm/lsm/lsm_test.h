/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lsm_test.h: what the guest programs of the BPF LSM layer share (the test
 * lsm_layer.c and the benchmark lsm_bench.c): TAP, a cgroup to aim the
 * layer at, a child that runs inside it, sockets and files to try. Each
 * program includes it once; every helper is static.
 */
#ifndef SEVORIX_LSM_TEST_H
#define SEVORIX_LSM_TEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "exec/exec.h"
#include "lsm/lsm.h"
#include "net/net.h"
#include "observe/observe.h"
#include "sevorix/abi.h"
#include "sevorix/policy.h"
#include "util/log.h"

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

static int tap_count, tap_failed;

static inline void __attribute__((format(printf, 2, 3))) tap_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	tap_failed += !ok;
}

static inline void __attribute__((format(printf, 1, 2))) tap_skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %d # SKIP ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

/* Loads BPF LSM programs: only inside the tests/vm guest, never on a host. */
static inline bool in_guest(void)
{
	const char *vm = getenv("SEVORIX_VM");

	if (vm && !strcmp(vm, "1"))
		return true;
	printf("1..0 # SKIP loads BPF LSM programs; runs only inside the tests/vm guest\n");
	return false;
}

struct lsm_env {
	char cgdir[256];
	int cgroup_fd;
};

/* Creates /sys/fs/cgroup/NAME (the guest's cgroup2 mount). Returns 0 or -errno. */
/* Also routes libbpf's messages as the sevorix binary does (SEVORIX_VERBOSE=2: warnings). */
static inline int lsm_test_env(struct lsm_env *e, const char *name)
{
	log_init(name);
	libbpf_set_print(log_libbpf);
	snprintf(e->cgdir, sizeof(e->cgdir), "/sys/fs/cgroup/%s", name);
	if (mkdir(e->cgdir, 0755) && errno != EEXIST)
		return -errno;
	e->cgroup_fd = open(e->cgdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return e->cgroup_fd < 0 ? -errno : 0;
}

static inline void lsm_test_env_free(struct lsm_env *e)
{
	if (e->cgroup_fd > 0)
		close(e->cgroup_fd);
	if (e->cgdir[0])
		rmdir(e->cgdir);
}

/*
 * Runs fn(arg, res) in a child that first joins the cgroup; res (size
 * bytes) comes back through a pipe. Returns 0 or -errno.
 */
static inline int in_cgroup(const struct lsm_env *e, void (*fn)(const void *, int *), const void *arg,
		     int *res, size_t size)
{
	char procs[300];
	int pipefd[2], st;
	pid_t pid;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", e->cgdir);
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(procs, O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "0\n", 2) != 2)
			_exit(2);
		close(fd);
		memset(res, 0, size);
		fn(arg, res);
		_exit(write(pipefd[1], res, size) == (ssize_t)size ? 0 : 3);
	}
	close(pipefd[1]);
	if (read(pipefd[0], res, size) != (ssize_t)size)
		memset(res, 0xff, size);
	close(pipefd[0]);
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

static inline int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

static inline int copy_file(const char *from, const char *to, mode_t mode)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out, r = 0;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			r = -EIO;
			break;
		}
	close(in);
	close(out);
	return r;
}

static inline void sa_fill(struct sockaddr_storage *ss, socklen_t *len, int family, const char *addr,
		    __u16 port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (void *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		inet_pton(AF_INET, addr, &s->sin_addr);
		*len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (void *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &s->sin6_addr);
		*len = sizeof(*s);
	}
}

/* A TCP listener on every loopback address (IPv4 and IPv6) at a free port. */
static inline int tcp_listener(__u16 *port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	socklen_t len = sizeof(s);
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), off = 0;

	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(fd, (void *)&s, sizeof(s)) || listen(fd, 4096) || getsockname(fd, (void *)&s, &len))
		return -errno;
	*port = ntohs(s.sin6_port);
	return fd;
}

static inline int udp_socket_at(__u16 port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	sa_fill(&ss, &len, AF_INET, "127.0.0.1", port);
	if (fd < 0 || bind(fd, (void *)&ss, len))
		return -errno;
	return 0;
}

static inline int unix_listener(const char *path)
{
	struct sockaddr_un s = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(s.sun_path, sizeof(s.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (void *)&s, sizeof(s)) || listen(fd, 16))
		return -errno;
	return 0;
}

static inline int tcp_connect_err(int family, const char *addr, __u16 port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	sa_fill(&ss, &len, family, addr, port);
	if (connect(fd, (void *)&ss, len))
		err = errno;
	close(fd);
	return err;
}

static inline int udp_sendto_err(const char *addr, __u16 port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	sa_fill(&ss, &len, AF_INET, addr, port);
	if (sendto(fd, "x", 1, 0, (void *)&ss, len) < 0)
		err = errno;
	close(fd);
	return err;
}

static inline int tfo_sendto_err(const char *addr, __u16 port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	sa_fill(&ss, &len, AF_INET, addr, port);
	if (sendto(fd, "x", 1, MSG_FASTOPEN, (void *)&ss, len) < 0)
		err = errno;
	close(fd);
	return err;
}

static inline int unix_connect_err(const char *path)
{
	struct sockaddr_un s = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	snprintf(s.sun_path, sizeof(s.sun_path), "%s", path);
	if (connect(fd, (void *)&s, sizeof(s)))
		err = errno;
	close(fd);
	return err;
}

/* Writes the rulebook (fmt with two port numbers) and loads it. Returns 0 or -errno. */
static inline int load_policy(const char *fmt, unsigned int a, unsigned int b, struct policy **p)
{
	struct policy_env env = { .home = "/tmp/home", .user = "agent", .workspace = "/tmp/ws" };
	struct policy_diag diag = { 0 };
	char text[4096];
	int r;

	snprintf(text, sizeof(text), fmt, a, b);
	r = write_file("/tmp/lsm_policy.yaml", text);
	r = r ?: policy_load("/tmp/lsm_policy.yaml", &env, p, &diag);
	for (size_t i = 0; r && i < diag.nlines; i++)
		printf("# %s\n", diag.lines[i]);
	policy_diag_clear(&diag);
	return r;
}

struct event_tally {
	int lsm_deny[32];	/* by kind: denials of layer bpf-lsm */
	bool open_secret;	/* an open denial naming id_rsa and a rule */
	bool link_secret;	/* a refused link naming the secret as written (no '/' after it) */
	bool rename_refused;	/* a refused rename (port 1) */
};

static inline int tally_one(void *ctx, void *data, size_t size)
{
	struct event_tally *t = ctx;
	struct sx_event whole = { 0 }; /* a denial's record holds only the data it has */
	const struct sx_event *e = &whole;

	memcpy(&whole, data, size < sizeof(whole) ? size : sizeof(whole));
	if (e->layer != SX_LAYER_BPF_LSM || e->verdict != SX_V_DENY)
		return 0;
	if (e->kind < 32)
		t->lsm_deny[e->kind]++;
	if (e->kind == SX_EV_OPEN && e->rule_id != SX_RULE_DEFAULT && e->section == SX_SEC_FILES &&
	    memmem(e->data, sizeof(e->data), "/id_rsa", 7))
		t->open_secret = true;
	if (e->kind == SX_EV_LINK && e->port == 0 && e->section == SX_SEC_FILES &&
	    !strcmp(e->data, "/tmp/home/.ssh/id_rsa"))
		t->link_secret = true;
	if (e->kind == SX_EV_LINK && e->port == 1)
		t->rename_refused = true;
	return 0;
}

/* Tallies the records waiting in the ring buffer fd (the denials': abi.h, sx_denials). */
static inline int tally_events(int fd, struct event_tally *t)
{
	struct ring_buffer *rb = ring_buffer__new(fd, tally_one, t, NULL);
	int r;

	if (!rb)
		return -errno;
	r = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return r < 0 ? r : 0;
}

#endif

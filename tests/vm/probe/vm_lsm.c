// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm_lsm.c: the VM harness's own test that BPF LSM enforcement works in
 * the guest kernel (TAP). It makes a cgroup, a marked file and two TCP
 * listeners, loads vm_lsm.bpf.c aimed at that cgroup, the marked file
 * and one listener's port, and then checks what a user would see: a child
 * in the cgroup gets EPERM from open() of the marked file and from
 * connect() to that port, while its other opens and connects, and the same
 * calls from outside the cgroup, succeed; the programs count each denial.
 *
 * It loads BPF LSM programs, so it refuses to run unless SEVORIX_VM=1 (set
 * by the guest's /init): it is never meant to touch the host's kernel.
 * Linked statically, so the guest needs nothing but the binary.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include "vm_lsm.h"
#include "vm_lsm.skel.h"

#define MARKED_PATH "/tmp/vm_lsm.marked"
#define OTHER_PATH "/tmp/vm_lsm.other"
#define CGROUP_NAME "vm_lsm"

/* What the child in the cgroup saw: 0 or the errno of each call. */
struct child_result {
	int open_marked, open_other, connect_denied, connect_other;
};

static int tap_count, tap_failed;

static void tap_ok(bool ok, const char *fmt, ...)
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

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fputs("# libbpf: ", stdout);
	return vprintf(fmt, ap);
}

/* Returns true when "bpf" is one of the active LSMs. */
static bool bpf_lsm_active(void)
{
	char buf[512], *tok, *save;
	FILE *f = fopen("/sys/kernel/security/lsm", "r");
	bool found = false;

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f))
		for (tok = strtok_r(buf, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save))
			found |= !strcmp(tok, "bpf");
	fclose(f);
	return found;
}

/* Finds the cgroup v2 mount in mountinfo. Returns 0 or -errno. */
static int cgroup2_root(char *buf, size_t size)
{
	char line[1024], mnt[512], fstype[64];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");

		if (sep && sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1 &&
		    sscanf(sep, " - %63s", fstype) == 1 && !strcmp(fstype, "cgroup2") &&
		    (size_t)snprintf(buf, size, "%s", mnt) < size)
			err = 0;
	}
	fclose(f);
	return err;
}

static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* A TCP listener on 127.0.0.1 at a free port. Returns the fd or -errno. */
static int listener(__u16 *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	*port = sin.sin_port;
	return fd;
}

/* Returns 0 when open(path) succeeds, else its errno. */
static int try_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Returns 0 when a TCP connect() to 127.0.0.1:port succeeds, else its errno. */
static int try_connect(__u16 port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = port,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		err = errno;
	close(fd);
	return err;
}

/* Runs the four calls in a child moved into the cgroup. Returns 0 or -errno. */
static int run_in_cgroup(const char *cgdir, __u16 denied_port, __u16 other_port,
			 struct child_result *res)
{
	char procs[640];
	int pipefd[2], status;
	pid_t pid;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgdir);
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (pid == 0) {
		int fd = open(procs, O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "0\n", 2) != 2)
			_exit(2);
		close(fd);
		res->open_marked = try_open(MARKED_PATH);
		res->open_other = try_open(OTHER_PATH);
		res->connect_denied = try_connect(denied_port);
		res->connect_other = try_connect(other_port);
		_exit(write(pipefd[1], res, sizeof(*res)) == sizeof(*res) ? 0 : 3);
	}
	close(pipefd[1]);
	if (read(pipefd[0], res, sizeof(*res)) != sizeof(*res))
		memset(res, 0xff, sizeof(*res));
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static const char *outcome(int err)
{
	return err ? strerror(err) : "success";
}

static void check_enforcement(struct vm_lsm *skel, const char *cgdir, __u16 denied_port,
			      __u16 other_port)
{
	struct child_result r = { -1, -1, -1, -1 };
	int err, outside_open, outside_connect;

	err = run_in_cgroup(cgdir, denied_port, other_port, &r);
	tap_ok(!err, "a child joins the cgroup and reports back (%s)", outcome(-err));
	tap_ok(r.open_marked == EPERM, "in the cgroup, open(marked file) fails with EPERM (got %s)",
	       outcome(r.open_marked));
	tap_ok(r.open_other == 0, "in the cgroup, open(another file) succeeds (got %s)",
	       outcome(r.open_other));
	tap_ok(r.connect_denied == EPERM,
	       "in the cgroup, connect(127.0.0.1:denied port) fails with EPERM (got %s)",
	       outcome(r.connect_denied));
	tap_ok(r.connect_other == 0, "in the cgroup, connect(127.0.0.1:other port) succeeds (got %s)",
	       outcome(r.connect_other));

	outside_open = try_open(MARKED_PATH);
	outside_connect = try_connect(denied_port);
	tap_ok(outside_open == 0, "outside the cgroup, open(marked file) succeeds (got %s)",
	       outcome(outside_open));
	tap_ok(outside_connect == 0,
	       "outside the cgroup, connect(127.0.0.1:denied port) succeeds (got %s)",
	       outcome(outside_connect));
	tap_ok(skel->bss->denied[VM_LSM_OPEN] == 1 && skel->bss->denied[VM_LSM_CONNECT] == 1,
	       "the programs counted 1 denied open and 1 denied connect (got %llu and %llu)",
	       (unsigned long long)skel->bss->denied[VM_LSM_OPEN],
	       (unsigned long long)skel->bss->denied[VM_LSM_CONNECT]);
}

/* Loads and attaches the programs aimed at the given targets. Returns 0 or -errno. */
static int probe_load(struct vm_lsm **ret, __u64 cgid, const struct stat *marked, __u16 port)
{
	struct vm_lsm *skel = vm_lsm__open();
	int err;

	if (!skel)
		return -errno;
	skel->rodata->target_cgroup = cgid;
	skel->rodata->target_ino = marked->st_ino;
	skel->rodata->target_dev = (major(marked->st_dev) << 20) | minor(marked->st_dev);
	skel->rodata->target_port = port;
	err = vm_lsm__load(skel);
	if (!err)
		err = vm_lsm__attach(skel);
	if (err) {
		vm_lsm__destroy(skel);
		return err;
	}
	*ret = skel;
	return 0;
}

/* The targets the probe aims at; index 0 of lfd/port is the denied port. */
struct probe_env {
	char cgdir[600];
	struct stat cg, marked;
	int lfd[2];
	__u16 port[2];
};

/* Makes the cgroup, the two files and the two listeners. Returns 0 or -errno. */
static int probe_setup(struct probe_env *env)
{
	const char *files[] = { MARKED_PATH, OTHER_PATH };
	char root[512];
	int err, fd;

	err = loopback_up();
	for (int i = 0; !err && i < 2; i++)
		if ((env->lfd[i] = listener(&env->port[i])) < 0)
			err = env->lfd[i];
	if (!err)
		err = cgroup2_root(root, sizeof(root));
	if (err)
		return err;
	snprintf(env->cgdir, sizeof(env->cgdir), "%s/%s", root, CGROUP_NAME);
	if ((mkdir(env->cgdir, 0755) && errno != EEXIST) || stat(env->cgdir, &env->cg))
		return -errno;
	for (int i = 0; i < 2; i++) {
		fd = open(files[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		close(fd);
	}
	return stat(MARKED_PATH, &env->marked) ? -errno : 0;
}

static void probe_teardown(struct probe_env *env)
{
	for (int i = 0; i < 2; i++)
		if (env->lfd[i] >= 0)
			close(env->lfd[i]);
	unlink(MARKED_PATH);
	unlink(OTHER_PATH);
	if (env->cgdir[0])
		rmdir(env->cgdir);
}

int main(void)
{
	struct probe_env env = { .lfd = { -1, -1 } };
	struct vm_lsm *skel = NULL;
	const char *vm = getenv("SEVORIX_VM");
	int err;

	if (!vm || strcmp(vm, "1")) {
		printf("1..0 # SKIP loads BPF LSM programs; runs only inside the tests/vm guest\n");
		return 0;
	}
	libbpf_set_print(libbpf_print);

	tap_ok(bpf_lsm_active(), "bpf is an active LSM (/sys/kernel/security/lsm)");
	err = probe_setup(&env);
	tap_ok(!err, "set up a cgroup, a marked file and two listeners on lo (%s)", outcome(-err));
	if (!err) {
		err = probe_load(&skel, env.cg.st_ino, &env.marked, env.port[0]);
		tap_ok(!err, "lsm/file_open and lsm/socket_connect load and attach (%s)",
		       outcome(-err));
	}
	if (!err)
		check_enforcement(skel, env.cgdir, env.port[0], env.port[1]);

	/* Detach before removing the targets; the child has exited by now. */
	vm_lsm__destroy(skel);
	probe_teardown(&env);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

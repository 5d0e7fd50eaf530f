// SPDX-License-Identifier: GPL-2.0-only
/*
 * try: one escape attempt per invocation, for the escape tests. Prints
 * "OK" and exits 0 when the attempt worked, or prints the errno name
 * ("EACCES") and exits 1 when it was refused; 2 on bad usage.
 *
 *   try read PATH | write PATH | openat2 PATH | proc-reopen PATH
 *   try proc-root PATH | handle PATH | uring-openat PATH
 *   try symlink TARGET LINK | hardlink TARGET LINK | exec PATH | memfd-exec PATH
 *   try unshare-user | mount DIR | bpf | ptrace PID | kill PID | vm-read PID
 *   try socket mptcp|raw|packet|ping|ping6|vsock|sctp|alg
 *   try userns-mount DIR | clone3-cgroup DIR | tiocsti
 *   try abstract-listen NAME | abstract NAME
 *   try connect PORT | tfo PORT | udp PORT
 *   try caps
 *   try openat-fd FD REL | dir-openat DIR REL | listdir DIR | send-fd FD
 *   try rename FROM TO | unlink PATH | chmod PATH | chown PATH | utime PATH
 *   try setxattr PATH | truncate PATH | mmap-exec PATH
 *   try cmdline PID | prlimit PID | setprio PID | shm KEY | mq NAME | mq-gone NAME | memfd-x
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/bpf.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/un.h>
#include <mqueue.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../lib/memfd.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* r < 0 with errno set (or r = -errno when neg is set): refused. */
static int report(long r, int neg)
{
	int e = neg && r < 0 ? (int)-r : errno;

	if (r >= 0) {
		printf("OK\n");
		return 0;
	}
	printf("%s\n", strerrorname_np(e) ? strerrorname_np(e) : "E?");
	return 1;
}

static long read_fd(long fd)
{
	char buf[64];
	long n;

	if (fd < 0)
		return fd;
	n = read((int)fd, buf, sizeof(buf));
	close((int)fd);
	return n < 0 ? -1 : 0;
}

static long write_fd(long fd)
{
	long n;

	if (fd < 0)
		return fd;
	n = write((int)fd, "escaped\n", 8);
	close((int)fd);
	return n < 0 ? -1 : 0;
}

static long proc_reopen(const char *path)
{
	char p[64];
	int o = open(path, O_PATH);

	if (o < 0)
		return -1;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", o);
	return read_fd(open(p, O_RDONLY));
}

static long by_handle(const char *path)
{
	struct {
		struct file_handle fh;
		unsigned char buf[MAX_HANDLE_SZ];
	} h = { .fh.handle_bytes = MAX_HANDLE_SZ };
	int mnt;

	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mnt, 0) < 0)
		return -1;
	return read_fd(open_by_handle_at(AT_FDCWD, &h.fh, O_RDONLY));
}

/* Returns the openat result through the ring, or -1 with errno from the setup. */
static long uring_openat(const char *path)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int r = io_uring_queue_init(4, &ring, 0);
	long res;

	if (r < 0) {
		errno = -r;
		return -1;
	}
	io_uring_prep_openat(io_uring_get_sqe(&ring), AT_FDCWD, path, O_RDONLY, 0);
	io_uring_submit(&ring);
	r = io_uring_wait_cqe(&ring, &cqe);
	res = r < 0 ? r : cqe->res;
	io_uring_queue_exit(&ring);
	if (res < 0) {
		errno = (int)-res;
		return -1;
	}
	return read_fd(res);
}

/* execveat(fd, "", AT_EMPTY_PATH) in a child; the exec errno comes back on a pipe. */
static long spawn(int fd)
{
	char *argv[] = { "escape", NULL }, *envp[] = { NULL };
	int p[2], e = 0, st;
	pid_t pid;

	if (fd < 0 || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		e = errno;
		if (write(p[1], &e, sizeof(e)) < 0)
			_exit(126);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &e, sizeof(e)) == sizeof(e)) {
		errno = pid < 0 ? errno : e;
		return -1;
	}
	waitpid(pid, &st, 0);
	return 0;
}

static long do_socket(const char *kind)
{
	static const struct {
		const char *name;
		int d, t, p;
	} k[] = {
		{ "mptcp", AF_INET, SOCK_STREAM, IPPROTO_MPTCP },
		{ "raw", AF_INET, SOCK_RAW, IPPROTO_ICMP },
		{ "packet", AF_PACKET, SOCK_RAW, 0 },
		{ "ping", AF_INET, SOCK_DGRAM, IPPROTO_ICMP },
		{ "ping6", AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6 },
		{ "vsock", 40, SOCK_STREAM, 0 },
		{ "sctp", AF_INET, SOCK_STREAM, IPPROTO_SCTP },
		{ "alg", 38, SOCK_SEQPACKET, 0 },
	};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcmp(kind, k[i].name)) {
			int fd = socket(k[i].d, k[i].t, k[i].p);

			if (fd >= 0)
				close(fd);
			return fd;
		}
	errno = EINVAL;
	return -1;
}

static long do_net(int tfo, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long r;

	if (fd < 0)
		return -1;
	if (tfo)
		r = sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&a, sizeof(a));
	else
		r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return r;
}

/* clone3(CLONE_INTO_CGROUP) into the cgroup directory dir. */
static long clone3_cgroup(const char *dir)
{
	struct clone_args ca = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
	long pid;

	ca.cgroup = open(dir, O_RDONLY | O_DIRECTORY);
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid;
}

/* Binds and listens on an abstract name for 30 s, or connects to it. */
static long abstract(const char *name, int listen_)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(name) + 1;
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + n;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || n >= sizeof(a.sun_path))
		return -1;
	memcpy(a.sun_path + 1, name, n - 1);
	if (!listen_)
		return connect(fd, (struct sockaddr *)&a, len);
	if (bind(fd, (struct sockaddr *)&a, len) < 0 || listen(fd, 4) < 0)
		return -1;
	printf("listening\n");
	fflush(stdout);
	sleep(30);
	return 0;
}

static long udp(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	long r;

	if (fd < 0)
		return -1;
	r = sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return r;
}

/* Attaches and detaches again, so that the target is not left stopped. */
static long attach(pid_t pid)
{
	if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0)
		return -1;
	waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return 0;
}

static long vm_read(pid_t pid)
{
	char buf[8], *remote = (char *)0x400000;
	struct iovec l = { buf, sizeof(buf) }, r = { remote, sizeof(buf) };

	return process_vm_readv(pid, &l, 1, &r, 1, 0);
}

static long caps(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	long bad = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Cap", 3) && !strstr(line, "0000000000000000")) {
			fputs(line, stderr);
			bad = 1;
		}
	fclose(f);
	errno = EPERM; /* "refused" = some capability is left */
	return bad ? -1 : 0;
}

#define NOT_MINE (-1000) /* not an operation of this group */

/* Opens, links and execs of files. */
static int try_files(const char *op, const char *a, const char *b)
{
	struct open_how how = { .flags = O_RDONLY };
	char path[4096];

	if (!strcmp(op, "read"))
		return report(read_fd(open(a, O_RDONLY)), 0);
	if (!strcmp(op, "write"))
		return report(write_fd(open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644)), 0);
	if (!strcmp(op, "openat2"))
		return report(read_fd(syscall(SYS_openat2, AT_FDCWD, a, &how, sizeof(how))), 0);
	if (!strcmp(op, "proc-reopen"))
		return report(proc_reopen(a), 0);
	if (!strcmp(op, "proc-root")) {
		snprintf(path, sizeof(path), "/proc/self/root%s", a);
		return report(read_fd(open(path, O_RDONLY)), 0);
	}
	if (!strcmp(op, "handle"))
		return report(by_handle(a), 0);
	if (!strcmp(op, "uring-openat"))
		return report(uring_openat(a), 0);
	if (!strcmp(op, "symlink"))
		return unlink(b), report(symlink(a, b) < 0 ? -1 : read_fd(open(b, O_RDONLY)), 0);
	if (!strcmp(op, "hardlink"))
		return unlink(b), report(link(a, b) < 0 ? -1 : read_fd(open(b, O_RDONLY)), 0);
	if (!strcmp(op, "exec"))
		return report(spawn(open(a, O_PATH | O_CLOEXEC)), 0);
	if (!strcmp(op, "memfd-exec"))
		return report(spawn(memfd_copy(a, "escape", MFD_CLOEXEC)), 0);
	return NOT_MINE;
}

/* Namespaces, mounts, bpf, other processes, sockets, the terminal, capabilities. */
static int try_kernel(const char *op, const char *a)
{
	union bpf_attr attr = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4,
				.max_entries = 1 };

	if (!strcmp(op, "unshare-user"))
		return report(unshare(CLONE_NEWUSER), 0);
	if (!strcmp(op, "mount"))
		return report(mount("none", a, "tmpfs", 0, NULL), 0);
	if (!strcmp(op, "bpf"))
		return report(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)), 0);
	if (!strcmp(op, "ptrace"))
		return report(attach(atoi(a)), 0);
	if (!strcmp(op, "kill"))
		return report(kill(atoi(a), SIGTERM), 0);
	if (!strcmp(op, "vm-read"))
		return report(vm_read(atoi(a)), 0);
	if (!strcmp(op, "socket"))
		return report(do_socket(a), 0);
	if (!strcmp(op, "connect") || !strcmp(op, "tfo"))
		return report(do_net(op[0] == 't', atoi(a)), 0);
	if (!strcmp(op, "userns-mount"))
		return report(unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0 ? -1 :
			      mount("none", a, "tmpfs", 0, NULL), 0);
	if (!strcmp(op, "clone3-cgroup"))
		return report(clone3_cgroup(a), 0);
	if (!strcmp(op, "tiocsti"))
		return report(ioctl(0, TIOCSTI, "x"), 0);
	if (!strcmp(op, "abstract-listen") || !strcmp(op, "abstract"))
		return report(abstract(a, op[8] == '-'), 0);
	if (!strcmp(op, "udp"))
		return report(udp(atoi(a)), 0);
	if (!strcmp(op, "caps"))
		return report(caps(), 0);
	return NOT_MINE;
}

/* A PROT_EXEC mapping of a file (what a noexec mount refuses). */
static long mmap_exec(const char *path)
{
	int fd = open(path, O_RDONLY);
	void *m;

	if (fd < 0)
		return -1;
	m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	close(fd);
	return m == MAP_FAILED ? -1 : 0;
}

/* Sets a resource limit of pid to what it is: the permission is what is tried. */
static long same_limit(pid_t pid)
{
	struct rlimit rl;

	if (prlimit(pid, RLIMIT_NICE, NULL, &rl) < 0)
		return -1;
	return prlimit(pid, RLIMIT_NICE, &rl, NULL);
}

static long same_priority(pid_t pid)
{
	int prio;

	errno = 0;
	prio = getpriority(PRIO_PROCESS, pid);
	if (prio == -1 && errno)
		return -1;
	return setpriority(PRIO_PROCESS, pid, prio);
}

/* Descriptors, metadata, other processes and IPC: what the run's private world closes. */
static int try_world(const char *op, const char *a, const char *b)
{
	char path[64];
	int fd;

	if (!strcmp(op, "openat-fd"))
		return report(read_fd(openat(atoi(a), b, O_RDONLY)), 0);
	if (!strcmp(op, "dir-openat")) {
		fd = open(a, O_RDONLY | O_DIRECTORY);
		return report(fd < 0 ? -1 : read_fd(openat(fd, b, O_RDONLY)), 0);
	}
	if (!strcmp(op, "listdir")) {
		fd = open(a, O_RDONLY | O_DIRECTORY);
		return report(fd < 0 ? -1 : syscall(SYS_getdents64, fd, path, sizeof(path)), 0);
	}
	if (!strcmp(op, "send-fd"))
		return report(write(atoi(a), "escaped\n", 8), 0);
	if (!strcmp(op, "rename"))
		return report(rename(a, b), 0);
	if (!strcmp(op, "unlink"))
		return report(unlink(a), 0);
	if (!strcmp(op, "chmod"))
		return report(chmod(a, 0666), 0);
	if (!strcmp(op, "chown"))
		return report(chown(a, getuid(), getgid()), 0);
	if (!strcmp(op, "utime"))
		return report(utimensat(AT_FDCWD, a, NULL, 0), 0);
	if (!strcmp(op, "setxattr"))
		return report(setxattr(a, "user.sevorix", "x", 1, 0), 0);
	if (!strcmp(op, "truncate"))
		return report(truncate(a, 0), 0);
	if (!strcmp(op, "mmap-exec"))
		return report(mmap_exec(a), 0);
	if (!strcmp(op, "cmdline")) {
		snprintf(path, sizeof(path), "/proc/%s/cmdline", a);
		return report(read_fd(open(path, O_RDONLY)), 0);
	}
	if (!strcmp(op, "prlimit"))
		return report(same_limit(atoi(a)), 0);
	if (!strcmp(op, "setprio"))
		return report(same_priority(atoi(a)), 0);
	if (!strcmp(op, "shm"))
		return report(shmget(atoi(a), 4096, IPC_CREAT | 0600), 0);
	if (!strcmp(op, "mq")) {
		mqd_t q = mq_open(a, O_CREAT | O_RDWR, 0600, NULL);

		return report(q == (mqd_t)-1 ? -1 : mq_close(q), 0);
	}
	if (!strcmp(op, "mq-gone")) /* OK: it was there (and is removed now) */
		return report(mq_unlink(a), 0);
	if (!strcmp(op, "memfd-x"))
		return report(memfd_create("escape", MFD_EXEC), 0);
	return NOT_MINE;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "", *a = argc > 2 ? argv[2] : "";
	const char *b = argc > 3 ? argv[3] : "";
	int r = try_files(op, a, b);

	if (r == NOT_MINE)
		r = try_kernel(op, a);
	if (r == NOT_MINE)
		r = try_world(op, a, b);
	if (r != NOT_MINE)
		return r;
	fprintf(stderr, "try: unknown operation '%s'\n", op);
	return 2;
}

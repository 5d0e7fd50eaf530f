// SPDX-License-Identifier: GPL-2.0-only
/*
 * seccomp hardening, enforced for real in a forked child (no root needed:
 * the child sets no_new_privs). Each check is one system call with the
 * errno the agent must see; the child stores the errno in shared memory
 * and the parent prints TAP. Also: the rulebook names, relaxing an entry,
 * and that foreign-ABI system calls (x32, i386 int 0x80) kill.
 */
#include <errno.h>
#include <linux/io_uring.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "../lib/confined.h"
#include "seccomp/hardening.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif


static long sock(long d, long t, long p)
{
	long fd = syscall(SYS_socket, d, t, p);

	if (fd >= 0)
		close((int)fd);
	return fd;
}

/* setsockopt with an int of 1 on a UDP socket of the level's family. */
static long sockopt(long level, long opt)
{
	int one = 1, e, fd = socket((level & 0xffffffff) == IPPROTO_IP ? AF_INET : AF_INET6,
				    SOCK_DGRAM, 0);
	long r = syscall(SYS_setsockopt, fd, level, opt, &one, sizeof(one));

	e = errno;
	close(fd);
	errno = e;
	return r;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static long do_thread(void)
{
	pthread_t t;
	int r = pthread_create(&t, NULL, thread_fn, NULL);

	if (r) {
		errno = r;
		return -1;
	}
	pthread_join(t, NULL);
	return 0;
}

static long do_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid < 0 ? -1 : 0;
}

static long do_tfo(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long r = sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&a, sizeof(a));
	int e = errno;

	close(fd);
	errno = e;
	return r < 0 && e == EPERM ? -1 : 0;
}

/* X(name, errno the agent must see or 0 for success, the system call) */
#define CHECKS \
	X("socket(AF_UNIX, SOCK_STREAM) allowed", 0, sock(AF_UNIX, SOCK_STREAM, 0)) \
	X("socket(AF_INET, SOCK_STREAM, 0) allowed", 0, sock(AF_INET, SOCK_STREAM, 0)) \
	X("socket(AF_INET, SOCK_DGRAM, UDP) allowed", 0, sock(AF_INET, SOCK_DGRAM, IPPROTO_UDP)) \
	X("socket(AF_INET6, STREAM|NONBLOCK|CLOEXEC, TCP) allowed", 0, \
	  sock(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP)) \
	X("socket(AF_NETLINK, NETLINK_ROUTE) allowed", 0, sock(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) \
	X("ICMP ping socket: EPERM", EPERM, sock(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)) \
	X("ICMPv6 ping socket: EPERM", EPERM, sock(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6)) \
	X("raw socket: EPERM", EPERM, sock(AF_INET, SOCK_RAW, IPPROTO_TCP)) \
	X("packet socket: EPERM", EPERM, sock(AF_PACKET, SOCK_RAW, 0)) \
	X("AF_VSOCK: EPERM", EPERM, sock(AF_VSOCK, SOCK_STREAM, 0)) \
	X("AF_ALG: EPERM", EPERM, sock(AF_ALG, SOCK_SEQPACKET, 0)) \
	X("MPTCP: EPERM", EPERM, sock(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)) \
	X("SCTP: EPERM", EPERM, sock(AF_INET, SOCK_STREAM, IPPROTO_SCTP)) \
	X("SOCK_SEQPACKET on AF_INET: EPERM", EPERM, sock(AF_INET, SOCK_SEQPACKET, 0)) \
	X("NETLINK_AUDIT: EPERM", EPERM, sock(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT)) \
	X("garbage in the upper half of the family: EPERM", EPERM, \
	  sock(0x100000000L | AF_PACKET, SOCK_RAW, 0)) \
	X("garbage in the upper half of the protocol: EPERM", EPERM, \
	  sock(AF_INET, SOCK_STREAM, 0x100000000L | IPPROTO_MPTCP)) \
	X("socketpair(AF_INET): EPERM", EPERM, syscall(SYS_socketpair, AF_INET, SOCK_STREAM, 0, NULL)) \
	X("bpf: EPERM", EPERM, syscall(SYS_bpf, 0, NULL, 0)) \
	X("io_uring_setup: EPERM", EPERM, syscall(SYS_io_uring_setup, 1, NULL)) \
	X("clone3: ENOSYS", ENOSYS, syscall(SYS_clone3, NULL, 0)) \
	X("unshare(CLONE_NEWUSER): EPERM", EPERM, syscall(SYS_unshare, CLONE_NEWUSER)) \
	X("clone(CLONE_NEWUSER): EPERM", EPERM, syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)) \
	X("setns: EPERM", EPERM, syscall(SYS_setns, 0, 0)) \
	X("mount: EPERM", EPERM, syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL)) \
	X("fsopen: EPERM", EPERM, syscall(SYS_fsopen, "tmpfs", 0)) \
	X("open_tree: EPERM", EPERM, syscall(SYS_open_tree, -100, "/", 0)) \
	X("chroot: EPERM", EPERM, syscall(SYS_chroot, "/")) \
	X("ptrace: EPERM", EPERM, syscall(SYS_ptrace, 0 /* TRACEME */, 0, 0, 0)) \
	X("process_vm_readv: EPERM", EPERM, syscall(SYS_process_vm_readv, 1, NULL, 0, NULL, 0, 0)) \
	X("perf_event_open: EPERM", EPERM, syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0)) \
	X("userfaultfd: EPERM", EPERM, syscall(SYS_userfaultfd, 0)) \
	X("keyctl: EPERM", EPERM, syscall(SYS_keyctl, 0, 0, 0, 0, 0)) \
	X("add_key: EPERM", EPERM, syscall(SYS_add_key, "user", "x", "y", 1, 0)) \
	X("open_by_handle_at: EPERM", EPERM, syscall(SYS_open_by_handle_at, -100, NULL, 0)) \
	X("init_module: EPERM", EPERM, syscall(SYS_init_module, NULL, 0, "")) \
	X("kexec_load: EPERM", EPERM, syscall(SYS_kexec_load, 0, 0, NULL, 0)) \
	X("ioctl(TIOCSTI): EPERM", EPERM, syscall(SYS_ioctl, 0, TIOCSTI, "x")) \
	X("ioctl(TIOCSTI) with upper-half garbage: EPERM", EPERM, \
	  syscall(SYS_ioctl, 0, 0x100000000L | TIOCSTI, "x")) \
	X("ioctl(TIOCLINUX): EPERM", EPERM, syscall(SYS_ioctl, 0, TIOCLINUX, "x")) \
	X("sendto(MSG_FASTOPEN): EPERM", EPERM, do_tfo()) \
	X("sendmsg(MSG_FASTOPEN): EPERM", EPERM, syscall(SYS_sendmsg, -1, NULL, MSG_FASTOPEN)) \
	X("setsockopt(IPV6_RTHDR): EPERM", EPERM, sockopt(IPPROTO_IPV6, IPV6_RTHDR)) \
	X("setsockopt(IPV6_RTHDR) with upper-half garbage: EPERM", EPERM, \
	  sockopt(0x100000000L | IPPROTO_IPV6, 0x100000000L | IPV6_RTHDR)) \
	X("setsockopt(IPV6_2292PKTOPTIONS): EPERM", EPERM, sockopt(IPPROTO_IPV6, IPV6_2292PKTOPTIONS)) \
	X("setsockopt(IP_OPTIONS): EPERM", EPERM, sockopt(IPPROTO_IP, IP_OPTIONS)) \
	X("setsockopt(IPV6_V6ONLY) still works", 0, sockopt(IPPROTO_IPV6, IPV6_V6ONLY)) \
	X("fork still works (clone without namespace flags)", 0, do_fork()) \
	X("threads still work (clone3 ENOSYS -> clone fallback)", 0, do_thread()) \

struct check {
	const char *name;
	int want;
};

#define X(name, want, expr) { name, want },
static const struct check checks[] = { CHECKS };
#undef X

static long run_check(size_t i)
{
	size_t n = 0;

#define X(name, want, expr)      \
	if (i == n++)            \
		return (expr);
	CHECKS
#undef X
	return 0;
}

#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

static int apply_hardening(const void *o)
{
	return hardening_apply(o);
}

static int foreign_abi(long x32)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		if (hardening_apply(NULL) < 0)
			_exit(99);
		if (x32) {
			syscall(0x40000000L | SYS_getpid);
		} else {
#ifdef __x86_64__
			long ret;

			__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
#endif
		}
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return st;
}

static void test_names(void)
{
	unsigned int bit = 0;
	const char *const *n = hardening_allow_names();
	size_t count = 0, good = 0;

	for (; n[count]; count++)
		good += hardening_allow_from_name(n[count], &bit) == 0;
	ok(count >= 10 && good == count, "every listed name is accepted (%zu)", count);
	ok(hardening_allow_from_name("kexec", &bit) == -ENOENT, "kexec cannot be relaxed");
	ok(hardening_allow_from_name("io_uring", &bit) == 0 && bit == HARDEN_ALLOW_IO_URING,
	   "io_uring -> HARDEN_ALLOW_IO_URING");
}

int main(void)
{
	int *res = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct hardening_opts relax = { .allow = HARDEN_ALLOW_IO_URING | HARDEN_ALLOW_BPF };
	struct hardening_filter *f = NULL;
	char desc[4096];
	int st;

	if (hardening_probe() < 0) {
		printf("1..0 # SKIP seccomp filters not available\n");
		return 0;
	}
	test_names();
	st = hardening_compile(NULL, &f);
	ok(st == 0 && hardening_filter_len(f) > 50, "filter compiles (%zu instructions)",
	   hardening_filter_len(f));
	hardening_filter_free(f);
	st = run_confined(apply_hardening, NULL, run_check, NCHECKS, res);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child ran under the filter (status %#x)", st);
	for (size_t i = 0; i < NCHECKS; i++)
		ok(res[i] == checks[i].want, "%s (got %s)", checks[i].name,
		   res[i] ? strerror(res[i]) : "success");
	run_confined(apply_hardening, &relax, run_check, NCHECKS, res);
	for (size_t i = 0; i < NCHECKS; i++)
		if (!strncmp(checks[i].name, "io_uring_setup", 14) || !strncmp(checks[i].name, "bpf", 3))
			ok(res[i] != EPERM, "relaxed: %s -> %s", checks[i].name, strerror(res[i]));
	st = foreign_abi(1);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "x32 system call kills the process");
#ifdef __x86_64__
	st = foreign_abi(0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "i386 int 0x80 kills the process");
#endif
	ok(hardening_describe(NULL, desc, sizeof(desc)) == 0 && strstr(desc, "bpf") &&
		   strstr(desc, "AF_UNIX"),
	   "describe names the denials");
	ok(hardening_describe(NULL, desc, 16) == -ENOSPC, "describe reports a short buffer");
	return done_testing();
}

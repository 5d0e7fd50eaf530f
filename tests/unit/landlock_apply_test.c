// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock layer enforced for real in a forked child (no root needed:
 * Landlock is unprivileged once no_new_privs is set). The policy, built by
 * hand: files default deny, ${WORKSPACE} read+write, ${HOME} read with
 * ${HOME}/.ssh denied; network default deny with TCP port 1 allowed. Each
 * check is one operation and the errno the agent must see; the child
 * stores it in shared memory and the parent prints TAP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "../lib/confined.h"
#include "landlock/landlock.h"

static char root[64];

static char *P(const char *rel)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", root, rel);
	return buf[i];
}

static void put(const char *rel, const char *text)
{
	int fd = open(P(rel), O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		close(fd);
	}
}

static long fd_ret(long fd)
{
	if (fd >= 0)
		close((int)fd);
	return fd < 0 ? -1 : 0;
}

static long do_open(const char *rel, int flags)
{
	return fd_ret(open(P(rel), flags, 0644));
}

static long do_proc_reopen(void)
{
	char path[64];
	int o = open(P("home/.ssh/id_rsa"), O_PATH);
	long r;

	if (o < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", o);
	r = fd_ret(open(path, O_RDONLY));
	close(o);
	return r;
}

static long do_openat2(void)
{
	struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_NO_MAGICLINKS };

	return fd_ret(syscall(SYS_openat2, AT_FDCWD, P("home/.ssh/id_rsa"), &how, sizeof(how)));
}

static long do_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	int e = errno;

	close(fd);
	errno = e;
	return r;
}

static long do_abstract(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	long r;
	int e;

	memcpy(a.sun_path, "\0sevorix-ll-test", 17);
	r = connect(fd, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + 17);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

/* X(name, errno the agent must see or 0 for success, the operation) */
#define CHECKS                                                                               \
	X("workspace file reads", 0, do_open("ws/f", O_RDONLY))                               \
	X("workspace: a new file can be created", 0, do_open("ws/new", O_CREAT | O_WRONLY))  \
	X("${HOME}/.bashrc reads", 0, do_open("home/.bashrc", O_RDONLY))                     \
	X("${HOME}/.ssh/id_rsa: EACCES", EACCES, do_open("home/.ssh/id_rsa", O_RDONLY))     \
	X("${HOME}/.bashrc is read-only: EACCES", EACCES, do_open("home/.bashrc", O_WRONLY)) \
	X("new file in ${HOME}: EACCES", EACCES, do_open("home/new", O_CREAT | O_WRONLY))   \
	X("write outside workspace: EACCES", EACCES, do_open("out", O_CREAT | O_WRONLY))     \
	X("through a symlink to .ssh: EACCES", EACCES, do_open("home/link/id_rsa", O_RDONLY)) \
	X("O_PATH + /proc/self/fd reopen: EACCES", EACCES, do_proc_reopen())                  \
	X("openat2: EACCES", EACCES, do_openat2())                                            \
	X("hardlink of the secret into the workspace: EXDEV", EXDEV,                          \
	  link(P("home/.ssh/id_rsa"), P("ws/stolen")))                                        \
	X("rename a workspace file into ${HOME}: EACCES", EACCES,                            \
	  rename(P("ws/f"), P("home/f")))                                                     \
	X("tcp connect to an allowed port passes Landlock", ECONNREFUSED, do_connect(1))      \
	X("tcp connect to another port: EACCES", EACCES, do_connect(2))                       \
	X("signal to a process outside the domain: EPERM", EPERM, kill(getppid(), 0))        \
	X("abstract unix socket outside the domain: EPERM", EPERM, do_abstract())

#define X(name, want, expr) { name, want },
static const struct {
	const char *name;
	int want;
} checks[] = { CHECKS };
#undef X
#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

static long run_check(size_t i)
{
	size_t n = 0;

#define X(name, want, expr) \
	if (i == n++)       \
		return (expr);
	CHECKS
#undef X
	return 0;
}

/* An abstract socket outside the domain, for the scope check. */
static int abstract_listener(void)
{
	struct sockaddr_un ua = { .sun_family = AF_UNIX };
	int us = socket(AF_UNIX, SOCK_STREAM, 0);

	memcpy(ua.sun_path, "\0sevorix-ll-test", 17);
	if (bind(us, (struct sockaddr *)&ua, offsetof(struct sockaddr_un, sun_path) + 17) < 0 ||
	    listen(us, 1) < 0)
		perror("abstract socket");
	return us;
}

static int apply_plan(const void *plan)
{
	return landlock_plan_apply(plan);
}

static struct file_rule FR(enum sx_action a, const char *path, unsigned int access)
{
	return (struct file_rule){ .action = a, .expanded = strdup(path), .access = access };
}

static void make_tree(void)
{
	mkdir(P("home"), 0755);
	mkdir(P("home/.ssh"), 0700);
	mkdir(P("ws"), 0755);
	put("home/.ssh/id_rsa", "SECRET\n");
	put("home/.bashrc", "# rc\n");
	put("ws/f", "work\n");
	if (symlink(P("home/.ssh"), P("home/link")) < 0)
		perror("symlink");
}

int main(void)
{
	int *res = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct file_rule rules[] = { FR(SX_DENY, "", SX_ACCESS_ALL), FR(SX_ALLOW, "", SX_ACCESS_READ),
				     FR(SX_ALLOW, "", SX_ACCESS_READ | SX_ACCESS_WRITE) };
	struct port_range pr = { 1, 1 };
	struct net_rule nr = { .action = SX_ALLOW, .kind = NET_RULE_CIDR4, .prefix = 8,
			       .addr = { 127 }, .ports = &pr, .nports = 1 };
	struct policy p = { .files = { .present = true, .def = SX_DENY },
			    .file_rules = rules, .nfile_rules = 3,
			    .network = { .present = true, .def = SX_DENY },
			    .net_rules = &nr, .nnet_rules = 1 };
	struct landlock_plan *plan = NULL;
	char err[512], desc[2048];
	int r, st, us;

	if (landlock_probe() < 6) {
		printf("1..0 # SKIP Landlock ABI %d < 6 on this kernel\n", landlock_probe());
		return 0;
	}
	snprintf(root, sizeof(root), "/tmp/sevorix-lla-XXXXXX");
	if (!mkdtemp(root))
		return 1;
	make_tree();
	for (int i = 0; i < 3; i++)
		free(rules[i].expanded);
	rules[0].expanded = strdup(P("home/.ssh"));
	rules[1].expanded = strdup(P("home"));
	rules[2].expanded = strdup(P("ws"));
	us = abstract_listener();

	r = landlock_plan_compile(&p, NULL, &plan, err, sizeof(err));
	ok(r == 0, "plan compiles and rulesets are created (%s)", r ? err : "");
	if (r == 0) {
		st = run_confined(apply_plan, plan, run_check, NCHECKS, res);
		ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child applied the plan (status %#x)", st);
		for (size_t i = 0; i < NCHECKS; i++)
			ok(res[i] == checks[i].want, "%s (got %s)", checks[i].name,
			   res[i] ? strerror(res[i]) : "success");
		ok(access(P("home/new"), F_OK) < 0 && access(P("out"), F_OK) < 0,
		   "the denied files were not created");
		ok(landlock_describe(plan, desc, sizeof(desc)) == 0 && strstr(desc, "port 1"),
		   "describe names the tcp ports");
	}
	ok(kill(getpid(), 0) == 0, "the parent is not confined");
	landlock_plan_free(plan);
	for (int i = 0; i < 3; i++)
		free(rules[i].expanded);
	close(us);
	if (fork() == 0)
		execlp("rm", "rm", "-rf", root, (char *)NULL), _exit(127);
	wait(NULL);
	return done_testing();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec_try: one way of running a program per invocation, for the exec
 * escape tests (tests/escape/exec.t). Prints "OK" and exits 0 when the
 * program ran, or the errno name ("EPERM") and exits 1 when the exec was
 * refused, "KILLED" when the new image was killed before it ran; 2 on
 * bad usage. Operations that time something print the figure on the line
 * before.
 *
 *   exec_try self-exe              re-exec itself through /proc/self/exe
 *   exec_try dev-fd PROG           open PROG, execve("/dev/fd/N")
 *   exec_try proc-fd PROG          open PROG, execve("/proc/self/fd/N")
 *   exec_try stall BIG N           start N execs of BIG, then time one exec of
 *                                  /usr/bin/true (ms on the line before OK)
 *   exec_try run PROG [ARGS...]    execve PROG in a child
 *   exec_try env-run VAR=VAL PROG  the same with VAR=VAL added to its environment
 *   exec_try memfd PROG            execveat() a memfd copy of PROG
 *   exec_try memfd-remap A B       exec a memfd written with A (padded to B's size)
 *                                  through a shared mapping, then rewrite it to B
 *                                  through the same mapping (its ctime does not
 *                                  move) and exec it again; reports the second
 *   exec_try envrace LIB N         N execs of grep -q LIB /proc/self/maps while a
 *                                  thread swaps "XX_PRELOAD=LIB" and "LD_PRELOAD=LIB"
 *                                  in their environment; OK when LIB was never
 *                                  mapped, else prints how often
 *   exec_try set-interp FILE NAME  rewrite FILE's PT_INTERP to NAME (no longer
 *                                  than the old one), for crafted interpreters
 */
#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/memfd.h"

extern char **environ;

/*
 * Runs path (or, when fd >= 0, the file behind fd: execveat AT_EMPTY_PATH)
 * in a child: 0 when it exited 0, else -1 with errno set to the exec's
 * errno (sent back on a pipe), or EOWNERDEAD when it was killed (the
 * report prints KILLED).
 */
static int spawn_at(int fd, const char *path, char *const argv[])
{
	int p[2], e = 0, st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		if (fd >= 0)
			syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
		else
			execve(path, argv, environ);
		e = errno;
		if (write(p[1], &e, sizeof(e)) < 0)
			_exit(126);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0)
		return -1;
	if (read(p[0], &e, sizeof(e)) == sizeof(e)) {
		waitpid(pid, NULL, 0);
		errno = e;
		return -1;
	}
	close(p[0]);
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st)) {
		errno = EOWNERDEAD;
		return -1;
	}
	errno = EINVAL;
	return WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int spawn(const char *path, char *const argv[])
{
	return spawn_at(-1, path, argv);
}

static int report(int r)
{
	if (r == 0) {
		printf("OK\n");
		return 0;
	}
	printf("%s\n", errno == EOWNERDEAD ? "KILLED" : strerrorname_np(errno));
	return 1;
}

/* Execs PROG through a name of its open descriptor: fmt is "/dev/fd/%d" or "/proc/self/fd/%d". */
static int by_fd(const char *fmt, const char *prog)
{
	char path[64], *argv[] = { (char *)prog, NULL };
	int fd = open(prog, O_RDONLY); /* not close-on-exec: the exec needs it */

	if (fd < 0)
		return report(-1);
	snprintf(path, sizeof(path), fmt, fd);
	return report(spawn(path, argv));
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* N execs of big in flight, then one of /usr/bin/true timed. */
static int stall(const char *big, int n)
{
	char *bargv[] = { (char *)big, NULL }, *targv[] = { "true", NULL };
	pid_t kids[16];
	double t0;
	int r;

	for (int i = 0; i < n && i < 16; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			execve(big, bargv, environ);
			_exit(127);
		}
	}
	usleep(100 * 1000); /* the big ones are being identified now */
	t0 = now_ms();
	r = spawn("/usr/bin/true", targv);
	printf("%.1f\n", now_ms() - t0);
	for (int i = 0; i < n && i < 16; i++)
		waitpid(kids[i], NULL, 0);
	return report(r);
}

/* execveat(fd, "", AT_EMPTY_PATH) in a child, as spawn() reports it. */
static int spawn_fd(int fd)
{
	char *argv[] = { "memfd", NULL };

	if (fd < 0)
		return -1;
	return spawn_at(fd, NULL, argv);
}

/* The size bytes of path into m; 0 or -1. */
static int load(const char *path, char *m, off_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, m, size);

	if (fd >= 0)
		close(fd);
	return n < 0 ? -1 : 0;
}

/*
 * A memfd written through a shared mapping: a (padded to b's size), exec;
 * then b through the same, already writable mapping, which moves no
 * ctime (no page faults), exec again. Reports the second exec.
 */
static int memfd_remap(const char *a, const char *b)
{
	struct stat st;
	int fd;
	char *m;

	if (stat(b, &st) < 0 || (fd = memfd_create("exec_try", 0)) < 0 ||
	    ftruncate(fd, st.st_size) < 0)
		return report(-1);
	m = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED || load(a, m, st.st_size) < 0)
		return report(-1);
	/* the first exec may be refused too: what counts is whether b ever runs */
	(void)spawn_fd(fd);
	if (load(b, m, st.st_size) < 0)
		return report(-1);
	return report(spawn_fd(fd));
}

static char swap_env[4096];
static const char *swap_val[2];

static void *env_swapper(void *unused)
{
	(void)unused;
	for (unsigned long i = 0;; i++) {
		memcpy(swap_env, swap_val[i & 1], 3); /* "XX_" <-> "LD_" */
		__asm__ volatile("" ::: "memory");
	}
	return NULL;
}

/* N execs of "grep -q LIB /proc/self/maps" with the environment swapped meanwhile. */
static int envrace(const char *lib, int n)
{
	char *argv[] = { "grep", "-q", (char *)lib, "/proc/self/maps", NULL };
	char *envp[] = { swap_env, NULL };
	int mapped = 0;

	swap_val[0] = "XX_";
	swap_val[1] = "LD_";
	snprintf(swap_env, sizeof(swap_env), "XX_PRELOAD=%s", lib);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			pthread_t th;

			pthread_create(&th, NULL, env_swapper, NULL);
			usleep(100);
			execve("/usr/bin/grep", argv, envp);
			_exit(100);
		}
		waitpid(pid, &st, 0);
		mapped += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	if (mapped) {
		printf("%d\n", mapped);
		return 1;
	}
	return report(0);
}

/* Rewrites the PT_INTERP string of a 64-bit ELF file in place. */
static int set_interp(const char *file, const char *name)
{
	int fd = open(file, O_RDWR);
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		return report(-1);
	for (int i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) != sizeof(ph))
			break;
		if (ph.p_type != PT_INTERP)
			continue;
		if (strlen(name) + 1 > ph.p_filesz) {
			errno = ENAMETOOLONG;
			return report(-1);
		}
		ph.p_filesz = strlen(name) + 1;
		if (pwrite(fd, name, ph.p_filesz, ph.p_offset) != (ssize_t)ph.p_filesz ||
		    pwrite(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) != sizeof(ph))
			return report(-1);
		return report(0);
	}
	errno = ENOEXEC;
	return report(-1);
}

static int env_run(char *var, char **prog)
{
	putenv(var);
	return report(spawn(prog[0], prog));
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	char *self[] = { "exec_try", "child", NULL };

	if (!strcmp(op, "child"))
		return 0;
	if (!strcmp(op, "self-exe"))
		return report(spawn("/proc/self/exe", self));
	if (!strcmp(op, "dev-fd") && argc == 3)
		return by_fd("/dev/fd/%d", argv[2]);
	if (!strcmp(op, "proc-fd") && argc == 3)
		return by_fd("/proc/self/fd/%d", argv[2]);
	if (!strcmp(op, "stall") && argc == 4)
		return stall(argv[2], atoi(argv[3]));
	if (!strcmp(op, "run") && argc >= 3)
		return report(spawn(argv[2], argv + 2));
	if (!strcmp(op, "env-run") && argc >= 4)
		return env_run(argv[2], argv + 3);
	if (!strcmp(op, "memfd") && argc == 3)
		return report(spawn_fd(memfd_copy(argv[2], "exec_try", 0)));
	if (!strcmp(op, "memfd-remap") && argc == 4)
		return memfd_remap(argv[2], argv[3]);
	if (!strcmp(op, "envrace") && argc == 4)
		return envrace(argv[2], atoi(argv[3]));
	if (!strcmp(op, "set-interp") && argc == 4)
		return set_interp(argv[2], argv[3]);
	fprintf(stderr, "exec_try: unknown operation '%s'\n", op);
	return 2;
}

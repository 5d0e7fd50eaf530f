// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the observer of denials (bpf/observe.bpf.c) costs a process: its
 * program runs at the exit of every system call of the machine. Each mode
 * is a loop of calls, timed as the median ns per iteration of R rounds,
 * in CPU time of the process (CLOCK_PROCESS_CPUTIME_ID: what the calls cost
 * it, not how long other processes of a busy machine kept it waiting);
 * bench/observe_bench.sh runs it with and without a run's programs loaded,
 * outside the run and inside it.
 *
 *   syscall_bench MODE [N [ROUNDS]]
 *     getppid   the cheapest call: the observer's share at its largest
 *     open      open + read + close of /etc/hostname (a file tool's day)
 *     enoent    open of a missing file (fails, but not with a watched errno)
 *     eacces    open of a file the caller may not read (fails with EACCES:
 *               the observer goes as far as its cgroup check; run as non-root)
 *     tree      stat of every entry under /usr/share/doc (what find(1) does)
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Every entry below dir, stat'ed; returns how many. */
static long walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	struct stat st;
	long n = 0;

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			n += walk(path);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void once(const char *mode)
{
	char buf[256];
	int fd;

	if (!strcmp(mode, "getppid")) {
		getppid();
	} else if (!strcmp(mode, "open")) {
		fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && read(fd, buf, sizeof(buf)) >= 0)
			close(fd);
	} else if (!strcmp(mode, "enoent")) {
		fd = open("/nonexistent/sevorix-bench", O_RDONLY);
		if (fd >= 0)
			close(fd);
	} else if (!strcmp(mode, "eacces")) {
		fd = open("/etc/shadow", O_RDONLY);
		if (fd >= 0)
			close(fd);
	} else {
		walk("/usr/share/doc");
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "getppid";
	long n = argc > 2 ? atol(argv[2]) : 200000;
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	long long t[64];

	if (rounds < 1 || rounds > 64 || n < 1) {
		fprintf(stderr, "usage: syscall_bench MODE [N [ROUNDS<=64]]\n");
		return 2;
	}
	for (int r = 0; r < rounds; r++) {
		long long t0 = now();

		for (long i = 0; i < n; i++)
			once(mode);
		t[r] = (now() - t0) / n;
	}
	qsort(t, rounds, sizeof(t[0]), cmp);
	printf("%lld\n", t[rounds / 2]);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The context of a reviewed exec, read from the process tree while the
 * call is held: the script of the nearest shell (`sh -c SCRIPT`) among
 * the calling process and its ancestors, the names of the programs of
 * its ancestors up to the agent, the run it belongs to and the uid it
 * runs as (the jury refuses a person's approval from that uid). A
 * command such as `curl URL | sh` is run by the agent's shell as a fork
 * that execs curl: the caller itself
 * still carries the shell's command line, so its own script is found
 * even when the shell that forked it is gone.
 *
 * Pids are the host's, as the seccomp notification gives them and as
 * this process's /proc shows them (a run in a PID namespace of its own
 * does not change that). The walk goes up through /proc/PID/stat's
 * parent while the process is in the same cgroup as the caller (the
 * run's: the agent is the last one in it), at most HOLD_CONTEXT_DEPTH
 * steps, and reads at most REVIEW_SCRIPT_MAX bytes of a script (its head
 * and tail when longer). All of it is what the agent's processes show,
 * which they can rewrite: the jury only lets it make a verdict stricter.
 * A context that cannot be read is left out (the review then carries the
 * exec's own argv only, as without context).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hold/internal.h"

#define HOLD_CONTEXT_DEPTH REVIEW_MAX_PARENTS
#define CMDLINE_MAX (256 * 1024)

/* Reads a whole small /proc file into buf (NUL-terminated); its length or -errno. */
static ssize_t read_proc(int pid, const char *what, char *buf, size_t len)
{
	char path[64];
	ssize_t n, got = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got;
}

/* The parent of pid from /proc/PID/stat (after the command's closing paren), or -1. */
static int parent_of(int pid)
{
	char stat[512], *close_paren;
	int ppid;

	if (read_proc(pid, "stat", stat, sizeof(stat)) <= 0)
		return -1;
	close_paren = strrchr(stat, ')');
	if (!close_paren || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

static bool is_shell(const char *name)
{
	static const char *const shells[] = { "sh",  "bash", "dash", "zsh",
					      "ksh", "ash",  "mksh", NULL };

	for (int i = 0; shells[i]; i++)
		if (!strcmp(name, shells[i]))
			return true;
	return false;
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * The script of a shell's command line (NUL-separated argv in buf[0..n)):
 * the word after the first option cluster holding 'c' (`bash -c`, `sh
 * -lc`, `bash --norc -c`), or NULL.
 */
static const char *shell_script(const char *buf, size_t n)
{
	const char *w = buf, *end = buf + n;

	if (!n || !is_shell(base_of(w)))
		return NULL;
	for (w += strlen(w) + 1; w < end; w += strlen(w) + 1) {
		if (w[0] != '-')
			return NULL;
		if (w[1] != '-' && strchr(w + 1, 'c'))
			return w + strlen(w) + 1 < end ? w + strlen(w) + 1 : NULL;
	}
	return NULL;
}

/*
 * Keeps the script; its head and tail when it is longer than the review
 * may carry, or when the command line was longer than was read (read_all
 * false).
 */
static int keep_script(struct hold_context *ctx, const char *s, bool read_all)
{
	size_t n = strlen(s), half = REVIEW_SCRIPT_MAX / 2 - 1;

	ctx->script_cut = !read_all;
	if (n <= REVIEW_SCRIPT_MAX) {
		ctx->script = strdup(s);
	} else {
		ctx->script = malloc(REVIEW_SCRIPT_MAX + 1);
		if (ctx->script)
			snprintf(ctx->script, REVIEW_SCRIPT_MAX + 1, "%.*s\n%s", (int)half, s,
				 s + n - half);
		ctx->script_cut = true;
	}
	return ctx->script ? 0 : -ENOMEM;
}

/* The program name of pid: its executable's base name, else its comm. */
static char *program_of(int pid)
{
	char link[64], exe[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* a replaced file reads "/path (deleted)": the name is what it was */
		if (n > 10 && !strcmp(exe + n - 10, " (deleted)"))
			exe[n - 10] = '\0';
		return strdup(base_of(exe));
	}
	n = read_proc(pid, "comm", exe, sizeof(exe));
	if (n <= 0)
		return NULL;
	exe[strcspn(exe, "\n")] = '\0';
	return strdup(exe);
}

/* The run of a cgroup line set ("0::/sevorix/RUN/..." -> RUN, else the v2 path). */
static void run_of(const char *cgroup, char *run, size_t len)
{
	const char *v2 = strstr(cgroup, "0::"), *s;

	v2 = v2 ? v2 + 3 : cgroup;
	s = strstr(v2, "/sevorix/");
	if (s)
		snprintf(run, len, "%.*s", (int)strcspn(s + 9, "/\n"), s + 9);
	else
		snprintf(run, len, "%.*s", (int)strcspn(v2, "\n"), v2);
}

/* The real uid of pid from /proc/PID/status. */
static bool uid_of(int pid, uid_t *uid)
{
	char status[4096], *line;
	unsigned long u;

	if (read_proc(pid, "status", status, sizeof(status)) <= 0 ||
	    !(line = strstr(status, "\nUid:")) || sscanf(line + 5, "%lu", &u) != 1)
		return false;
	*uid = (uid_t)u;
	return true;
}

int hold_read_context(int pid, struct hold_context *ctx)
{
	char cgroup[4096], other[4096], *cmdline = malloc(CMDLINE_MAX);
	const char *script;
	int depth = 0, p = pid;
	ssize_t n;

	memset(ctx, 0, sizeof(*ctx));
	if (!cmdline)
		return -ENOMEM;
	if (read_proc(pid, "cgroup", cgroup, sizeof(cgroup)) <= 0) {
		free(cmdline);
		return -ESRCH;
	}
	run_of(cgroup, ctx->run, sizeof(ctx->run));
	ctx->has_uid = uid_of(pid, &ctx->uid);
	while (p > 1 && depth <= HOLD_CONTEXT_DEPTH) {
		if (p != pid) {
			if (read_proc(p, "cgroup", other, sizeof(other)) <= 0 ||
			    strcmp(other, cgroup))
				break; /* left the run: the agent was the last one */
			ctx->parents[ctx->nparents] = program_of(p);
			if (ctx->parents[ctx->nparents])
				ctx->nparents++;
		}
		n = ctx->script ? 0 : read_proc(p, "cmdline", cmdline, CMDLINE_MAX);
		script = n > 0 ? shell_script(cmdline, (size_t)n) : NULL;
		if (script && keep_script(ctx, script, n < CMDLINE_MAX - 1))
			break; /* out of memory: what was read so far */
		if (ctx->nparents == REVIEW_MAX_PARENTS)
			break;
		p = parent_of(p);
		depth++;
	}
	free(cmdline);
	return 0;
}

void hold_context_free(struct hold_context *ctx)
{
	free(ctx->script);
	for (size_t i = 0; i < ctx->nparents; i++)
		free(ctx->parents[i]);
	memset(ctx, 0, sizeof(*ctx));
}

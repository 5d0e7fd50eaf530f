// SPDX-License-Identifier: GPL-2.0-only
/*
 * The files an exec loads and the argv the kernel will hold, as the hold
 * works them out (src/hold/chain.c, misc.c), against what fs/binfmt_script.c
 * and fs/binfmt_misc.c do: "#!" lines with and without an argument,
 * blanks, no newline, a truncated interpreter path, nested scripts, the
 * kernel's depth limit, an empty argv, binfmt_misc entries by extension
 * and by magic (with and without preserving argv[0]), disabled entries,
 * and the ELF interpreter of a dynamic program. The "agent" is this
 * process itself, so paths resolve as it sees them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "hold/internal.h"

static char dir[64];

static void put(const char *name, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		perror(path);
	close(fd);
	chmod(path, mode);
}

/* The chain of dir/name run with argv (NULL-terminated); returns hold_chain()'s result. */
static int chain(struct hold *h, const char *name, char **argv, struct exec_call *c)
{
	struct trapped t = { .pid = getpid(), .proc = -1, .root = -1 };
	char path[256];
	int fd;

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < EXEC_FILES; i++)
		c->f[i].fd = -1;
	c->argv = calloc(8, sizeof(char *));
	for (int i = 0; argv[i]; i++)
		c->argv[i] = strdup(argv[i]);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : hold_chain(h, &t, fd, path, c);
}

/* kargv joined with '|', for comparing in one go. */
static const char *joined(const struct exec_call *c)
{
	static char out[1024];
	size_t n = 0;

	out[0] = 0;
	for (int i = 0; c->kargv && c->kargv[i]; i++)
		n += snprintf(out + n, sizeof(out) - n, "%s%s", i ? "|" : "", c->kargv[i]);
	return out;
}

static void scripts(struct hold *h)
{
	char p[512], *argv[] = { "name", "a1", "a2", NULL }, *none[] = { NULL };
	struct exec_call c;
	char text[300];

	put("arg.sh", "#!/bin/sh -e -x\nexit 0\n", 0755);
	is_int(chain(h, "arg.sh", argv, &c), 0, "#! with an argument");
	snprintf(p, sizeof(p), "/bin/sh|-e -x|%s/arg.sh|a1|a2", dir);
	is_str(joined(&c), p, "argv: interpreter, the whole argument, the script, the rest");
	is_int(c.n, 2, "two files: the script and the shell");
	is_int(c.entry, 2, "and the shell's ELF interpreter after them");
	hold_call_free(&c);
	put("blank.sh", "#!  \t/bin/sh  \n", 0755);
	is_int(chain(h, "blank.sh", argv, &c), 0, "#! with blanks around the path");
	snprintf(p, sizeof(p), "/bin/sh|%s/blank.sh|a1|a2", dir);
	is_str(joined(&c), p, "argv: no argument from trailing blanks");
	hold_call_free(&c);
	put("nonl.sh", "#!/bin/sh", 0755);
	is_int(chain(h, "nonl.sh", none, &c), 0, "#! without a newline, in a short file");
	snprintf(p, sizeof(p), "/bin/sh|%s/nonl.sh", dir);
	is_str(joined(&c), p, "argv: an empty argv gets the script's name only");
	hold_call_free(&c);
	memset(text, 'x', sizeof(text));
	memcpy(text, "#!/", 3);
	text[sizeof(text) - 1] = 0;
	put("long.sh", text, 0755);
	is_int(chain(h, "long.sh", argv, &c), -ENOEXEC, "a truncated interpreter path: ENOEXEC");
	hold_call_free(&c);
	snprintf(text, sizeof(text), "#!%s/arg.sh\n", dir);
	put("nest.sh", text, 0755);
	is_int(chain(h, "nest.sh", argv, &c), 0, "a script as the interpreter of a script");
	snprintf(p, sizeof(p), "/bin/sh|-e -x|%s/arg.sh|%s/nest.sh|a1|a2", dir, dir);
	is_str(joined(&c), p, "argv: each level puts its own in front");
	is_int(c.n, 3, "three files");
	hold_call_free(&c);
}

static void depth(struct hold *h)
{
	char *argv[] = { "x", NULL }, name[32], text[128];
	struct exec_call c;

	put("d0.sh", "#!/bin/sh\n", 0755);
	for (int i = 1; i <= 6; i++) {
		snprintf(name, sizeof(name), "d%d.sh", i);
		snprintf(text, sizeof(text), "#!%s/d%d.sh\n", dir, i - 1);
		put(name, text, 0755);
	}
	is_int(chain(h, "d4.sh", argv, &c), 0, "five scripts and the shell: as deep as the kernel goes");
	is_int(c.n, 6, "six files");
	hold_call_free(&c);
	is_int(chain(h, "d5.sh", argv, &c), -ELOOP, "one more: ELOOP, as the kernel says");
	hold_call_free(&c);
}

static void misc(struct hold *h)
{
	char p[512], *argv[] = { "name", "a1", NULL }, mdir[128];
	struct exec_call c;
	struct stat st;

	snprintf(mdir, sizeof(mdir), "%s/misc", dir);
	mkdir(mdir, 0755);
	put("misc/status", "enabled\n", 0644);
	put("misc/register", "", 0200);
	put("misc/byext", "enabled\ninterpreter /bin/true\nflags: \nextension .foo\n", 0644);
	put("misc/off", "disabled\n", 0644);
	put("misc/bymagic",
	    "enabled\ninterpreter /bin/true\nflags: PO\noffset 2\nmagic 4d5a\nmask ffdf\n", 0644);
	hold_misc_load(h, mdir);
	is_int(h->nmisc, 2, "two enabled entries read, the disabled one left out");
	put("prog.foo", "anything", 0755);
	is_int(chain(h, "prog.foo", argv, &c), 0, "an entry by extension");
	snprintf(p, sizeof(p), "/bin/true|%s/prog.foo|a1", dir);
	is_str(joined(&c), p, "argv: interpreter, the file, argv[1] on (argv[0] dropped)");
	ok(c.n == 2 && stat("/bin/true", &st) == 0 && c.f[1].ino == st.st_ino,
	   "the interpreter is the second file");
	hold_call_free(&c);
	put("prog.bin", "..Mz rest", 0755); /* 'z' matches 'Z' under the mask 0xdf */
	is_int(chain(h, "prog.bin", argv, &c), 0, "an entry by magic under a mask, at an offset");
	snprintf(p, sizeof(p), "/bin/true|%s/prog.bin|name|a1", dir);
	is_str(joined(&c), p, "argv: with P, argv[0] is kept");
	hold_call_free(&c);
	put("prog.txt", "..XZ rest", 0755);
	is_int(chain(h, "prog.txt", argv, &c), -ENOEXEC, "no entry, no handler: ENOEXEC");
	hold_call_free(&c);
	free(h->misc);
	h->misc = NULL;
	h->nmisc = 0;
	put("misc/status", "disabled\n", 0644);
	hold_misc_load(h, mdir);
	is_int(h->nmisc, 0, "binfmt_misc disabled: no entries");
}

int main(void)
{
	struct hold *h = calloc(1, sizeof(*h));
	char *argv[] = { "true", NULL }, path[128];
	struct exec_call c;

	snprintf(dir, sizeof(dir), "/tmp/sevorix-chain.XXXXXX");
	if (!h || !mkdtemp(dir))
		return 1;
	h->proc = h->self_fds = -1; /* a hold not started has no /proc descriptors */
	scripts(h);
	depth(h);
	misc(h);
	is_int(chain(h, "../../usr/bin/true", argv, &c), 0, "a dynamic ELF program");
	ok(c.n == 1 && c.entry == 1 && c.check_entry, "its loader is another file, checked "
	   "(no system loaders known here)");
	hold_call_free(&c);
	free(h);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return done_testing();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every file the kernel loads for one exec, found the way the kernel finds
 * them (fs/exec.c exec_binprm, fs/binfmt_misc.c, fs/binfmt_script.c,
 * fs/binfmt_elf.c). At each step the first BINPRM_BUF_SIZE bytes of the
 * current file pick its handler: an enabled binfmt_misc entry that matches
 * (binfmt_misc is asked first), an ELF header, or "#!". A script or a
 * binfmt_misc entry names the next file and rewrites argv; an ELF file is
 * the image, and its PT_INTERP (the dynamic loader) is loaded too and runs
 * first. The kernel gives up after SX_CHAIN_MAX files (ELOOP), so does this.
 *
 * Each file is identified like the one named (exec.c, ident.c), and the
 * argv the kernel will hold is rebuilt as the kernel rebuilds it, so that
 * the hold and the kernel decide on the same bytes (abi.h, sx_approval).
 * Interpreter paths are opened as the kernel opens them: from the agent's
 * root, or its cwd when relative (open_exec()).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hold/internal.h"

#define BINPRM_BUF 256		/* BINPRM_BUF_SIZE: what every handler looks at */
/* read at once: the ELF header, program headers and PT_INTERP of usual binaries */
#define HEAD_BYTES 1024

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

static const char *next_non_spacetab(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (!spacetab(*first))
			return first;
	return NULL;
}

static const char *next_terminator(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (spacetab(*first) || !*first)
			return first;
	return NULL;
}

/*
 * The interpreter and optional argument of a "#!" line, parsed as
 * load_script() does it: name and arg are NUL-terminated in buf (which is
 * changed); *arg is NULL when there is none. Returns 0 or -ENOEXEC.
 */
static int shebang(char *buf, const char **name, const char **arg)
{
	const char *buf_end = buf + BINPRM_BUF - 1, *i_end, *i_name, *i_sep;

	*arg = NULL;
	if (buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	i_end = memchr(buf, '\n', BINPRM_BUF);
	if (!i_end) {
		i_end = next_non_spacetab(buf + 2, buf_end);
		if (!i_end || !next_terminator(i_end, buf_end))
			return -ENOEXEC; /* all blanks, or a truncated interpreter path */
		i_end = buf_end;
	}
	while (spacetab(i_end[-1]))
		i_end--;
	i_name = next_non_spacetab(buf + 2, i_end);
	if (!i_name || i_name == i_end)
		return -ENOEXEC;
	i_sep = next_terminator(i_name, i_end);
	if (i_sep && *i_sep)
		*arg = next_non_spacetab(i_sep, i_end);
	buf[i_end - buf] = 0;
	if (*arg)
		buf[i_sep - buf] = 0;
	*name = i_name;
	return 0;
}

/* The bytes [off, off + len) of the file: from its head when they lie there, else read. */
static bool file_bytes(int fd, const unsigned char *head, size_t have, void *out, size_t len,
		       uint64_t off)
{
	if (off <= have && len <= have - off) {
		memcpy(out, head + off, len);
		return true;
	}
	return pread(fd, out, len, off) == (ssize_t)len;
}

/*
 * The first PT_INTERP of an ELF file, as load_elf_binary() reads it; *out ""
 * when none. buf is its first BINPRM_BUF bytes (zero after its end), head
 * the first have bytes.
 */
static int elf_interp(int fd, const unsigned char *buf, const unsigned char *head, size_t have,
		      char *out, size_t outlen)
{
	bool wide = buf[EI_CLASS] == ELFCLASS64;
	uint64_t phoff, off, size;
	unsigned int phnum, phentsize;

	*out = 0;
	if (buf[EI_CLASS] != ELFCLASS64 && buf[EI_CLASS] != ELFCLASS32)
		return -ENOEXEC;
	if (wide) {
		const Elf64_Ehdr *e = (const void *)buf;

		phoff = e->e_phoff, phnum = e->e_phnum, phentsize = e->e_phentsize;
	} else {
		const Elf32_Ehdr *e = (const void *)buf;

		phoff = e->e_phoff, phnum = e->e_phnum, phentsize = e->e_phentsize;
	}
	if (phentsize != (wide ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) || phnum == 0 ||
	    phnum * phentsize > 65536)
		return -ENOEXEC;
	for (unsigned int i = 0; i < phnum; i++) {
		union {
			Elf64_Phdr p64;
			Elf32_Phdr p32;
		} ph;

		if (!file_bytes(fd, head, have, &ph, phentsize, phoff + (uint64_t)i * phentsize))
			return -ENOEXEC;
		if ((wide ? ph.p64.p_type : ph.p32.p_type) != PT_INTERP)
			continue;
		off = wide ? ph.p64.p_offset : ph.p32.p_offset;
		size = wide ? ph.p64.p_filesz : ph.p32.p_filesz;
		if (size < 2 || size > PATH_MAX || size > outlen ||
		    !file_bytes(fd, head, have, out, size, off) || out[size - 1])
			return -ENOEXEC;
		return 0;
	}
	return 0;
}

/* A NULL-terminated copy of n strings; NULL when out of memory. */
static char **strv_new(const char *const *s, size_t n)
{
	char **v = calloc(n + 1, sizeof(*v));

	for (size_t i = 0; v && i < n; i++) {
		v[i] = strdup(s[i]);
		if (!v[i]) {
			hold_free_argv(v);
			return NULL;
		}
	}
	return v;
}

static size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/*
 * The argv after one interpreter: front (what the handler puts first),
 * then argv from index `from` on. Replaces *argv. Returns 0 or -ENOMEM.
 */
static int rewrite(char ***argv, const char *const *front, size_t nfront, size_t from)
{
	size_t n = strv_len(*argv), len = nfront + (n > from ? n - from : 0);
	const char **all = calloc(len + 1, sizeof(*all));
	char **v;

	if (!all)
		return -ENOMEM;
	memcpy(all, front, nfront * sizeof(*front));
	for (size_t i = from; i < n; i++)
		all[nfront + i - from] = (*argv)[i];
	v = strv_new(all, len);
	free(all);
	if (!v)
		return -ENOMEM;
	hold_free_argv(*argv);
	*argv = v;
	return 0;
}

/*
 * One step of the chain for the file behind fd: the next interpreter's
 * path in next ("" when f is the image; then *interp is its PT_INTERP or
 * ""), with argv rewritten and name (bprm->interp) updated as the kernel
 * does. Returns 0 or -errno.
 */
static int step(struct hold *h, int fd, char **kargv[], char *name, char *next, char *interp)
{
	char buf[BINPRM_BUF + 1] = { 0 };
	unsigned char head[HEAD_BYTES];
	const struct misc_entry *m;
	const char *i_name, *i_arg;
	ssize_t have;
	int r;

	*next = *interp = 0;
	/* one read for the handler's bytes and, in an ELF file, its headers */
	have = pread(fd, head, sizeof(head), 0);
	if (have < 0)
		return -errno;
	memcpy(buf, head, have < BINPRM_BUF ? have : BINPRM_BUF);
	m = hold_misc_match(h, (const unsigned char *)buf, name);
	if (m) {
		const char *front[3] = { m->interpreter, name, (*kargv)[0] };

		r = rewrite(kargv, front, m->preserve_argv0 ? 3 : 2, 1);
		strcpy(next, m->interpreter);
	} else if (!memcmp(buf, ELFMAG, SELFMAG)) {
		return elf_interp(fd, (const unsigned char *)buf, head, have, interp, PATH_MAX);
	} else {
		r = shebang(buf, &i_name, &i_arg);
		if (!r) {
			const char *front[3] = { i_name, i_arg ? i_arg : name, name };

			r = rewrite(kargv, front, i_arg ? 3 : 2, 1);
			strcpy(next, i_name);
		}
	}
	strcpy(name, next);
	return r;
}

int hold_chain(struct hold *h, const struct trapped *t, int fd, const char *filename,
	       struct exec_call *c)
{
	char *name = malloc(3 * PATH_MAX), *next = name + PATH_MAX, *interp = next + PATH_MAX;
	const char *empty[] = { "" };
	int r = name ? 0 : -ENOMEM;

	c->n = 0;
	c->entry = -1;
	/* the kernel gives an empty argv an empty argv[0] */
	c->kargv = c->argv[0] ? strv_new((const char *const *)c->argv, strv_len(c->argv))
			      : strv_new(empty, 1);
	if (!r && !c->kargv)
		r = -ENOMEM;
	if (!r)
		snprintf(name, PATH_MAX, "%s", filename);
	while (!r) {
		struct exec_file *f = &c->f[c->n];

		if (c->n == SX_CHAIN_MAX) {
			close(fd);
			r = -ELOOP; /* what the kernel answers after as many */
			break;
		}
		c->n++;
		r = hold_identify_file(h, t, fd, f); /* takes fd */
		r = r ?: step(h, f->fd, &c->kargv, name, next, interp);
		if (r || !*next)
			break;
		fd = hold_open_as_agent(t, AT_FDCWD, next, 0);
		if (fd < 0)
			r = fd;
	}
	if (!r && *interp) { /* the dynamic loader: loaded with the image, runs first */
		fd = hold_open_as_agent(t, AT_FDCWD, interp, 0);
		r = fd < 0 ? fd : hold_identify_file(h, t, fd, &c->f[c->n]);
		c->entry = r ? -1 : c->n;
		/* the system's loader by its own path, named by an image whose content
		 * cannot change unseen: that is what runs first; else the kernel checks */
		c->check_entry = !r && !(hold_is_system_loader(h, interp, &c->f[c->n]) &&
					 hold_pin(&c->f[c->n - 1], false));
	}
	free(name);
	return r;
}

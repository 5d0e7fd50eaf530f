// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the kernel loads to run a program, besides the program (learn/
 * learn.h): a script's interpreter, named by its "#!" line, and a dynamic
 * ELF's loader, named by its PT_INTERP header. Under an exec allowlist
 * both need exec rules of their own (Landlock checks execute on every
 * file an exec opens), so learn mode records them with the program.
 *
 * The file is the agent's: anything in it is untrusted. Only its first
 * bytes are read, every offset and length in them is checked against
 * what was read, and a loader named beyond it is not looked for.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "learn/learn.h"

#define HEAD_MAX 16384
#define CHAIN_MAX 4 /* as the kernel's binfmt recursion limit */

/* The "#!" line's interpreter (up to the first blank), as binfmt_script reads it. */
static int shebang(const char *h, size_t len, char *out, size_t outlen)
{
	size_t i = 2, start, end;

	if (len > 256) /* BINPRM_BUF_SIZE: the kernel reads no further */
		len = 256;
	while (i < len && (h[i] == ' ' || h[i] == '\t'))
		i++;
	start = i;
	while (i < len && h[i] != ' ' && h[i] != '\t' && h[i] != '\n' && h[i])
		i++;
	end = i;
	if (end == start || end - start >= outlen)
		return -EINVAL;
	memcpy(out, h + start, end - start);
	out[end - start] = 0;
	return 0;
}

/* The PT_INTERP string of an ELF of class 32 or 64 (this machine's byte order). */
static int elf_interp(const unsigned char *h, size_t len, char *out, size_t outlen)
{
	bool is64 = h[EI_CLASS] == ELFCLASS64;
	uint64_t phoff, off, sz;
	size_t phsz = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	unsigned int phnum, entsz;

	if ((!is64 && h[EI_CLASS] != ELFCLASS32) || h[EI_DATA] != ELFDATA2LSB ||
	    len < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return -EINVAL;
	if (is64) {
		const Elf64_Ehdr *e = (const void *)h;

		phoff = e->e_phoff, phnum = e->e_phnum, entsz = e->e_phentsize;
	} else {
		const Elf32_Ehdr *e = (const void *)h;

		phoff = e->e_phoff, phnum = e->e_phnum, entsz = e->e_phentsize;
	}
	if (entsz < phsz)
		return -EINVAL;
	for (unsigned int i = 0; i < phnum; i++) {
		uint64_t at = phoff + (uint64_t)i * entsz;
		uint32_t type;

		if (at > len || len - at < phsz)
			return -ENOENT; /* beyond what was read: not looked for */
		memcpy(&type, h + at, sizeof(type));
		if (type != PT_INTERP)
			continue;
		if (is64) {
			Elf64_Phdr p;

			memcpy(&p, h + at, sizeof(p));
			off = p.p_offset, sz = p.p_filesz;
		} else {
			Elf32_Phdr p;

			memcpy(&p, h + at, sizeof(p));
			off = p.p_offset, sz = p.p_filesz;
		}
		if (off > len || sz > len - off || sz < 2 || sz > outlen || h[off + sz - 1])
			return -EINVAL;
		memcpy(out, h + off, sz);
		return strlen(out) + 1 == sz ? 0 : -EINVAL;
	}
	return -ENOENT;
}

int learn_interp_of(const void *head, size_t len, char *out, size_t outlen)
{
	const unsigned char *h = head;

	if (len >= 2 && h[0] == '#' && h[1] == '!')
		return shebang(head, len, out, outlen);
	if (len >= EI_NIDENT && !memcmp(h, ELFMAG, SELFMAG))
		return elf_interp(h, len, out, outlen);
	return -ENOENT;
}

/* path (absolute, as the agent sees it) resolved under root into out; 0 or -errno. */
static int canonical(const char *root, const char *path, char *out, size_t outlen)
{
	char host[PATH_MAX * 2], *real;
	size_t rl = root && strcmp(root, "/") ? strlen(root) : 0;

	snprintf(host, sizeof(host), "%s%s", rl ? root : "", path);
	real = realpath(host, NULL);
	if (!real)
		return -errno;
	if (rl && (strncmp(real, root, rl) || (real[rl] && real[rl] != '/'))) {
		free(real); /* it leads out of the agent's root: not its file */
		return -EXDEV;
	}
	snprintf(out, outlen, "%s", real[rl] ? real + rl : "/");
	free(real);
	return 0;
}

int learn_loaded_by(const char *root, const char *path, char (*out)[PATH_MAX], size_t max)
{
	char cur[PATH_MAX], name[PATH_MAX], host[PATH_MAX * 2], head[HEAD_MAX];
	size_t n = 0;

	snprintf(cur, sizeof(cur), "%s", path);
	for (int depth = 0; depth < CHAIN_MAX && n < max; depth++) {
		int fd;
		ssize_t len;

		snprintf(host, sizeof(host), "%s%s", root && strcmp(root, "/") ? root : "", cur);
		fd = open(host, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			break;
		len = pread(fd, head, sizeof(head), 0);
		close(fd);
		if (len <= 0 || learn_interp_of(head, len, name, sizeof(name)) < 0 ||
		    name[0] != '/' || canonical(root, name, out[n], PATH_MAX) < 0)
			break;
		snprintf(cur, sizeof(cur), "%s", out[n++]);
	}
	return n;
}

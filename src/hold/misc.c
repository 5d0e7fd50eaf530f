// SPDX-License-Identifier: GPL-2.0-only
/*
 * binfmt_misc entries, read when the hold is prepared, so that an exec the
 * kernel hands to a registered interpreter (qemu-user, Wine, a JVM) is
 * judged on that interpreter too (chain.c). The kernel asks binfmt_misc
 * before any other handler, walks its entries from the most recently
 * registered one, and takes the first enabled entry whose magic (at its
 * offset, under its mask, in the first 256 bytes) or extension (after the
 * last '.' of the name being executed) matches: fs/binfmt_misc.c. Entry
 * inodes are numbered in registration order, so the newest has the
 * largest.
 *
 * Entries registered after the hold was prepared, or in an instance this
 * process cannot see, are not known here: such an exec is approved for the
 * file itself, and the kernel, which then loads the interpreter instead,
 * kills it (fail closed).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hold/internal.h"

#define MISC_DIR "/proc/sys/fs/binfmt_misc"

static int hex(const char *s, unsigned char *out, size_t max)
{
	size_t n = 0;

	while (s[0] && s[1] && s[0] != '\n' && n < max) {
		unsigned int b;

		if (sscanf(s, "%2x", &b) != 1)
			return -EINVAL;
		out[n++] = b;
		s += 2;
	}
	return (int)n;
}

/* One entry as the kernel prints it (entry_status()). Returns 0 or -errno. */
static int parse(const char *text, struct misc_entry *e)
{
	char *line = strdup(text), *save = NULL;
	int r = 0, mask = 0;

	if (!line)
		return -ENOMEM;
	for (char *l = strtok_r(line, "\n", &save); l && !r; l = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(l, "disabled"))
			r = -ENOENT;
		else if (!strncmp(l, "interpreter ", 12))
			snprintf(e->interpreter, sizeof(e->interpreter), "%s", l + 12);
		else if (!strncmp(l, "flags: ", 7))
			e->preserve_argv0 = strchr(l + 7, 'P') != NULL;
		else if (!strncmp(l, "extension .", 11))
			snprintf(e->ext, sizeof(e->ext), "%s", l + 11);
		else if (!strncmp(l, "offset ", 7))
			e->offset = atoi(l + 7);
		else if (!strncmp(l, "magic ", 6) && (e->size = hex(l + 6, e->magic, 128)) > 0)
			e->is_magic = true;
		else if (!strncmp(l, "mask ", 5))
			mask = hex(l + 5, e->mask, 128);
	}
	free(line);
	if (!r && mask > 0 && mask != e->size)
		r = -EINVAL;
	e->has_mask = mask > 0;
	if (!r && (!e->interpreter[0] || e->offset < 0 || e->offset + e->size > 256))
		r = -EINVAL;
	return r;
}

static int newest_first(const void *a, const void *b)
{
	const struct misc_entry *x = a, *y = b;

	return x->ino < y->ino ? 1 : x->ino > y->ino ? -1 : 0;
}

static int read_entry(int dir, const char *name, char *buf, size_t len, unsigned long *ino)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n >= 0 && fstat(fd, &st) == 0)
		*ino = st.st_ino;
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = 0;
	return 0;
}

int hold_misc_load(struct hold *h, const char *dir)
{
	char buf[4096];
	int dfd = open(dir ? dir : MISC_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	unsigned long ino = 0;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0; /* not mounted here: no entries this process can know */
	}
	if (read_entry(dfd, "status", buf, sizeof(buf), &ino) || strncmp(buf, "enabled", 7)) {
		closedir(d);
		return 0;
	}
	while ((de = readdir(d))) {
		struct misc_entry e = { 0 }, *more;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "status") ||
		    !strcmp(de->d_name, "register"))
			continue;
		if (read_entry(dfd, de->d_name, buf, sizeof(buf), &e.ino) || parse(buf, &e))
			continue; /* disabled, or gone meanwhile */
		more = realloc(h->misc, (h->nmisc + 1) * sizeof(*more));
		if (!more)
			break;
		h->misc = more;
		h->misc[h->nmisc++] = e;
	}
	closedir(d);
	if (h->nmisc)
		qsort(h->misc, h->nmisc, sizeof(*h->misc), newest_first);
	return 0;
}

const struct misc_entry *hold_misc_match(const struct hold *h, const unsigned char *buf,
					 const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; i < h->nmisc; i++) {
		const struct misc_entry *e = &h->misc[i];
		int j;

		if (!e->is_magic) {
			if (dot && !strcmp(e->ext, dot + 1))
				return e;
			continue;
		}
		for (j = 0; j < e->size; j++)
			if ((buf[e->offset + j] ^ e->magic[j]) & (e->has_mask ? e->mask[j] : 0xff))
				break;
		if (j == e->size)
			return e;
	}
	return NULL;
}

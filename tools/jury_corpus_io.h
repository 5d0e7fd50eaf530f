/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the jury corpus (label<TAB>technique<TAB>template<TAB>command)
 * for the trainer and the evaluator.
 */
#ifndef SEVORIX_TOOLS_JURY_CORPUS_IO_H
#define SEVORIX_TOOLS_JURY_CORPUS_IO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct corpus_row {
	int malicious;
	char *technique, *template_id, *command;
};

struct corpus {
	struct corpus_row *rows;
	size_t n;
};

static inline void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->rows[i].technique);
		free(c->rows[i].template_id);
		free(c->rows[i].command);
	}
	free(c->rows);
}

/* Returns 0, or -1 with errno set; a malformed line is skipped with a warning. */
static inline int corpus_read(const char *path, struct corpus *c)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	ssize_t len;
	int lineno = 0;

	c->rows = NULL;
	c->n = 0;
	if (!f)
		return -1;
	while ((len = getline(&line, &cap, f)) > 0) {
		char *fields[4], *save = NULL, *p = line;
		int k;

		lineno++;
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		for (k = 0; k < 4; k++) {
			fields[k] = strtok_r(k ? NULL : p, k < 3 ? "\t" : "", &save);
			if (!fields[k])
				break;
		}
		if (k < 4) {
			fprintf(stderr, "%s:%d: malformed line skipped\n", path, lineno);
			continue;
		}
		if (c->n == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			c->rows = realloc(c->rows, alloc * sizeof(*c->rows));
			if (!c->rows)
				abort();
		}
		c->rows[c->n].malicious = strcmp(fields[0], "malicious") == 0;
		c->rows[c->n].technique = strdup(fields[1]);
		c->rows[c->n].template_id = strdup(fields[2]);
		c->rows[c->n].command = strdup(fields[3]);
		c->n++;
	}
	free(line);
	fclose(f);
	return 0;
}

#endif

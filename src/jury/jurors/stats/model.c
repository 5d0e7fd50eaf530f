/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Model files and shared helpers of the statistical jurors (see model.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jury/jurors/stats/features.h"
#include "jury/jurors/builtin.h"
#include "jury/jurors/stats/model.h"

const char *jurors_data_dir(const struct juror_config *cfg, const char *file, char *buf,
			    size_t len)
{
	const char *dir = cfg ? cfg->data_dir : NULL;

	if (!dir || !*dir)
		dir = getenv("SEVORIX_JURY_DATA");
	if (!dir || !*dir) {
		snprintf(buf, len, "%s/%s", JURORS_BUILD_DATA_DIR, file);
		dir = access(buf, R_OK) == 0 ? JURORS_BUILD_DATA_DIR : JURORS_INSTALLED_DATA_DIR;
	}
	snprintf(buf, len, "%s/%s", dir, file);
	return buf;
}

static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n > 0) {
		ssize_t k = read(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : -EIO;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int jurors_model_load(const char *path, const char *kind, struct jurors_model *m, char *err,
		      size_t errlen)
{
	struct stat st;
	int fd, rc;

	memset(m, 0, sizeof(*m));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if ((size_t)st.st_size < sizeof(m->h))
		rc = -EINVAL; /* too short to be a model */
	else
		rc = read_all(fd, &m->h, sizeof(m->h));
	if (rc == 0 && (memcmp(m->h.magic, JURORS_MODEL_MAGIC, 8) != 0 ||
			strncmp(m->h.kind, kind, sizeof(m->h.kind)) != 0 || m->h.dim != FEAT_DIM ||
			(size_t)st.st_size != sizeof(m->h) + (size_t)m->h.dim * sizeof(float) ||
			!isfinite(m->h.bias) || !isfinite(m->h.scale) ||
			!(m->h.threshold > 0 && m->h.threshold < 1) ||
			(m->h.norm != 0 && m->h.norm != 1)))
		rc = -EINVAL;
	if (rc == 0) {
		m->w = malloc((size_t)m->h.dim * sizeof(float));
		rc = m->w ? read_all(fd, m->w, (size_t)m->h.dim * sizeof(float)) : -ENOMEM;
	}
	for (uint32_t i = 0; rc == 0 && i < m->h.dim; i++)
		if (!isfinite(m->w[i]))
			rc = -EINVAL;
	close(fd);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", path,
			 rc == -EINVAL ? "not a sevorix jury model of this kind and size" :
					 strerror(-rc));
		jurors_model_free(m);
	}
	return rc;
}

int jurors_model_save(const char *path, const struct jurors_model *m)
{
	char tmp[4096];
	FILE *f;
	int rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
		return -errno;
	if (fwrite(&m->h, sizeof(m->h), 1, f) != 1 ||
	    fwrite(m->w, sizeof(float), m->h.dim, f) != m->h.dim)
		rc = -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

void jurors_model_free(struct jurors_model *m)
{
	if (!m)
		return;
	free(m->w);
	m->w = NULL;
}

double jurors_model_score(const struct jurors_model *m, const uint32_t *f, int n)
{
	double s = 0;

	for (int i = 0; i < n; i++)
		s += m->w[f[i] & (m->h.dim - 1)];
	if (m->h.norm == 1 && n > 0)
		s /= sqrt(n);
	return m->h.bias + s;
}

double jurors_model_prob(const struct jurors_model *m, const uint32_t *f, int n)
{
	return 1.0 / (1.0 + exp(-m->h.scale * jurors_model_score(m, f, n)));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int jurors_dedup(uint32_t *f, int n)
{
	int k = 0;

	qsort(f, (size_t)n, sizeof(*f), cmp_u32);
	for (int i = 0; i < n; i++)
		if (k == 0 || f[k - 1] != f[i])
			f[k++] = f[i];
	return k;
}

/* ---- the juror shared by ngram and logreg ------------------------------- */

struct juror {
	struct jurors_model m;
	const struct jurors_model_kind *k;
};

int jurors_model_open(const struct jurors_model_kind *k, const struct juror_config *cfg,
		      struct juror **ret, char *errbuf, size_t errlen)
{
	char path[4096], file[64];
	struct juror *j = calloc(1, sizeof(*j));
	int rc;

	*ret = NULL;
	if (!j)
		return -ENOMEM;
	snprintf(file, sizeof(file), "%s.model", k->kind);
	rc = jurors_model_load(jurors_data_dir(cfg, file, path, sizeof(path)), k->kind, &j->m,
			       errbuf, errlen);
	if (rc < 0) {
		free(j);
		return rc;
	}
	j->k = k;
	*ret = j;
	return 0;
}

int jurors_model_vote(struct juror *j, const struct review *r, struct vote *out)
{
	const struct jurors_model_kind *k;
	struct shlex_result *res;
	uint32_t *f;
	double p;
	int n, rc;

	if (!j || !r || !out)
		return -EINVAL;
	k = j->k;
	if (r->kind != REVIEW_EXEC) {
		vote_set(out, VOTE_ABSTAIN, 0.0, "%s: judges exec requests only", k->kind);
		return 0;
	}
	rc = juror_parse_exec(r, &res);
	if (rc == -EINVAL) {
		/* an exec without a command cannot be judged: deny (fail closed) */
		vote_set(out, VOTE_DENY, 0.6, "%s: exec request without a command", k->kind);
		return 0;
	}
	if (rc < 0)
		return rc;
	f = malloc(sizeof(*f) * FEAT_MAX);
	if (!f) {
		free(res);
		return -ENOMEM;
	}
	n = k->features(res, f, FEAT_MAX);
	p = jurors_model_prob(&j->m, f, n);
	/* capped (model.h): one model alone never outvotes the rulebook */
	p = p < 1 - JURORS_MODEL_CAP ? 1 - JURORS_MODEL_CAP : p;
	p = p > JURORS_MODEL_CAP ? JURORS_MODEL_CAP : p;
	if (p >= j->m.h.threshold)
		vote_set(out, VOTE_DENY, p, "%s: p(malicious)=%.2f >= %.2f over %d %s", k->kind, p,
			 j->m.h.threshold, n, k->what);
	else
		vote_set(out, VOTE_ALLOW, 1.0 - p, "%s: p(malicious)=%.2f < %.2f over %d %s",
			 k->kind, p, j->m.h.threshold, n, k->what);
	free(f);
	free(res);
	return 0;
}

void jurors_model_close(struct juror *j)
{
	if (!j)
		return;
	jurors_model_free(&j->m);
	free(j);
}

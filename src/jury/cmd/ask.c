/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix jury ask` (ask.h). In-process, each line is parsed and
 * judged exactly as the server would; over the socket, each line is the
 * body of one POST /v1/review on a single keep-alive connection (one
 * libcurl handle reused), and the answer body is printed as it came.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jury/cmd/ask.h"
#include "jury/models/curl_dl.h"
#include "jury/server/request.h"

/* Strips the line end; returns the length left. */
static size_t chomp(char *line, size_t n)
{
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return n;
}

static void print_error(FILE *out, const char *msg)
{
	char *e = jury_error_json(msg);

	fprintf(out, "%s\n", e ? e : "{\"error\":\"out of memory\"}");
	free(e);
}

static void ask_one_local(struct jury *j, const char *line, size_t n, FILE *out)
{
	struct jury_answer *ans = malloc(sizeof(*ans));
	struct review_req rr;
	char err[256], *json = NULL;
	size_t len;

	if (!ans) {
		print_error(out, "out of memory");
		return;
	}
	if (n > JURY_MAX_BODY)
		print_error(out, "request larger than 64 KiB");
	else if (review_req_parse(line, n, &rr, err, sizeof(err)))
		print_error(out, err);
	else {
		if (jury_review(j, &rr.r, line, n, ans) || jury_answer_json(ans, &json, &len))
			print_error(out, "the review could not be completed");
		else
			fprintf(out, "%s\n", json);
		review_req_free(&rr);
	}
	free(json);
	free(ans);
}

int jury_ask_local(struct jury *j, FILE *in, FILE *out)
{
	char *line = NULL;
	size_t cap = 0, n;
	ssize_t r;

	while ((r = getline(&line, &cap, in)) >= 0) {
		n = chomp(line, (size_t)r);
		if (!n)
			continue;
		ask_one_local(j, line, n, out);
		fflush(out);
	}
	free(line);
	return ferror(in) || ferror(out) ? -EIO : 0;
}

struct ask_sink {
	char *buf;
	size_t len;
};

static size_t ask_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct ask_sink *s = arg;
	size_t n = size * nmemb;
	char *nb = realloc(s->buf, s->len + n + 1);

	if (!nb)
		return 0;
	memcpy(nb + s->len, data, n);
	s->buf = nb;
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

static int ask_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT: return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT: return -ETIMEDOUT;
	case CURLE_OUT_OF_MEMORY: return -ENOMEM;
	default: return -EIO;
	}
}

int jury_ask_socket(const char *path, FILE *in, FILE *out)
{
	const struct curl_dl *c = curl_dl();
	struct curl_slist *hdrs;
	struct ask_sink s = { 0 };
	char *line = NULL;
	size_t cap = 0, n;
	CURL *h = NULL;
	CURLcode rc = CURLE_OK;
	ssize_t r;

	if (!c)
		return -ELIBACC; /* no libcurl: nothing is asked, nothing is printed */
	hdrs = c->slist_append(NULL, "Content-Type: application/json");
	h = c->easy_init();
	if (!h || !hdrs)
		goto out;
	c->easy_setopt(h, CURLOPT_URL, "http://localhost/v1/review");
	c->easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, path);
	c->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	c->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	c->easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
	c->easy_setopt(h, CURLOPT_WRITEFUNCTION, ask_write);
	c->easy_setopt(h, CURLOPT_WRITEDATA, &s);
	while ((r = getline(&line, &cap, in)) >= 0) {
		n = chomp(line, (size_t)r);
		if (!n)
			continue;
		s.len = 0;
		c->easy_setopt(h, CURLOPT_POSTFIELDS, line);
		c->easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)n);
		rc = c->easy_perform(h);
		if (rc != CURLE_OK)
			break;
		fprintf(out, "%s\n", s.buf ? s.buf : "");
		fflush(out);
	}
out:
	free(line);
	free(s.buf);
	c->slist_free_all(hdrs);
	c->easy_cleanup(h);
	if (!h || !hdrs)
		return -ENOMEM;
	if (rc != CURLE_OK)
		return ask_errno(rc);
	return ferror(in) || ferror(out) ? -EIO : 0;
}

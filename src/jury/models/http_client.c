/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libcurl POST (and GET) helper (http_client.h), libcurl opened on first
 * use (curl_dl.h). One easy handle per request: adapters
 * and the cloud judge are called from several threads at once, and a
 * handle per call needs no lock; the connection set-up this costs is small
 * next to a model's answer time. Signals are off (CURLOPT_NOSIGNAL) because
 * the jury is multi-threaded.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jury/models/curl_dl.h"
#include "jury/models/http_client.h"

struct sink {
	char *buf;
	size_t len;
	bool overflow;
};

void http_client_init(void)
{
	curl_dl();
}

static size_t sink_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	char *nb;

	if (s->len + n > HTTP_CLIENT_MAX_RESPONSE) {
		s->overflow = true;
		return 0;
	}
	nb = realloc(s->buf, s->len + n + 1);
	if (!nb)
		return 0;
	s->buf = nb;
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

/* Splits an endpoint into the URL to request and the UNIX socket, if any. */
static int endpoint_url(const char *endpoint, const char *path, char *url, size_t urllen,
			char *sock, size_t socklen)
{
	size_t n;

	sock[0] = '\0';
	if (!strncmp(endpoint, "unix://", 7)) {
		if (endpoint[7] != '/' || strlen(endpoint + 7) >= socklen)
			return -EINVAL;
		snprintf(sock, socklen, "%s", endpoint + 7);
		n = (size_t)snprintf(url, urllen, "http://localhost%s", path);
	} else if (!strncmp(endpoint, "http://", 7) || !strncmp(endpoint, "https://", 8)) {
		n = strlen(endpoint);
		while (n && endpoint[n - 1] == '/')
			n--;
		n = (size_t)snprintf(url, urllen, "%.*s%s", (int)n, endpoint, path);
	} else {
		return -EINVAL;
	}
	return n < urllen ? 0 : -EINVAL;
}

static int curl_errno(CURLcode rc, const struct sink *s)
{
	switch (rc) {
	case CURLE_OK: return 0;
	case CURLE_OPERATION_TIMEDOUT: return -ETIMEDOUT;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST: return -ECONNREFUSED;
	case CURLE_WRITE_ERROR: return s->overflow ? -EMSGSIZE : -ENOMEM;
	default: return -EIO;
	}
}

int http_client_post(const char *endpoint, const char *path, const char *body, size_t len,
		     int timeout_ms, char **resp, long *status)
{
	const struct curl_dl *c = curl_dl();
	char url[1024], sock[256];
	struct curl_slist *hdrs = NULL;
	struct sink s = { 0 };
	CURL *h;
	int ret;

	*resp = NULL;
	*status = 0;
	ret = endpoint_url(endpoint, path, url, sizeof(url), sock, sizeof(sock));
	if (ret)
		return ret;
	if (!c)
		return -ELIBACC; /* no libcurl: no answer, as from a server that is down */
	h = c->easy_init();
	hdrs = c->slist_append(NULL, "Content-Type: application/json");
	if (!h || !hdrs) {
		ret = -ENOMEM;
		goto out;
	}
	c->easy_setopt(h, CURLOPT_URL, url);
	if (sock[0])
		c->easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, sock);
	c->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	c->easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 1));
	c->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (body) {
		c->easy_setopt(h, CURLOPT_POSTFIELDS, body);
		c->easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	c->easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
	c->easy_setopt(h, CURLOPT_WRITEDATA, &s);
	c->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	ret = curl_errno(c->easy_perform(h), &s);
	if (!ret) {
		c->easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
		*resp = s.buf ? s.buf : strdup("");
		s.buf = NULL;
		if (!*resp)
			ret = -ENOMEM;
	}
out:
	free(s.buf);
	c->slist_free_all(hdrs);
	c->easy_cleanup(h);
	return ret;
}

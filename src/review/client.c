/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The review API's client side (review/client.h): send a request body
 * (review_encode()) over the jury's UNIX socket, read and check the
 * answer. One connection per review ("Connection: close"): a UNIX connect
 * costs microseconds, and a connection that is never reused cannot carry a
 * stale answer into the next review. The socket is non-blocking and every
 * wait is a poll() against the one deadline of the review.
 */
#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "review/client.h"
#include "util/iov.h"

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until the deadline. Returns 0 or -ETIMEDOUT/-errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t left;
	int r;

	for (;;) {
		left = deadline - mono_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int dial(const char *path, int64_t deadline, int *ret_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A full backlog (EAGAIN) is no answer: the caller denies. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS) {
		int err = -errno;

		close(fd);
		return err;
	}
	*ret_fd = fd;
	return deadline > mono_ms() ? 0 : -ETIMEDOUT;
}

static int send_request(int fd, const char *method, const char *target, const char *body,
			size_t len, int64_t deadline)
{
	char head[512];
	struct iovec iov[2];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t w;
	int n, ret;

	n = snprintf(head, sizeof(head),
		     "%s %s HTTP/1.1\r\nHost: jury\r\nContent-Type: application/json\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		     method, target, len);
	if (n < 0 || (size_t)n >= sizeof(head))
		return -ENAMETOOLONG;
	iov[0] = (struct iovec){ head, (size_t)n };
	iov[1] = (struct iovec){ (void *)body, len };
	while (mh.msg_iovlen) {
		w = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((ret = wait_fd(fd, POLLOUT, deadline)))
				return ret;
			continue;
		}
		if (w < 0)
			return -errno;
		iov_advance(&mh, (size_t)w);
	}
	return 0;
}

/* Content-Length of a complete header block, or -1. */
static long header_length(const char *head, size_t n)
{
	const char *p = head, *end = head + n, *eol;
	char *stop;
	long v;

	while (p < end && (eol = memmem(p, (size_t)(end - p), "\r\n", 2))) {
		if ((size_t)(eol - p) > 15 && !strncasecmp(p, "Content-Length:", 15)) {
			v = strtol(p + 15, &stop, 10);
			return stop > p + 15 && v >= 0 ? v : -1;
		}
		p = eol + 2;
	}
	return -1;
}

/* Reads one response into *buf; sets the body, its length and the status. */
static int read_response(int fd, int64_t deadline, char **buf, const char **body, size_t *blen,
			 int *status)
{
	size_t cap = 8192, len = 0;
	char *hend = NULL;
	long clen = -1;
	ssize_t r;
	int ret;

	if (!(*buf = malloc(cap + 1)))
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			char *nb;

			if (cap >= REVIEW_MAX_ANSWER + 8192)
				return -EMSGSIZE;
			cap *= 2;
			if (!(nb = realloc(*buf, cap + 1)))
				return -ENOMEM;
			*buf = nb;
		}
		r = recv(fd, *buf + len, cap - len, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((ret = wait_fd(fd, POLLIN, deadline)))
				return ret;
			continue;
		}
		if (r <= 0)
			return r < 0 ? -errno : -EBADMSG;
		len += (size_t)r;
		(*buf)[len] = '\0';
		if (!hend && (hend = strstr(*buf, "\r\n\r\n"))) {
			clen = header_length(*buf, (size_t)(hend + 2 - *buf));
			if (clen < 0 || clen > REVIEW_MAX_ANSWER ||
			    sscanf(*buf, "HTTP/1.%*1[01] %3d ", status) != 1)
				return clen > REVIEW_MAX_ANSWER ? -EMSGSIZE : -EBADMSG;
		}
		if (hend && len >= (size_t)(hend + 4 - *buf) + (size_t)clen)
			break;
	}
	*body = hend + 4;
	*blen = (size_t)clen;
	return 0;
}

/* Takes verdict, reason and judge out of an answer body. */
static int parse_answer(const char *body, size_t len, struct review_answer *ans)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = NULL, *f;
	const char *v;
	int ret = -EBADMSG;

	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, body, (int)len);
	if (!o || json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "verdict", &f) ||
	    !json_object_is_type(f, json_type_string))
		goto out;
	v = json_object_get_string(f);
	if (strcmp(v, "allow") && strcmp(v, "deny"))
		goto out;
	ans->verdict = strcmp(v, "allow") ? VOTE_DENY : VOTE_ALLOW;
	if (json_object_object_get_ex(o, "reason", &f) && json_object_is_type(f, json_type_string))
		snprintf(ans->reason, sizeof(ans->reason), "%s", json_object_get_string(f));
	if (json_object_object_get_ex(o, "judge", &f) && json_object_is_type(f, json_type_string))
		snprintf(ans->judge, sizeof(ans->judge), "%s", json_object_get_string(f));
	ret = 0;
out:
	json_object_put(o);
	json_tokener_free(tok);
	return ret;
}

int review_submit(const char *path, const char *body, size_t len, int timeout_ms,
		  struct review_answer *ans)
{
	int64_t deadline = mono_ms() + timeout_ms;
	const char *rbody = NULL;
	char *buf = NULL;
	size_t rlen = 0;
	int fd = -1, ret;

	memset(ans, 0, sizeof(*ans));
	ans->verdict = VOTE_DENY;
	ret = dial(path, deadline, &fd);
	if (!ret)
		ret = send_request(fd, "POST", "/v1/review", body, len, deadline);
	if (!ret)
		ret = read_response(fd, deadline, &buf, &rbody, &rlen, &ans->status);
	if (!ret && !(ans->json = strndup(rbody, rlen)))
		ret = -ENOMEM;
	if (!ret && ans->status != 200)
		ret = -EPROTO;
	if (!ret)
		ret = parse_answer(rbody, rlen, ans);
	/* Whatever went wrong, the verdict stays deny (fail closed). */
	if (ret)
		ans->verdict = VOTE_DENY;
	free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}

int review_call(const char *path, const char *method, const char *target, const char *body,
		int timeout_ms, int *status, char **resp)
{
	int64_t deadline = mono_ms() + timeout_ms;
	const char *rbody = NULL;
	char *buf = NULL;
	size_t rlen = 0;
	int fd = -1, ret;

	*resp = NULL;
	*status = 0;
	ret = dial(path, deadline, &fd);
	if (!ret)
		ret = send_request(fd, method, target, body ? body : "", body ? strlen(body) : 0,
				   deadline);
	if (!ret)
		ret = read_response(fd, deadline, &buf, &rbody, &rlen, status);
	if (!ret && !(*resp = strndup(rbody, rlen)))
		ret = -ENOMEM;
	free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}

void review_answer_free(struct review_answer *ans)
{
	if (!ans)
		return;
	free(ans->json);
	ans->json = NULL;
}

int review_health(const char *path, int timeout_ms)
{
	static const char req[] = "GET /v1/health HTTP/1.1\r\nHost: jury\r\nConnection: close\r\n\r\n";
	int64_t deadline = mono_ms() + timeout_ms;
	const char *body;
	char *buf = NULL;
	size_t blen;
	int fd = -1, status = 0, ret = dial(path, deadline, &fd);

	if (!ret && wait_fd(fd, POLLOUT, deadline) == 0 &&
	    send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)sizeof(req) - 1)
		ret = -errno;
	if (!ret)
		ret = read_response(fd, deadline, &buf, &body, &blen, &status);
	if (!ret && status != 200)
		ret = -EPROTO;
	free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}

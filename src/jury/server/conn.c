/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One client connection of `sevorix jury serve`: read, parse, answer,
 * repeat (HTTP/1.1 keep-alive, pipelining allowed).
 *
 * A connection owns a buffer large enough for one maximal request (header
 * block, body, and the empty lines tolerated before it), so a request is
 * always parsed from one contiguous piece of memory. A request must arrive
 * in full within client_timeout_ms of its first byte, and a connection idle
 * that long is closed (with 408 when a request was under way), so a stalled
 * or trickling client ties up one thread for a bounded time only. A request
 * the parser refuses is answered and the connection closed, since its end
 * can no longer be found; a request whose body is well framed but not a
 * valid review is answered with 400 and the connection stays open.
 */
#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "jury/human.h"
#include "jury/server/conn.h"
#include "jury/server/request.h"
#include "util/http.h"
#include "util/log.h"
#include "util/iov.h"

#define CONN_BUF (64 + HTTP_MAX_HEADER + JURY_MAX_BODY)

/* Writes all of iov or fails. */
static int send_all(int fd, struct iovec *iov, int n)
{
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)n };
	ssize_t w;

	while (mh.msg_iovlen) {
		w = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -EIO;
		iov_advance(&mh, (size_t)w);
	}
	return 0;
}

int jury_conn_respond(int fd, int status, const char *ctype, const char *body, size_t len,
		      bool keep_alive)
{
	char head[256];
	struct iovec iov[2];
	int n;

	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		     "Connection: %s\r\n\r\n",
		     status, http_reason(status), ctype, len, keep_alive ? "keep-alive" : "close");
	iov[0] = (struct iovec){ head, (size_t)n };
	iov[1] = (struct iovec){ (void *)body, len };
	return send_all(fd, iov, len ? 2 : 1);
}

/* An error answer: {"error": msg}. */
int jury_conn_error(struct jury *j, int fd, int status, const char *msg, bool keep_alive)
{
	char *body = jury_error_json(msg);
	int ret;

	jury_metrics_refused(j, status);
	if (!body)
		return -ENOMEM;
	ret = jury_conn_respond(fd, status, "application/json", body, strlen(body), keep_alive);
	free(body);
	return ret;
}

static int do_review(struct jury *j, int fd, const struct http_request *req)
{
	struct jury_answer *ans = NULL;
	struct review_req rr;
	char err[256], *out = NULL;
	size_t outlen;
	int ret;

	ret = review_req_parse(req->body, req->body_len, &rr, err, sizeof(err));
	if (ret == -ENOMEM)
		return jury_conn_error(j, fd, 500, "out of memory", false);
	if (ret)
		return jury_conn_error(j, fd, 400, err, req->keep_alive);
	ans = malloc(sizeof(*ans));
	ret = -ENOMEM;
	if (ans && !jury_review(j, &rr.r, req->body, req->body_len, ans))
		ret = jury_answer_json(ans, &out, &outlen);
	/* No answer, no verdict: a client denies on any status but 200 (fail
	 * closed, docs/review-api.md). */
	if (ret)
		ret = jury_conn_error(j, fd, 500, "the review could not be completed", false);
	else
		ret = jury_conn_respond(fd, 200, "application/json", out, outlen, req->keep_alive);
	free(out);
	free(ans);
	review_req_free(&rr);
	return ret;
}

static int do_health(struct jury *j, int fd, bool keep_alive)
{
	const struct jury_config *cfg = jury_config_of(j);
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	const char *body;
	char mode[48];
	size_t i, down = 0, len;
	int ret = -ENOMEM;

	if (!o || !arr) {
		json_object_put(arr);
		goto out;
	}
	json_object_object_add(o, "jurors", arr);
	for (i = 0; i < cfg->njurors; i++) {
		json_object *e = json_object_new_object();
		const char *why = jury_open_error(j, i);

		if (!e || json_object_array_add(arr, e))
			goto out;
		down += why != NULL;
		json_object_object_add(e, "name", json_object_new_string(cfg->jurors[i].name));
		json_object_object_add(e, "kind", json_object_new_string(cfg->jurors[i].kind));
		json_object_object_add(e, "available", json_object_new_boolean(!why));
		if (why)
			json_object_object_add(e, "error", json_object_new_string(why));
	}
	/* "degraded" when a juror is unavailable: it votes error, so the jury
	 * denies what that juror would have had to judge (fail closed). */
	json_object_object_add(o, "status", json_object_new_string(down ? "degraded" : "ok"));
	json_object_object_add(o, "consensus",
			       json_object_new_string(jury_mode_name(cfg, mode, sizeof(mode))));
	if (jury_cloud_state(j))
		json_object_object_add(o, "cloud_breaker",
				       json_object_new_string(jury_cloud_state(j)));
	body = json_object_to_json_string_length(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	ret = jury_conn_respond(fd, 200, "application/json", body, len, keep_alive);
out:
	json_object_put(o);
	return ret;
}

static int do_metrics(struct jury *j, int fd, bool keep_alive)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	int ret;

	if (!f)
		return -ENOMEM;
	jury_metrics_render(j, f);
	if (fclose(f)) {
		free(body);
		return -ENOMEM;
	}
	ret = jury_conn_respond(fd, 200, "text/plain; version=0.0.4", body, len, keep_alive);
	free(body);
	return ret;
}

/* GET /v1/pending[?run=ID]: the reviews waiting for a person. */
static int do_pending(struct jury *j, int fd, const struct http_request *req)
{
	const char *q = memchr(req->target, '?', req->target_len);
	char run[257] = "", *out = NULL;
	size_t len = 0;
	int ret;

	if (q && req->target + req->target_len - q > 5 && !strncmp(q, "?run=", 5))
		snprintf(run, sizeof(run), "%.*s", (int)(req->target + req->target_len - q - 5),
			 q + 5);
	ret = jury_pending(j, run[0] ? run : NULL, &out, &len);
	if (ret)
		return jury_conn_error(j, fd, 500, "out of memory", false);
	ret = jury_conn_respond(fd, 200, "application/json", out, len, req->keep_alive);
	free(out);
	return ret;
}

/* Text without control characters (it goes to the log), or NULL. */
static const char *plain_text(json_object *f)
{
	const char *s = json_object_get_string(f);

	for (const unsigned char *c = (const unsigned char *)s; c && *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return NULL;
	return s;
}

/* The answer of POST /v1/pending/ID, from its JSON body. Returns 0 or -EINVAL. */
static int answer_of(const struct http_request *req, json_object **root, struct human_answer *a)
{
	json_object *f;
	const char *v;

	json_tokener *tok = json_tokener_new();

	*root = tok ? json_tokener_parse_ex(tok, req->body, (int)req->body_len) : NULL;
	json_tokener_free(tok);
	if (!*root || !json_object_is_type(*root, json_type_object) ||
	    !json_object_object_get_ex(*root, "verdict", &f) ||
	    !json_object_is_type(f, json_type_string))
		return -EINVAL;
	v = json_object_get_string(f);
	if (strcmp(v, "allow") && strcmp(v, "deny"))
		return -EINVAL;
	a->allow = !strcmp(v, "allow");
	if (json_object_object_get_ex(*root, "always", &f))
		a->always = json_object_get_boolean(f);
	if (json_object_object_get_ex(*root, "pattern", &f) &&
	    (!json_object_is_type(f, json_type_string) || json_object_get_string_len(f) >= 4096 ||
	     !(a->pattern = plain_text(f))))
		return -EINVAL;
	if (json_object_object_get_ex(*root, "by", &f) &&
	    (!json_object_is_type(f, json_type_string) || !(a->by = plain_text(f))))
		return -EINVAL;
	return 0;
}

/*
 * POST /v1/pending/ID {"verdict": ..., "always": ..., "pattern": ..., "by": ...}:
 * a person's answer. The peer's uid comes from the socket (SO_PEERCRED);
 * over TCP it is unknown, and an approval from an unknown peer or from
 * the agent's own uid is refused (human.h).
 */
static int do_answer(struct jury *j, int fd, const struct http_request *req)
{
	static const char *const why[] = { [ENOENT] = "no such review is waiting for a person",
					   [EPERM] = "an approval from the agent's own user (or an "
						     "unknown peer) is refused",
					   [EALREADY] = "this review was answered already" };
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	struct human_answer a = { 0 };
	json_object *root = NULL;
	char id[32], body[96];
	bool peer = !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) && cred.pid > 0;
	int ret, status;

	snprintf(id, sizeof(id), "%.*s", (int)(req->target_len - 12), req->target + 12);
	if (answer_of(req, &root, &a)) {
		json_object_put(root);
		return jury_conn_error(j, fd, 400,
				       "the body must be {\"verdict\": \"allow\"|\"deny\", "
				       "\"always\": bool, \"pattern\": text, \"by\": text}",
				       req->keep_alive);
	}
	ret = jury_pending_answer(j, id, &a, peer, peer ? cred.uid : (uid_t)-1);
	status = ret == 0 ? 200 : ret == -ENOENT ? 404 : ret == -EPERM ? 403 : ret == -EALREADY ?
									     409 : 500;
	if (status != 200) {
		json_object_put(root);
		return jury_conn_error(j, fd, status, status == 500 ? "out of memory" : why[-ret],
				       req->keep_alive);
	}
	/* a person's answer is for the operator to see, a standing approval above all */
	log_notice("review %s: %s%s%s%s by %s (uid %ld)", id, a.allow ? "allowed" : "denied",
		   a.allow && a.always ? " for the rest of its run" : "",
		   a.allow && a.always && a.pattern ? ", argv like " : "",
		   a.allow && a.always && a.pattern ? a.pattern : "", a.by ? a.by : "a person",
		   peer ? (long)cred.uid : -1L);
	json_object_put(root);
	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"verdict\":\"%s\",\"always\":%s}", id,
		 a.allow ? "allow" : "deny", a.always ? "true" : "false");
	return jury_conn_respond(fd, 200, "application/json", body, strlen(body),
				 req->keep_alive);
}

static int route(struct jury *j, int fd, const struct http_request *req)
{
	bool post = http_is(req->method, req->method_len, "POST");
	bool get = http_is(req->method, req->method_len, "GET");

	if (http_is(req->target, req->target_len, "/v1/review"))
		return post ? do_review(j, fd, req)
			    : jury_conn_error(j, fd, 405, "use POST", req->keep_alive);
	if (http_is(req->target, req->target_len, "/v1/health"))
		return get ? do_health(j, fd, req->keep_alive)
			   : jury_conn_error(j, fd, 405, "use GET", req->keep_alive);
	if (http_is(req->target, req->target_len, "/metrics"))
		return get ? do_metrics(j, fd, req->keep_alive)
			   : jury_conn_error(j, fd, 405, "use GET", req->keep_alive);
	if (req->target_len > 12 && !strncmp(req->target, "/v1/pending/", 12))
		return post ? do_answer(j, fd, req)
			    : jury_conn_error(j, fd, 405, "use POST", req->keep_alive);
	if (http_is(req->target, req->target_len, "/v1/pending") ||
	    (req->target_len > 12 && !strncmp(req->target, "/v1/pending?", 12)))
		return get ? do_pending(j, fd, req)
			   : jury_conn_error(j, fd, 405, "use GET", req->keep_alive);
	return jury_conn_error(j, fd, 404, "no such endpoint", req->keep_alive);
}

/* Waits for bytes. Returns >0 read, 0 on EOF, -ETIMEDOUT or -errno. */
static ssize_t conn_read(int fd, char *buf, size_t cap, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return -ETIMEDOUT;
	if (r < 0)
		return -errno;
	do
		n = recv(fd, buf, cap, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The timeout is a budget per request, not per read: it starts with the
 * request's first byte, so a client that trickles one byte at a time
 * (slowloris) is cut off as surely as one that sends nothing.
 */
void jury_conn_serve(struct jury *j, int fd, int timeout_ms)
{
	struct http_request req;
	bool continued = false;
	int64_t started = mono_ms();
	size_t len = 0;
	char *buf = malloc(CONN_BUF);
	ssize_t n;
	int ret, left;

	while (buf) {
		ret = http_parse_request(buf, len, JURY_MAX_BODY, &req);
		if (ret == 0) {
			if (route(j, fd, &req) || !req.keep_alive)
				break;
			memmove(buf, buf + req.total, len - req.total);
			len -= req.total;
			continued = false;
			started = mono_ms();
			continue;
		}
		if (ret != -EAGAIN) {
			jury_conn_error(j, fd, http_error_status(ret),
					ret == -EMSGSIZE ? "request body larger than 64 KiB"
							 : "malformed HTTP request",
					false);
			break;
		}
		if (req.header_len && req.expect_continue && !continued) {
			continued = true;
			if (send(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25, MSG_NOSIGNAL) < 0)
				break;
		}
		left = (int)(started + timeout_ms - mono_ms());
		n = left > 0 ? conn_read(fd, buf + len, CONN_BUF - len, left) : -ETIMEDOUT;
		if (n == -ETIMEDOUT && len)
			jury_conn_error(j, fd, 408, "request not completed in time", false);
		if (n <= 0)
			break;
		if (!len)
			started = mono_ms();
		len += (size_t)n;
	}
	free(buf);
}

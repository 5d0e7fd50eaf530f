/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HTTP/1.1 request parsing (util/http.h).
 *
 * The request line and headers are parsed only once the blank line that
 * ends them is in the buffer, so every step below works on a complete,
 * bounded header block; the body is then just a length check. Header
 * names are compared case-insensitively; only Content-Length, Connection,
 * Transfer-Encoding and Expect matter. Two different Content-Length values
 * are refused (request smuggling), as are bare CRs or NUL bytes in the
 * header block and obsolete line folding.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "util/http.h"

bool http_is(const char *p, size_t n, const char *s)
{
	return strlen(s) == n && !memcmp(p, s, n);
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Does the comma-separated header value v contain token tok? */
static bool has_token(const char *v, size_t n, const char *tok)
{
	size_t tl = strlen(tok), i = 0, s, e;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && !strncasecmp(v + s, tok, tl))
			return true;
	}
	return false;
}

/* "METHOD SP TARGET SP HTTP/1.x" */
static int parse_request_line(const char *p, size_t n, struct http_request *req)
{
	const char *sp1 = memchr(p, ' ', n), *sp2;

	if (!sp1 || sp1 == p)
		return -EBADMSG;
	req->method = p;
	req->method_len = (size_t)(sp1 - p);
	for (size_t i = 0; i < req->method_len; i++)
		if (!is_tchar(p[i]))
			return -EBADMSG;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - p));
	if (!sp2 || sp2 == sp1 + 1)
		return -EBADMSG;
	req->target = sp1 + 1;
	req->target_len = (size_t)(sp2 - req->target);
	for (size_t i = 0; i < req->target_len; i++)
		if ((unsigned char)req->target[i] <= ' ' || req->target[i] == 0x7f)
			return -EBADMSG;
	n -= (size_t)(sp2 + 1 - p);
	p = sp2 + 1;
	if (n != 8 || memcmp(p, "HTTP/1.", 7))
		return n >= 5 && !memcmp(p, "HTTP/", 5) ? -EPROTO : -EBADMSG;
	if (p[7] != '0' && p[7] != '1')
		return -EPROTO;
	req->minor = p[7] - '0';
	req->keep_alive = req->minor == 1;
	return 0;
}

/* Content-Length: 1*DIGIT, no sign, no overflow, at most 9 digits. */
static int parse_length(const char *v, size_t n, size_t *out)
{
	size_t i, len = 0;

	if (!n || n > 9)
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EBADMSG;
		len = len * 10 + (size_t)(v[i] - '0');
	}
	*out = len;
	return 0;
}

/* One "Name: value" line; updates req and *clen (-1 when none so far). */
static int parse_header(const char *p, size_t n, struct http_request *req, long *clen)
{
	const char *colon = memchr(p, ':', n), *v;
	size_t name_len, vn, len;
	int ret;

	if (!colon || colon == p)
		return -EBADMSG;
	name_len = (size_t)(colon - p);
	for (size_t i = 0; i < name_len; i++)
		if (!is_tchar(p[i]))
			return -EBADMSG;
	v = colon + 1;
	vn = n - name_len - 1;
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (name_len == 14 && !strncasecmp(p, "Content-Length", 14)) {
		ret = parse_length(v, vn, &len);
		if (ret)
			return ret;
		if (*clen >= 0 && (size_t)*clen != len)
			return -EBADMSG;
		*clen = (long)len;
	} else if (name_len == 17 && !strncasecmp(p, "Transfer-Encoding", 17)) {
		return -ENOSYS;
	} else if (name_len == 10 && !strncasecmp(p, "Connection", 10)) {
		if (has_token(v, vn, "close"))
			req->keep_alive = false;
		else if (has_token(v, vn, "keep-alive"))
			req->keep_alive = true;
	} else if (name_len == 6 && !strncasecmp(p, "Expect", 6)) {
		if (!has_token(v, vn, "100-continue"))
			return -EBADMSG;
		req->expect_continue = true;
	}
	return 0;
}

/* The header block p[0..n) ends with CRLF CRLF; parses every line of it. */
static int parse_head(const char *p, size_t n, struct http_request *req, long *clen)
{
	const char *end = p + n - 2, *eol;
	unsigned nheaders = 0;
	int ret;

	if (memchr(p, '\0', n))
		return -EBADMSG;
	for (const char *cr = p; (cr = memchr(cr, '\r', (size_t)(p + n - cr))); cr++)
		if (cr + 1 >= p + n || cr[1] != '\n')
			return -EBADMSG;
	eol = memmem(p, n, "\r\n", 2);
	ret = parse_request_line(p, (size_t)(eol - p), req);
	if (ret)
		return ret;
	for (p = eol + 2; p < end; p = eol + 2) {
		eol = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
		if (*p == ' ' || *p == '\t' || ++nheaders > HTTP_MAX_HEADERS)
			return -EBADMSG;
		ret = parse_header(p, (size_t)(eol - p), req, clen);
		if (ret)
			return ret;
	}
	return 0;
}

int http_parse_request(const char *buf, size_t len, size_t max_body, struct http_request *req)
{
	size_t skip = 0, scan;
	const char *hend;
	long clen = -1;
	int ret;

	memset(req, 0, sizeof(*req));
	/* Tolerate empty lines before a request (RFC 9112, 2.2). */
	while (skip + 1 < len && buf[skip] == '\r' && buf[skip + 1] == '\n' && skip < 64)
		skip += 2;
	scan = len - skip < HTTP_MAX_HEADER ? len - skip : HTTP_MAX_HEADER;
	hend = memmem(buf + skip, scan, "\r\n\r\n", 4);
	if (!hend)
		return len - skip >= HTTP_MAX_HEADER ? -E2BIG : -EAGAIN;
	ret = parse_head(buf + skip, (size_t)(hend + 4 - buf - skip), req, &clen);
	if (ret)
		return ret;
	req->header_len = (size_t)(hend + 4 - buf);
	req->body_len = clen > 0 ? (size_t)clen : 0;
	if (req->body_len > max_body)
		return -EMSGSIZE;
	req->body = buf + req->header_len;
	req->total = req->header_len + req->body_len;
	return len >= req->total ? 0 : -EAGAIN;
}

int http_error_status(int err)
{
	switch (err) {
	case -E2BIG: return 431;
	case -EMSGSIZE: return 413;
	case -ENOSYS: return 501;
	case -EPROTO: return 505;
	default: return 400;
	}
}

const char *http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

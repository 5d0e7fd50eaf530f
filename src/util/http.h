/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small HTTP/1.1 request parser for Sevorix's local servers (the jury's
 * review API, the daemon's socket): exactly what they need and nothing
 * more. It is incremental (call it again with more bytes until it stops
 * returning -EAGAIN), never copies, never allocates, and bounds
 * everything: header block, header count, body.
 * Bodies are sized by Content-Length only; Transfer-Encoding is refused.
 * Fuzzed by tests/jury/fuzz/http_fuzz.c.
 */
#ifndef SEVORIX_UTIL_HTTP_H
#define SEVORIX_UTIL_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_MAX_HEADER 8192
#define HTTP_MAX_HEADERS 64

struct http_request {
	const char *method; /* points into the buffer; not NUL-terminated */
	size_t method_len;
	const char *target;
	size_t target_len;
	int minor; /* HTTP/1.minor */
	bool keep_alive; /* after this request */
	bool expect_continue;
	const char *body;
	size_t body_len;
	size_t header_len; /* request line + headers + blank line */
	size_t total; /* header_len + body_len: bytes to consume */
};

/*
 * Parses the request at the start of buf. Returns 0 when a whole request
 * (with its body) is there; -EAGAIN when more bytes are needed; or an error
 * for which the caller answers and then closes the connection:
 *   -EBADMSG    400 malformed request
 *   -E2BIG      431 header block larger than HTTP_MAX_HEADER
 *   -EMSGSIZE   413 Content-Length larger than max_body
 *   -ENOSYS     501 Transfer-Encoding
 *   -EPROTO     505 not HTTP/1.x
 * After -EAGAIN, req->header_len is non-zero once the headers are complete
 * (so the caller can answer "100 Continue").
 */
int http_parse_request(const char *buf, size_t len, size_t max_body, struct http_request *req);

/* Status code and reason phrase for a parse error. */
int http_error_status(int err);
const char *http_reason(int status);

/* True when the method / target equal s exactly. */
bool http_is(const char *p, size_t n, const char *s);

#endif

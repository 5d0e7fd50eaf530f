/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The HTTP request parser (src/util/http.c) on known inputs: complete, partial and
 * pipelined requests, and each way a request is refused with its status.
 */
#include <errno.h>
#include <string.h>

#include "jury/server/request.h"
#include "util/http.h"
#include "../lib/tap.h"

static int parse(const char *s, struct http_request *r)
{
	return http_parse_request(s, strlen(s), JURY_MAX_BODY, r);
}

static void test_complete(void)
{
	struct http_request r;
	const char *s = "POST /v1/review HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcdGET";

	ok(parse(s, &r) == 0, "a complete request parses");
	ok(http_is(r.method, r.method_len, "POST") && http_is(r.target, r.target_len, "/v1/review"),
	   "method and target");
	ok(r.body_len == 4 && !memcmp(r.body, "abcd", 4), "body by Content-Length");
	ok(r.total == strlen(s) - 3, "total stops before the next pipelined request");
	ok(r.keep_alive && r.minor == 1, "HTTP/1.1 keeps the connection alive");
	ok(parse("GET / HTTP/1.0\r\n\r\n", &r) == 0 && !r.keep_alive, "HTTP/1.0 closes by default");
	ok(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) == 0 && r.keep_alive,
	   "HTTP/1.0 with Connection: keep-alive");
	ok(parse("GET / HTTP/1.1\r\nconnection: foo, close\r\n\r\n", &r) == 0 && !r.keep_alive,
	   "Connection: close among other tokens");
	ok(parse("\r\nGET / HTTP/1.1\r\n\r\n", &r) == 0,
	   "an empty line before a request is skipped");
}

static void test_partial(void)
{
	const char *s =
		"POST /v1/review HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n";
	struct http_request r;
	size_t i;
	int bad = 0;

	for (i = 0; i < strlen(s); i++)
		bad += http_parse_request(s, i, JURY_MAX_BODY, &r) != -EAGAIN;
	ok(!bad, "every prefix of the header block needs more bytes");
	ok(parse(s, &r) == -EAGAIN && r.header_len == strlen(s) && r.expect_continue,
	   "headers complete, body missing: -EAGAIN with header_len and Expect");
}

static void test_refused(void)
{
	static const struct {
		const char *req;
		int status;
		const char *name;
	} cases[] = {
		{ "GARBAGE\r\n\r\n", 400, "no spaces in the request line" },
		{ "GET /\r\n\r\n", 400, "no version" },
		{ "GET / HTTP/2.0\r\n\r\n", 505, "HTTP/2.0" },
		{ "GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400, "a header without a colon" },
		{ "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 400, "obsolete line folding" },
		{ "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 400, "a bare CR" },
		{ "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "a negative length" },
		{ "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400,
		  "two different lengths" },
		{ "POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n", 413, "a body over 64 KiB" },
		{ "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501, "chunked bodies" },
		{ "GET / HTTP/1.1\r\nExpect: 200-ok\r\n\r\n", 400, "an unknown expectation" },
		{ "G(T / HTTP/1.1\r\n\r\n", 400, "a method that is not a token" },
	};
	struct http_request r;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ret = parse(cases[i].req, &r);
		ok(ret != 0 && ret != -EAGAIN && http_error_status(ret) == cases[i].status,
		   "%s: %d", cases[i].name, cases[i].status);
	}
}

static void test_limits(void)
{
	static char big[HTTP_MAX_HEADER + 64];
	struct http_request r;

	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	ok(parse(big, &r) == -E2BIG, "a header block over %d bytes: 431", HTTP_MAX_HEADER);
	ok(http_parse_request("GET / HTTP/1.1\r\n\0: x\r\n\r\n", 25, JURY_MAX_BODY, &r) == -EBADMSG,
	   "a NUL byte in the headers");
}

int main(void)
{
	test_complete();
	test_partial();
	test_refused();
	test_limits();
	return done_testing();
}

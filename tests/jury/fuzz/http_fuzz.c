/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the HTTP request parser (src/util/http.c). The
 * input is parsed as a stream of pipelined requests, the way a connection
 * consumes it; every field the parser returns must lie inside the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jury/server/request.h"
#include "util/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_inside(const char *buf, size_t len, const char *p, size_t n)
{
	if (n && (p < buf || p + n > buf + len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct http_request req;
	size_t off = 0;
	int ret = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while (off < size) {
		ret = http_parse_request(buf + off, size - off, JURY_MAX_BODY, &req);
		if (ret)
			break;
		check_inside(buf + off, size - off, req.method, req.method_len);
		check_inside(buf + off, size - off, req.target, req.target_len);
		check_inside(buf + off, size - off, req.body, req.body_len);
		if (!req.total || req.total > size - off || req.method_len == 0)
			abort();
		off += req.total;
	}
	if (ret != 0 && ret != -EAGAIN && http_error_status(ret) < 400)
		abort();
	free(buf);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One HTTP POST with libcurl, for the model-server adapters and the cloud
 * judge. An endpoint is http://HOST[:PORT][/PREFIX], https://... or
 * unix:///PATH/TO/SOCKET (then the request goes over that UNIX socket,
 * CURLOPT_UNIX_SOCKET_PATH).
 */
#ifndef SEVORIX_JURY_HTTP_CLIENT_H
#define SEVORIX_JURY_HTTP_CLIENT_H

#include <stddef.h>

#define HTTP_CLIENT_MAX_RESPONSE (1024 * 1024)

/* Opens and initializes libcurl once per process. curl_global_init() is not
 * thread-safe, so the jury calls this before it starts any thread. */
void http_client_init(void);

/* POSTs body (JSON) to endpoint + path within timeout_ms (body NULL: a GET
 * instead). Returns 0 with a
 * malloc'd, NUL-terminated *resp and the HTTP status in *status; or
 * -ETIMEDOUT, -ECONNREFUSED (cannot connect), -EMSGSIZE (answer larger than
 * HTTP_CLIENT_MAX_RESPONSE), -EINVAL (bad endpoint), -ELIBACC (libcurl
 * cannot be opened), -EIO (other failures). */
int http_client_post(const char *endpoint, const char *path, const char *body, size_t len,
		     int timeout_ms, char **resp, long *status);

#endif

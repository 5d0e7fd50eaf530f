/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal client of the jury's UNIX socket, for the benchmark and the
 * soak that put load on it (bench/jury_bench.c, tests/soak/jury_soak.c):
 * a connection, and one HTTP response read whole (Content-Length).
 */
#ifndef SEVORIX_TESTS_JURY_CLIENT_H
#define SEVORIX_TESTS_JURY_CLIENT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* A stream connection to path (reads time out after timeout_s, 0: never); -1 on failure. */
static inline int jury_dial(const char *path, int timeout_s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { timeout_s, 0 };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && timeout_s)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Reads one response into buf (NUL-terminated); returns its status, or -1. */
static inline int jury_read_response(int fd, char *buf, size_t cap)
{
	size_t len = 0, need = 0;
	char *end = NULL, *cl;
	ssize_t r;

	for (;;) {
		if (len + 1 >= cap)
			return -1;
		r = read(fd, buf + len, cap - 1 - len);
		if (r <= 0)
			return -1;
		len += (size_t)r;
		buf[len] = '\0';
		if (!end && (end = strstr(buf, "\r\n\r\n"))) {
			cl = strcasestr(buf, "Content-Length:");
			need = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 15, NULL, 10) : 0);
		}
		if (end && len >= need)
			return atoi(buf + 9);
	}
}

#endif

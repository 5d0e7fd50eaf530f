// SPDX-License-Identifier: GPL-2.0-only
/*
 * A lookup through the run's resolver against the same lookup straight at
 * its upstream, interleaved query by query (these machines are noisy):
 * each round asks the upstream once and the resolver once, over UDP, on
 * one connected socket each, as a stub resolver does. Prints p50 and p99
 * of both, in microseconds, and the resolver's addition.
 *
 *   dns_bench N UPSTREAM_ADDR:PORT RESOLVER_ADDR:PORT NAME
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WARMUP 200

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* A UDP socket connected to "a.b.c.d:port". */
static int connect_to(const char *text)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char host[64];
	const char *colon = strrchr(text, ':');
	int fd;

	if (!colon || (size_t)(colon - text) >= sizeof(host))
		return -1;
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = 0;
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	return fd;
}

static size_t query(uint8_t *q, const char *name, uint16_t id)
{
	size_t o = 12;
	const char *p = name;

	memset(q, 0, 12);
	q[0] = (uint8_t)(id >> 8), q[1] = (uint8_t)id, q[2] = 1, q[5] = 1;
	while (*p) {
		size_t l = strcspn(p, ".");

		q[o++] = (uint8_t)l;
		memcpy(q + o, p, l);
		o += l;
		p += l + (p[l] == '.');
	}
	q[o++] = 0, q[o++] = 0, q[o++] = 1, q[o++] = 0, q[o++] = 1;
	return o;
}

/* One lookup; its time in ns, or -1 (no answer within 2 s, or not NOERROR). */
static long long lookup(int fd, const char *name, uint16_t id)
{
	uint8_t q[300], a[1500];
	size_t n = query(q, name, id);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long t0 = now_ns();
	ssize_t got;

	if (send(fd, q, n, 0) != (ssize_t)n)
		return -1;
	do {
		if (poll(&p, 1, 2000) != 1)
			return -1;
		got = recv(fd, a, sizeof(a), 0);
	} while (got >= 2 && (a[0] << 8 | a[1]) != id); /* a late answer to an earlier id */
	if (got < 12 || (a[3] & 0xf))
		return -1;
	return now_ns() - t0;
}

static void report(const char *what, long long *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("%-34s p50 %7.1f us   p99 %7.1f us\n", what, v[n / 2] / 1000.0,
	       v[n * 99 / 100] / 1000.0);
}

int main(int argc, char **argv)
{
	int n = argc > 4 ? atoi(argv[1]) : 0, up, via, fails = 0;
	long long *direct, *through, p50;

	if (n < 100) {
		fprintf(stderr, "usage: dns_bench N(>=100) UPSTREAM:PORT RESOLVER:PORT NAME\n");
		return 2;
	}
	up = connect_to(argv[2]);
	via = connect_to(argv[3]);
	direct = calloc((size_t)n, sizeof(*direct));
	through = calloc((size_t)n, sizeof(*through));
	if (up < 0 || via < 0 || !direct || !through) {
		perror("dns_bench");
		return 1;
	}
	for (int i = 0; i < WARMUP; i++)
		fails += lookup(up, argv[4], (uint16_t)i) < 0 || lookup(via, argv[4], (uint16_t)i) < 0;
	for (int i = 0; i < n && !fails; i++) {
		direct[i] = lookup(up, argv[4], (uint16_t)(i + WARMUP));
		through[i] = lookup(via, argv[4], (uint16_t)(i + WARMUP));
		fails += direct[i] < 0 || through[i] < 0;
	}
	if (fails) {
		fprintf(stderr, "dns_bench: a lookup failed\n");
		return 1;
	}
	report("straight at the upstream", direct, n);
	p50 = direct[n / 2];
	report("through the run's resolver", through, n);
	printf("%-34s p50 %+7.1f us   p99 %+7.1f us   (target: <= +200 us p50)\n",
	       "resolver's addition", (through[n / 2] - p50) / 1000.0,
	       (through[n * 99 / 100] - direct[n * 99 / 100]) / 1000.0);
	return 0;
}

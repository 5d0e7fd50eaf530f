// SPDX-License-Identifier: GPL-2.0-only
/*
 * The messages of every program, with one prefix and one verbosity
 * (util/log.h). Not thread-safe to initialise; printing is, as each
 * message is one fprintf call on an unbuffered stderr.
 */
#include <stdio.h>
#include <stdlib.h>

#include "util/log.h"

static const char *prefix = "sevorix";
static int level;

void log_init(const char *p)
{
	const char *v = getenv("SEVORIX_VERBOSE");
	int n = v && *v ? atoi(v) : 0;

	prefix = p;
	/* SEVORIX_VERBOSE=1 (or any non-number) means "verbose" */
	if (v && *v && n <= 0)
		n = 1;
	if (n > level)
		level = n;
}

const char *log_prefix(void)
{
	return prefix;
}

void log_more_verbose(void)
{
	level++;
}

int log_level(void)
{
	return level;
}

static void vlog(const char *tag, const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s%s\n", prefix, tag, msg);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (level < 1)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

int log_libbpf(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	/* warnings (a verifier log among them) at 2, libbpf's progress at 3 */
	if (level < (lvl == LIBBPF_WARN ? 2 : 3))
		return 0;
	fprintf(stderr, "%s: libbpf: ", prefix);
	return vfprintf(stderr, fmt, ap);
}

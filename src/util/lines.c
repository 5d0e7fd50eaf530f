// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>

#include "util/lines.h"

void lines_add(struct lines *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->cut)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 >= o->len - o->off) {
		o->cut = true;
		return;
	}
	o->off += n;
	o->buf[o->off++] = '\n';
	o->buf[o->off] = '\0';
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * libcurl opened on first use (curl_dl.h). The library is looked up by its
 * soname, libcurl.so.4, the ABI the headers we build against describe.
 * Once opened it stays open until the process ends.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#include "jury/models/curl_dl.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct curl_dl api;
static const struct curl_dl *loaded;

/* dlsym of NAME into FIELD; a missing symbol leaves the table unusable */
#define SYM(field, name) ((*(void **)&api.field = dlsym(h, name)) != NULL)

static void load(void)
{
	CURLcode (*global_init)(long flags);
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
	*(void **)&global_init = dlsym(h, "curl_global_init");
	if (!global_init || !SYM(easy_init, "curl_easy_init") ||
	    !SYM(easy_setopt, "curl_easy_setopt") || !SYM(easy_perform, "curl_easy_perform") ||
	    !SYM(easy_getinfo, "curl_easy_getinfo") || !SYM(easy_cleanup, "curl_easy_cleanup") ||
	    !SYM(slist_append, "curl_slist_append") ||
	    !SYM(slist_free_all, "curl_slist_free_all"))
		return; /* a libcurl without one of them: no requests at all (fail closed) */
	if (global_init(CURL_GLOBAL_ALL) != CURLE_OK)
		return;
	loaded = &api;
}

const struct curl_dl *curl_dl(void)
{
	pthread_once(&once, load);
	return loaded;
}

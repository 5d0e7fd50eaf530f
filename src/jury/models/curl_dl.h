/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libcurl, opened with dlopen() the first time a request needs it. Linked
 * at build time, libcurl and the 30-odd libraries it pulls in (TLS,
 * Kerberos, LDAP, ...) were mapped and relocated before main() of every
 * `sevorix` command, 6-9 ms of CPU each, although only the jury's model
 * adapters and `jury ask` speak HTTP. The table below holds the few entry
 * points they use.
 */
#ifndef SEVORIX_JURY_CURL_DL_H
#define SEVORIX_JURY_CURL_DL_H

#include <curl/curl.h>

struct curl_dl {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
};

/*
 * Opens libcurl and runs curl_global_init() once per process (the first
 * call must come before the caller starts threads: curl_global_init() is
 * not thread-safe). Returns the table, or NULL when libcurl cannot be
 * opened (then every request fails, as one to an unreachable server).
 */
const struct curl_dl *curl_dl(void);

#endif

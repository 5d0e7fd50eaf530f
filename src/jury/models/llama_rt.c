/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Opens libllama with dlopen and checks that it is the release llama_abi.h
 * describes.
 *
 * llama.cpp has no stable ABI (its parameter structs are passed by value
 * and grow between releases), so calling into a library of another version
 * would corrupt memory rather than fail. The check compares ggml_commit()
 * (the llama.cpp commit the library was built from, exported by the
 * libggml-base it depends on) with LLAMA_ABI_COMMIT and refuses anything
 * else. A library is opened once per path and kept until exit: llama.cpp's
 * backend registry is global, so unloading it is not safe.
 *
 * llama.cpp logs to stderr by default; the jury's stderr is its log, so the
 * log callback here keeps only the last error line per thread, which the
 * jurors put in their reason when a model fails to load.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jury/models/llama_rt.h"

#define LLAMA_RT_MAX 4

static struct {
	char *path;
	struct llama_rt rt;
} loaded[LLAMA_RT_MAX];
static size_t nloaded;
static pthread_mutex_t loaded_lock = PTHREAD_MUTEX_INITIALIZER;

static __thread char last_log[256];

/* llama.cpp's log levels: 2 = warn, 3 = error (ggml.h enum ggml_log_level). */
static void rt_log(enum ggml_log_level level, const char *text, void *data)
{
	size_t n;

	(void)data;
	if ((int)level < 3 || !text)
		return;
	snprintf(last_log, sizeof(last_log), "%s", text);
	n = strlen(last_log);
	while (n && (last_log[n - 1] == '\n' || last_log[n - 1] == ' '))
		last_log[--n] = '\0';
}

const char *llama_rt_last_log(void)
{
	return last_log;
}

static int rt_resolve(void *h, struct llama_rt *rt, char *err, size_t errlen)
{
#define LLAMA_RT_SYM(name, ret, args)                                                              \
	*(void **)&rt->name = dlsym(h, #name);                                                     \
	if (!rt->name) {                                                                           \
		snprintf(err, errlen, "the library has no %s()", #name);                          \
		return -1;                                                                         \
	}
	LLAMA_ABI_FUNCS(LLAMA_RT_SYM)
#undef LLAMA_RT_SYM
	return 0;
}

/* Opens, checks and initializes one library. Returns 0 or -1 with err set. */
static int rt_load(const char *path, struct llama_rt *rt, char *err, size_t errlen)
{
	char dir[PATH_MAX], *slash;
	const char *commit;
	Dl_info info;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(err, errlen, "llama.cpp runtime not available: %s", dlerror());
		return -1;
	}
	/* The version first: nothing else of a library of another release is
	 * looked at, let alone called. */
	*(void **)&rt->ggml_commit = dlsym(h, "ggml_commit");
	*(void **)&rt->ggml_version = dlsym(h, "ggml_version");
	commit = rt->ggml_commit ? rt->ggml_commit() : NULL;
	if (!commit || strcmp(commit, LLAMA_ABI_COMMIT)) {
		snprintf(err, errlen,
			 "refusing llama.cpp %.16s (ggml %.16s): built for %s (ggml %s), and "
			 "llama.cpp has no stable ABI: %s",
			 commit ? commit : "(unknown)",
			 rt->ggml_version ? rt->ggml_version() : "(unknown)", LLAMA_ABI_COMMIT,
			 LLAMA_ABI_GGML_VERSION, path);
		goto refuse;
	}
	if (rt_resolve(h, rt, err, errlen))
		goto refuse;
	rt->llama_log_set(rt_log, NULL);
	/* The prebuilt library keeps its CPU kernels (one per instruction-set
	 * level) as separate modules next to it; a library built without
	 * them finds nothing to load here and has its CPU backend built in. */
	if (!dladdr(*(void **)&rt->llama_backend_init, &info) || !info.dli_fname)
		info.dli_fname = path;
	snprintf(dir, sizeof(dir), "%s", info.dli_fname);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		rt->ggml_backend_load_all_from_path(dir);
	}
	rt->llama_backend_init();
	return 0;
refuse:
	dlclose(h);
	return -1;
}

const struct llama_rt *llama_rt_open(const char *path, char *err, size_t errlen)
{
	const struct llama_rt *ret = NULL;
	size_t i;

	if (!path)
		path = getenv("SEVORIX_LLAMA_LIB");
	if (!path || !*path)
		path = LLAMA_RT_DEFAULT_LIB;
	pthread_mutex_lock(&loaded_lock);
	for (i = 0; i < nloaded; i++)
		if (!strcmp(loaded[i].path, path))
			ret = &loaded[i].rt;
	if (!ret && nloaded == LLAMA_RT_MAX) {
		snprintf(err, errlen, "too many different llama.cpp libraries (at most %d)",
			 LLAMA_RT_MAX);
	} else if (!ret && !rt_load(path, &loaded[nloaded].rt, err, errlen)) {
		loaded[nloaded].path = strdup(path);
		if (loaded[nloaded].path)
			ret = &loaded[nloaded++].rt;
		else
			snprintf(err, errlen, "out of memory");
	}
	pthread_mutex_unlock(&loaded_lock);
	return ret;
}

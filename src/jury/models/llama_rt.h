/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libllama, opened at run time (llama_rt.c).
 *
 * Sevorix builds and runs without llama.cpp: the library is opened with
 * dlopen when the first in-process model juror starts, its version is
 * checked against the one llama_abi.h was copied from, and the functions
 * Sevorix calls are resolved into a table. Without the library, or with a
 * library of another version, the model jurors fail to open and vote
 * error; the reason says which of the two it was.
 */
#ifndef SEVORIX_JURY_LLAMA_RT_H
#define SEVORIX_JURY_LLAMA_RT_H

#include <stddef.h>

#include "jury/models/llama_abi.h"

struct llama_rt {
#define LLAMA_RT_FN(name, ret, args) ret(*name) args;
	LLAMA_ABI_FUNCS(LLAMA_RT_FN)
#undef LLAMA_RT_FN
};

/* The library opened when no path is configured: $SEVORIX_LLAMA_LIB, else
 * this name through the dynamic loader's search path. */
#define LLAMA_RT_DEFAULT_LIB "libllama.so"

/*
 * Opens the libllama at path (NULL: the default above) once per process
 * and path, checks its version and resolves the table. Returns the table,
 * which lives until exit, or NULL with the reason in err. Thread-safe.
 */
const struct llama_rt *llama_rt_open(const char *path, char *err, size_t errlen);

/* The last error line llama.cpp logged on this thread ("" when none). */
const char *llama_rt_last_log(void);

#endif

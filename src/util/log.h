/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One way to speak to the user on stderr. Every program (sevorix run,
 * sevorix daemon, sevorix jury serve, ...) sets its prefix once in its
 * command function; every message then reads "PREFIX: text". Verbosity
 * is one number: -v on the command line or SEVORIX_VERBOSE=N in the
 * environment (the larger wins). Library code does not print: it returns
 * -errno and the command logs once (STYLE.md).
 *
 * libbpf prints through log_libbpf(), set once in main(): its warnings
 * (a program the verifier refused, with its log) appear at verbosity 2,
 * its progress and debug lines at 3, as probes that fail on purpose (a
 * kernel without BPF LSM) must stay quiet.
 */
#ifndef SEVORIX_UTIL_LOG_H
#define SEVORIX_UTIL_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include <bpf/libbpf.h> /* enum libbpf_print_level */

/* Sets the prefix (a string that outlives the program) and reads SEVORIX_VERBOSE. */
void log_init(const char *prefix);
const char *log_prefix(void);
/* Raises the verbosity by one (each -v). */
void log_more_verbose(void);
/* 0: errors and warnings; 1: what was set up (-v); 2: libbpf's warnings; 3: all of libbpf. */
int log_level(void);

__attribute__((format(printf, 1, 2))) void log_error(const char *fmt, ...);
/* "PREFIX: warning: ..." */
__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
/* What a long-running program did that its operator must see (always printed). */
__attribute__((format(printf, 1, 2))) void log_notice(const char *fmt, ...);
/* Printed at verbosity 1 and above. */
__attribute__((format(printf, 1, 2))) void log_info(const char *fmt, ...);

/* libbpf's print function (libbpf_set_print), for main() to set once. */
int log_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Probe results kept for the rest of the boot. Whether the kernel runs a
 * kind of BPF program cannot change until it reboots, yet finding out
 * means loading a test program (for BPF LSM: parsing the kernel's BTF and
 * a refused load, some 10-20 ms of every `sevorix run`). The answers are
 * kept in one root-owned file, PROBECACHE_FILE, that names the boot
 * (/proc/sys/kernel/random/boot_id) and, for each answer, the build of
 * the program that probed (its GNU build ID): after a reboot it says
 * nothing, and to another build nothing of this one's.
 *
 * It never decides in place of a probe when in doubt: a file that is
 * missing, of another boot, not a regular file, not owned by
 * root, writable by anyone but root, or in a directory writable by anyone
 * but root is not read, and the caller probes again (fail closed: the
 * answer is the kernel's, never a file's that someone else could write).
 */
#ifndef SEVORIX_UTIL_PROBECACHE_H
#define SEVORIX_UTIL_PROBECACHE_H

#include <stdbool.h>
#include <sys/stat.h>

#define PROBECACHE_DIR "/run/sevorix"
#define PROBECACHE_FILE PROBECACHE_DIR "/probes"
#define PROBECACHE_ID_LEN (2 * 64 + 1)

/*
 * The result this build stored for name in this boot. Returns 0 with
 * *value set, or -ENOENT (or another -errno) when there is none to trust.
 */
int probecache_get(const char *name, int *value);
/*
 * Stores name=value for this boot and build, beside the other answers
 * (the file is replaced whole, atomically). Only root writes it. Returns 0
 * or -errno (-EINVAL: a name with '=', a space or a newline).
 */
int probecache_put(const char *name, int value);

/*
 * What the cache is keyed on, for other per-boot caches (util/corebtf.h):
 * this boot's id and the GNU build ID of the running program, in hex.
 * Returns 0, or -ENOENT when either is unknown (then nothing is cached).
 */
int probecache_identity(char boot[PROBECACHE_ID_LEN], char build[PROBECACHE_ID_LEN]);
/* True for what only root can have written: root's, writable by no one else. */
bool probecache_trusted(const struct stat *st);
/* 0 when the directory that holds file is trusted, else -errno (-EPERM). */
int probecache_dir_trusted(const char *file);

/* The same with another file, for tests. */
int probecache_get_at(const char *file, const char *name, int *value);
int probecache_put_at(const char *file, const char *name, int value);

#endif

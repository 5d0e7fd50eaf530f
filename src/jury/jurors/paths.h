/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Path patterns (paths.c): "text" matches anywhere in the path, "^text"
 * at its start, "=name" the base name exactly, "*.ext" the end. Paths are
 * matched as written ("~/.ssh/id_rsa", "$HOME/.ssh/id_rsa" and
 * "/home/u/.ssh/id_rsa" all contain "/.ssh/id_").
 */
#ifndef SEVORIX_JURY_PATHS_H
#define SEVORIX_JURY_PATHS_H

#include <stdbool.h>

extern const char *const jurors_secret_paths[];
extern const char *const jurors_persist_paths[];
extern const char *const jurors_priv_paths[];
extern const char *const jurors_log_paths[];
extern const char *const jurors_devices[];
extern const char *const jurors_temp_dirs[];

/* Does path match one of the patterns? (A public key never matches the secret ones.) */
bool jurors_path_is(const char *path, const char *const *patterns);
/* Does free text (inline code) mention a path matching the patterns anywhere? */
bool jurors_text_mentions(const char *text, const char *const *patterns);
/* A path inside a temporary directory with a hidden component (/tmp/.x, /dev/shm/.d/y). */
bool jurors_hidden_temp(const char *path);

#endif

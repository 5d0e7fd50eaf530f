#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# File escapes: each attempt reads the fake secret HOME/.ssh/id_rsa or writes
# outside the workspace by another route. Stopped by Landlock (K3) unless
# noted; io_uring and handles are stopped by seccomp (K4) first, and the
# relaxed variants show that Landlock still stops them. HOME/.ssh is hidden
# by a mask (an empty mode-000 mount, src/sandbox/), so what would reach it
# by name fails with EACCES there; what writes outside the writable set
# meets a read-only mount (EROFS) before Landlock. docs/escapes.md lists the
# same techniques.
. "$(dirname "$0")/escape_lib.sh"
plan 21

S=$H/.ssh/id_rsa
works "workspace file reads" "$TRY" read "$W/notes.txt"
works "workspace file can be written" "$TRY" write "$W/new.txt"
works "HOME outside the denied path reads" "$TRY" read "$H/.bashrc"
refused "read HOME/.ssh/id_rsa" EACCES "$TRY" read "$S"
refused "cat HOME/.ssh/id_rsa" "cat: $S: Permission denied" cat "$S"
is "$(confined "$TRY" write "$O/escaped" | tail -n 1)" EROFS "write outside the workspace (read-only tree)"
is "$(ls "$O")" "" "the file outside the workspace was not created"
works "a new file next to the denied dir (HOME whole: .ssh is masked)" "$TRY" write "$H/later"
refused "openat2" EACCES "$TRY" openat2 "$S"
refused "io_uring openat" EPERM "$TRY" uring-openat "$S"
is "$(confined --allow io_uring "$TRY" uring-openat "$S" | tail -n 1)" EACCES \
	"io_uring openat with io_uring allowed: Landlock still denies"
# the masked name yields no handle; open_by_handle_at itself is K4's (EPERM)
refused "open_by_handle_at" EACCES "$TRY" handle "$S"
is "$(confined "$TRY" handle "$W/notes.txt" | tail -n 1)" EPERM "open_by_handle_at of a reachable file"
refused "O_PATH + /proc/self/fd reopen" EACCES "$TRY" proc-reopen "$S"
refused "/proc/self/root/... path" EACCES "$TRY" proc-root "$S"
refused "symlink in the workspace to the secret" EACCES "$TRY" symlink "$S" "$W/link"
refused "hardlink in the workspace to the secret (the mask: no name to link)" EACCES \
	"$TRY" hardlink "$S" "$W/hard"
# Landlock answers EACCES; under `sevorix run` the exec hold may answer first (EPERM).
got=$(confined "$TRY" exec "$H/true" | tail -n 1)
like "$got" '^(EACCES|EPERM)$' "exec from a directory without exec rights"
works "exec from /usr" "$TRY" exec /usr/bin/true
# Landlock does not judge files of internal mounts (memfd), nor mmap(PROT_EXEC)
# by the loader: the exec hold (seccomp user notification) closes these.
refused "memfd_create + execveat of a copy" EPERM "$TRY" memfd-exec /usr/bin/true
refused "ld.so running a file without exec rights" \
	"sevorix run: /lib64/ld-linux-x86-64.so.2: Operation not permitted" \
	/lib64/ld-linux-x86-64.so.2 "$H/try" read "$W/notes.txt"

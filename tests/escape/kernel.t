#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Self-protection and kernel-surface escapes: new namespaces and mounts,
# bpf(), reaching a process outside the agent's domain (same uid, so file
# permissions would not stop it), leaving the cgroup, typing into the
# terminal, and regaining capabilities. docs/escapes.md lists the layers.
. "$(dirname "$0")/escape_lib.sh"
plan 18

CG=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)

works "no capability left in any set (CapInh/Prm/Eff/Bnd/Amb all zero)" "$TRY" caps
refused "unshare(CLONE_NEWUSER)" EPERM "$TRY" unshare-user
refused "unshare -U (the command)" "unshare: unshare failed: Operation not permitted" \
	unshare -U true
refused "mount in a new user+mount namespace" EPERM "$TRY" userns-mount "$W"
refused "bpf() map create" EPERM "$TRY" bpf
refused "clone3(CLONE_INTO_CGROUP) into another cgroup" ENOSYS "$TRY" clone3-cgroup "$CG"
# the run's mounts are read-only outside the writable set: EROFS before Landlock's EACCES
refused "write to the root cgroup.procs" EROFS "$TRY" write "$CG/cgroup.procs"
refused "ioctl(TIOCSTI) on the terminal" EPERM "$TRY" tiocsti

# A process of the same user outside the agent's domain.
setpriv --reuid 65534 --regid 65534 --clear-groups sleep 60 &
OUT=$!
started $OUT
setpriv --reuid 65534 --regid 65534 --clear-groups "$TRY" abstract-listen sevorix-escape >/dev/null &
started $!
sleep 0.3
refused "ptrace(ATTACH) a same-user process outside" EPERM "$TRY" ptrace $OUT
kill -CONT $OUT
refused "process_vm_readv of a process outside" EPERM "$TRY" vm-read $OUT
refused "connect to an abstract unix socket outside" EPERM "$TRY" abstract sevorix-escape
# outside the run's PID namespace the pid names no process (Landlock's scope is behind it)
got=$(confined "$TRY" kill $OUT | tail -n 1)
is "$got" ESRCH "kill(SIGTERM) a same-user process outside"
kill -0 $OUT 2>/dev/null && pass "the process outside is still alive" ||
	fail "the process outside is still alive"
works "kill(SIGTERM) a process inside the domain" sh -c "sleep 5 & $TRY kill \$!"

# The agent's parent is the run's init (PID 1 of the namespace, outside the
# agent's Landlock domain); the supervisor and the shell that started it are
# outside the namespace.
is "$(confined sh -c "exec $TRY kill \$PPID" | tail -n 1)" EPERM "kill(SIGTERM) the run's init"
is "$(confined sh -c "exec $TRY ptrace \$PPID" | tail -n 1)" EPERM "ptrace(ATTACH) the run's init"
is "$(confined sh -c "exec $TRY vm-read \$PPID" | tail -n 1)" EPERM "process_vm_readv of the run's init"
is "$(confined "$TRY" kill $$ | tail -n 1)" ESRCH "kill(SIGTERM) the shell that started the run"

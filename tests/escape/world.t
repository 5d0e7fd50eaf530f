#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The run's private world (src/sandbox/, src/run/): masks over denied paths
# inside allowed ones, descriptors inherited from before the run, a private
# /tmp and /dev/shm, the PID and IPC namespaces, vm.memfd_noexec, metadata
# calls outside the writable set (the read-only tree), and no persistence in
# $HOME under the default policy. Each attempt is also made without Sevorix
# (the control), where it works. docs/escapes.md lists the same rows.
. "$(dirname "$0")/escape_lib.sh"
plan 54

S=$H/.ssh/id_rsa
# a copy of the escape policy with its own /tmp, where /tmp may be written and run
sed -e 's/^version: 1$/version: 1\ntmp: private/' \
	-e 's|^    - {action: allow, path: /dev, access: \[read, write\]}$|&\n    - {action: allow, path: /tmp, access: [read, write, exec]}|' \
	-e 's|^    - {action: allow, path: "'"$W"'"}$|&\n    - {action: allow, path: /tmp}|' \
	"$SX_TMP/policy.yaml" >"$SX_TMP/private.yaml"
# no files rules: what IPC objects can do when Landlock does not restrict paths
printf 'version: 1\nexec: {default: allow}\n' >"$SX_TMP/nofiles.yaml"
chmod 644 "$SX_TMP/private.yaml" "$SX_TMP/nofiles.yaml"
nofiles() { (cd "$W" && "$SEVORIX" run --policy "$SX_TMP/nofiles.yaml" --user nobody \
	--events /dev/null -- "$@" 2>&1); }
private() { (cd "$W" && "$SEVORIX" run --policy "$SX_TMP/private.yaml" --user nobody \
	--events /dev/null -- "$@" 2>&1); }
# refused_in FUNC NAME ERRNO CMD...: as refused, with FUNC as the confined runner
refused_in() {
	local run=$1 name=$2 want=$3 got ctl
	shift 3
	got=$("$run" "$@" | tail -n 1)
	ctl=$(unconfined "$@" | tail -n 1)
	is "$got" "$want" "$name (unconfined: $ctl)"
}

# --- masks: a denied directory inside an allowed one -----------------------
works "a new file directly in HOME, beside the masked .ssh" "$TRY" write "$H/new-file"
works "a new directory directly in HOME" sh -c "mkdir '$H/new-dir' && echo OK"
refused "read HOME/.ssh/id_rsa (the mask: mode 000)" EACCES "$TRY" read "$S"
refused "list HOME/.ssh" EACCES "$TRY" listdir "$H/.ssh"
refused "openat(a HOME fd the agent opened, .ssh/id_rsa)" EACCES "$TRY" dir-openat "$H" .ssh/id_rsa
is "$(confined "$TRY" rename "$H/.ssh" "$H/moved" | tail -n 1)" EBUSY \
	"rename the masked .ssh out of the way (it is a mount point)"
is "$(confined "$TRY" chmod "$H/.ssh" | tail -n 1)" EROFS "chmod the mask"
is "$(ls "$H/.ssh")" id_rsa "the host's .ssh is untouched"

# --- descriptors opened before the run --------------------------------------
exec 3<"$H"
refused "openat(an inherited HOME fd, .ssh/id_rsa)" EBADF "$TRY" openat-fd 3 .ssh/id_rsa
is "$(cd "$W" && "$SEVORIX" run --policy "$SX_TMP/policy.yaml" --user nobody --events /dev/null \
	--keep-fd 3 -- "$TRY" openat-fd 3 .ssh/id_rsa 2>&1 | tail -n 1)" OK \
	"--keep-fd 3 passes it on (the user's choice)"
exec 3<&-
P=$(free_port)
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4); print("ready", flush=True)
while True:
    c, _ = s.accept()
    d = c.recv(64)
    if d: print(d.decode().strip(), flush=True)
' "$P" >"$SX_TMP/srv.out" &
started $!
for _ in $(seq 50); do grep -q ready "$SX_TMP/srv.out" && break; sleep 0.1; done
exec 4<>"/dev/tcp/127.0.0.1/$P"
is "$(confined "$TRY" send-fd 4 | tail -n 1)" EBADF \
	"an inherited socket to a denied destination is closed"
is "$(confined "$TRY" connect "$P" | tail -n 1)" EACCES "(a new connect there is denied)"
sleep 0.3
is "$(grep -c escaped "$SX_TMP/srv.out")" 0 "the denied destination received nothing"
is "$(unconfined "$TRY" send-fd 4 | tail -n 1)" OK "unconfined, the inherited socket writes"
exec 4<&-

# --- a private /tmp ----------------------------------------------------------
X=/tmp/sevorix-world-$$
mkdir -p "$X.victim" && echo v >"$X.victim/f" && chown -R 65534:65534 "$X.victim"
trap 'rm -rf "$X" "$X".*; sx_cleanup' EXIT
is "$(private "$TRY" write "$X" | tail -n 1)" OK "the agent writes /tmp/X in its own /tmp"
[ -e "$X" ] && fail "the host's /tmp/X stays absent" || pass "the host's /tmp/X stays absent"
private rm -rf "$X.victim" >/dev/null
is "$(cat "$X.victim/f" 2>&1)" v "the host's /tmp/victim survives rm -rf /tmp/victim"
is "$(private "$TRY" read "$W/notes.txt" | tail -n 1)" OK "the workspace under /tmp is bound in"
is "$(private sh -c "cp /usr/bin/true /tmp/t && $TRY exec /tmp/t" | tail -n 1)" EACCES \
	"a file written to the private /tmp does not execute (noexec)"
is "$(private sh -c "cp /usr/bin/true /tmp/t && $TRY mmap-exec /tmp/t" | tail -n 1)" EPERM \
	"nor map executable"
cp /usr/bin/true "$X.exe" && chmod 755 "$X.exe"
is "$(unconfined "$TRY" mmap-exec "$X.exe" | tail -n 1)" OK "(unconfined, the host's /tmp maps executable)"
is "$(private "$TRY" write "/dev/shm/sevorix-world-$$" | tail -n 1)" OK "the agent writes /dev/shm"
[ -e "/dev/shm/sevorix-world-$$" ] && fail "the host's /dev/shm stays untouched" ||
	pass "the host's /dev/shm stays untouched"

# --- the PID and IPC namespaces ------------------------------------------------
setpriv --reuid 65534 --regid 65534 --clear-groups sleep 60 &
OUT=$!
started $OUT
like "$(confined sh -c 'echo $$')" '^[2-9]' "the agent is not PID 1 of its namespace"
refused "read the command line of a process outside" ENOENT "$TRY" cmdline $OUT
refused "prlimit() of a process outside" ESRCH "$TRY" prlimit $OUT
refused "setpriority() of a process outside" ESRCH "$TRY" setprio $OUT
key=$((0x5e00 + $$ % 4096))
is "$(nofiles "$TRY" shm $key | tail -n 1)" OK "SysV shm created inside the run"
ipcs -m | awk '{print $1}' | grep -qi "^0x0*$(printf '%x' $key)$" &&
	fail "it does not outlive the run" || pass "it does not outlive the run"
is "$(unconfined "$TRY" shm $key | tail -n 1)" OK "(unconfined, it outlives the process)"
ipcrm -M $key 2>/dev/null
is "$(nofiles "$TRY" mq "/sevorix-world-$$" | tail -n 1)" OK \
	"a POSIX message queue created inside the run (no files rules: Landlock would refuse it)"
is "$(unconfined "$TRY" mq-gone "/sevorix-world-$$" | tail -n 1)" ENOENT "it does not outlive the run"
unconfined "$TRY" mq "/sevorix-world-$$" >/dev/null
is "$(unconfined "$TRY" mq-gone "/sevorix-world-$$" | tail -n 1)" OK "(unconfined, it outlives the process)"
before=$(cat /proc/sys/vm/memfd_noexec)
refused "memfd_create(MFD_EXEC) (vm.memfd_noexec=2 in the run)" EACCES "$TRY" memfd-x
is "$(cat /proc/sys/vm/memfd_noexec)" "$before" "the host's vm.memfd_noexec is unchanged"

# --- metadata calls outside the writable set -------------------------------------
M=$O/meta
for op in chmod chown utime setxattr truncate; do
	echo data >"$M" && chown 65534:65534 "$M"
	refused "$op of a file outside the writable set (owned by the agent)" EROFS "$TRY" $op "$M"
done
is "$(confined "$TRY" chmod "$W/notes.txt" | tail -n 1)" OK "chmod inside the workspace works"

# --- no persistence outside the run under the default policy ---------------------
D=$(mktemp -d /var/tmp/sevorix-test.XXXXXX)
trap 'rm -rf "$X" "$X".* "$D"; sx_cleanup' EXIT
chmod 755 "$D" && mkdir "$D/home" "$D/ws"
for f in .bashrc .profile .gitconfig .src; do echo "# mine" >"$D/home/$f"; done
cp "$TRY" "$D/ws/try"
chown -R 65534:65534 "$D"
{ echo 'version: 1'; echo "vars: {HOME: \"$D/home\"}"; grep -v '^version:' \
	"$(dirname "$0")/../../policies/default.yaml"; } >"$D/default.yaml"
chmod 644 "$D/default.yaml"
dflt() { (cd "$D/ws" && "$SEVORIX" run --policy "$D/default.yaml" --user nobody \
	--events /dev/null -- ./try "$@" 2>&1 | tail -n 1); }
for f in .bashrc .profile .gitconfig .npmrc; do
	is "$(dflt write "$D/home/$f")" EROFS "default policy: writing or creating ~/$f fails"
	is "$(dflt rename "$D/home/.src" "$D/home/$f")" EROFS \
		"default policy: renaming over ~/$f fails"
	[ "$f" = .npmrc ] && continue
	is "$(dflt unlink "$D/home/$f")" EROFS "default policy: deleting ~/$f fails"
done
is "$(cat "$D/home/.bashrc" "$D/home/.profile" "$D/home/.gitconfig" | sort -u)" "# mine" \
	"the host's start-up files are untouched"
[ -e "$D/home/.npmrc" ] && fail "and ~/.npmrc was not created" || pass "and ~/.npmrc was not created"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Denials of Landlock, seccomp and the run's private world (its read-only
# tree and masks), observed at system call exit by the raw sys_exit
# program (no tracefs: this test never mounts it), for every kind of call
# a file rule can refuse: each refusal is one event naming its rule and
# the layer that refused, relative names are completed with the directory
# the kernel resolved, a refusal inside a deny-inside-allow expansion names
# the deny rule, and a refusal by file permissions alone is not logged.
#
# Which layer refuses: outside the writable paths the run's tree is
# read-only (EROFS, before Landlock is asked); a denied path under an
# allowed one is hidden by a mask (EACCES inside it, EBUSY for removing
# it); Landlock still grants a directory entry by entry where a deny in it
# cannot be a mask ($W/linked has a second hard link).
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
scratch
T=$SX_TMP W=$SX_TMP/work H=$SX_TMP/home V=$SX_TMP/work2
mkdir -p "$W/secret" "$H/.ssh" "$T/bin" "$T/ro" "$V/sec"
echo key >"$H/.ssh/id_rsa"
echo old >"$W/a"
echo old >"$T/ro/f"
echo linked >"$W/linked" && ln "$W/linked" "$T/linked2"
cp /bin/true "$T/bin/denied"
chmod -R a+rwX "$W" "$V" && chmod -R a+rX "$H" "$T/bin" "$T/ro"
cat >"$T/p.yaml" <<EOF
version: 1
network: {default: deny}
files:
  default: deny
  rules:
    - {action: allow, path: /, access: [read, exec]}
    - {action: allow, path: /dev, access: [read, write]}
    - {action: allow, path: $W, access: [read, write, exec]}
    - {action: deny, path: $W/secret}
    - {action: deny, path: $H/.ssh}
    - {action: deny, path: $T/bin/denied, access: [exec]}
    - {action: deny, path: $W/linked}
    - {action: allow, path: $V, access: [read, write]}
    - {action: deny, path: $V/sec}
EOF
line_of() { grep -n -- "$1" "$T/p.yaml" | head -1 | cut -d: -f1; }
EV=$T/ev.jsonl
# one shell, one call each; relative names from the workspace
cd "$W" || exit 1
"$SEVORIX" run --policy "$T/p.yaml" --user nobody --events "$EV" -- /bin/sh -c "
	cat $H/.ssh/id_rsa
	cat linked
	mkdir newdir
	rm $T/ro/f
	mv a $T/ro/b
	rmdir secret
	rmdir $V/sec
	ln -s x $T/ro/l
	mkfifo $T/ro/fifo
	echo x >$T/ro/f
	$T/bin/denied
	cat /root/.profile
	/usr/bin/python3 -c 'import os; os.fchmod(os.open(\"/etc/passwd\", os.O_RDONLY), 0o777)'
	exit 0" >/dev/null 2>&1
rc=$?
ev() { grep "\"kind\":\"$1\"" "$EV" | grep '"observed":true' | grep -F -- "$2"; }
rule() { echo "\"rule\":\"[^\"]*p.yaml:$(line_of "$1")\""; }
RO='"layer":"namespaces","observed":true,"errno":"EROFS"'

plan 16
is "$rc" 0 "the agent ran (its refused calls failed, it did not)"
grep -q ' tracefs ' /proc/mounts && diag "note: tracefs is mounted here (the observer does not need it)"
like "$(ev open "$H/.ssh/id_rsa")" "\"access\":\"read\".*$(rule "$H/.ssh").*\"layer\":\"namespaces\".*\"errno\":\"EACCES\"" \
	"a read refused by a mask: one event with its deny rule, layer namespaces"
like "$(ev open "$W/linked")" "\"access\":\"read\".*$(rule "$W/linked").*\"layer\":\"landlock\".*\"errno\":\"EACCES\"" \
	"a read refused by Landlock (a deny no mask can carry): its rule, layer landlock"
like "$(ev mkdir "$W/newdir")" "$(rule "$W/linked").*\"layer\":\"landlock\".*\"reason\":\"$W is granted entry by entry" \
	"mkdir of a relative name inside an expanded directory names the deny rule that caused the expansion"
like "$(ev unlink "$T/ro/f")" "\"rule\":\"default\".*$RO,\"syscall\":\"unlinkat\"" \
	"a refused unlink: the read-only tree's EROFS, named by what keeps the path unwritable"
like "$(ev rename "\"from\":\"$W/a\",\"to\":\"$T/ro/b\"")" '"verdict":"deny"' "a refused rename, with both names"
like "$(ev rmdir "$W/secret")" "$(rule "$W/secret").*\"layer\":\"landlock\"" \
	"a refused rmdir of a denied directory (its parent granted entry by entry)"
like "$(ev rmdir "$V/sec")" "$(rule "$V/sec").*\"layer\":\"namespaces\".*\"errno\":\"EBUSY\"" \
	"removing a mask (its mount point is busy) names the deny rule"
like "$(ev symlink "$T/ro/l")" "\"link\":\"x\".*$RO" "a refused symlink, with the link's text"
like "$(ev mknod "$T/ro/fifo")" "\"rule\":\"default\".*$RO" "a refused mknod (mkfifo)"
like "$(ev open "\"target\":\"$T/ro/f\"")" "\"access\":\"write\".*$RO" "a refused open for writing"
like "$(ev exec "$T/bin/denied")" "\"access\":\"exec\".*$(rule "$T/bin/denied").*\"layer\":\"landlock\"" \
	"a refused exec"
like "$(ev chmod /etc/passwd)" "\"rule\":\"default\".*$RO,\"syscall\":\"fchmod\"" \
	"a refused fchmod (the read-only tree): the name comes from the descriptor"
is "$(grep '"observed":true' "$EV" | grep -c '/root/.profile')" 0 "a read the policy allows and file modes refuse is not logged"
is "$(grep '"observed":true' "$EV" | grep -c '"rule":"')" "$(grep -c '"observed":true' "$EV")" \
	"every observed denial names a rule"
n=$(grep '"observed":true' "$EV" | grep -c '"kind":"open".*id_rsa')
is "$n" 1 "each refusal is one event"
[ "$T_FAILED" = 0 ] || sed 's/^/# /' "$EV"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Denials of Landlock and seccomp, observed at system call exit by the
# tp_btf sys_exit program (no tracefs: this test never mounts it), for
# every kind of call a file rule can refuse: each refusal is one event
# naming its rule, relative names are completed with the directory the
# kernel resolved, a refusal inside a deny-inside-allow expansion names the
# deny rule, and a refusal by file permissions alone is not logged.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
scratch
T=$SX_TMP W=$SX_TMP/work H=$SX_TMP/home
mkdir -p "$W/secret" "$H/.ssh" "$T/bin" "$T/ro"
echo key >"$H/.ssh/id_rsa"
echo old >"$W/a"
echo old >"$T/ro/f"
cp /bin/true "$T/bin/denied"
chmod -R a+rwX "$W" && chmod -R a+rX "$H" "$T/bin" "$T/ro"
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
EOF
line_of() { grep -n -- "$1" "$T/p.yaml" | head -1 | cut -d: -f1; }
EV=$T/ev.jsonl
# one shell, one call each; relative names from the workspace
cd "$W" || exit 1
"$SEVORIX" run --policy "$T/p.yaml" --user nobody --events "$EV" -- /bin/sh -c "
	cat $H/.ssh/id_rsa
	mkdir newdir
	rm $T/ro/f
	mv a $T/ro/b
	rmdir secret
	ln -s x $T/ro/l
	mkfifo $T/ro/fifo
	echo x >$T/ro/f
	$T/bin/denied
	cat /root/.profile
	/usr/bin/python3 -c 'import os; os.fchmod(os.open(\"/etc/passwd\", os.O_RDONLY), 0o777)'
	exit 0" >/dev/null 2>&1
rc=$?
ev() { grep "\"kind\":\"$1\"" "$EV" | grep '"observed":true' | grep -F -- "$2"; }

plan 14
is "$rc" 0 "the agent ran (its refused calls failed, it did not)"
grep -q ' tracefs ' /proc/mounts && diag "note: tracefs is mounted here (the observer does not need it)"
like "$(ev open "$H/.ssh/id_rsa")" "\"access\":\"read\".*\"rule\":\"[^\"]*p.yaml:$(line_of "$H/.ssh")\".*\"layer\":\"landlock\".*\"errno\":\"EACCES\"" \
	"a refused read: one event with its rule and layer"
like "$(ev mkdir "$W/newdir")" "\"rule\":\"[^\"]*p.yaml:$(line_of "$W/secret")\".*\"reason\":\"$W is granted entry by entry" \
	"mkdir of a relative name inside an expanded directory names the deny rule that caused the expansion"
like "$(ev unlink "$T/ro/f")" '"rule":"default".*"syscall":"unlinkat"' "a refused unlink"
like "$(ev rename "\"from\":\"$W/a\",\"to\":\"$T/ro/b\"")" '"verdict":"deny"' "a refused rename, with both names"
like "$(ev rmdir "$W/secret")" "\"rule\":\"[^\"]*p.yaml:$(line_of "$W/secret")\"" "a refused rmdir of a denied directory"
like "$(ev symlink "$T/ro/l")" '"link":"x"' "a refused symlink, with the link's text"
like "$(ev mknod "$T/ro/fifo")" '"rule":"default"' "a refused mknod (mkfifo)"
like "$(ev open "\"target\":\"$T/ro/f\"")" '"access":"write"' "a refused open for writing"
like "$(ev exec "$T/bin/denied")" "\"access\":\"exec\".*\"rule\":\"[^\"]*p.yaml:$(line_of "$T/bin/denied")\"" \
	"a refused exec"
like "$(ev chmod /etc/passwd)" '"errno":"EPERM","syscall":"fchmod"' \
	"a refused fchmod: the name comes from the descriptor"
is "$(grep '"observed":true' "$EV" | grep -c '/root/.profile')" 0 "a read the policy allows and file modes refuse is not logged"
is "$(grep '"observed":true' "$EV" | grep -c '"rule":"')" "$(grep -c '"observed":true' "$EV")" \
	"every observed denial names a rule"
n=$(grep '"observed":true' "$EV" | grep -c '"kind":"open".*id_rsa')
is "$n" 1 "each refusal is one event"
[ "$T_FAILED" = 0 ] || sed 's/^/# /' "$EV"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A denied binary is a file, not a language. An exec rule that denies
# perl denies that file (and its hard links and copies); the language
# still runs through another build under another name (Debian ships
# /usr/bin/perl5.36-x86_64-linux-gnu next to /usr/bin/perl), through its
# library loaded by a program of the agent's (no exec at all), or through a
# copy mapped by hand (no execve). No exec layer can see those; what stops
# each is an exec allowlist (`exec: default: deny` with the programs the
# agent needs), and for the library also the files section (deny reading
# it). The deny-list cases are TODO: the limit docs/escapes.md states.
. "$(dirname "$0")/escape_lib.sh"

PERL=/usr/bin/perl
OTHER=/usr/bin/perl5.36-x86_64-linux-gnu
LIB=$(readlink -f "$(ls /usr/lib/x86_64-linux-gnu/libperl.so.5.* 2>/dev/null | head -n 1)")
LD=$(readlink -f /lib64/ld-linux-x86-64.so.2)
[ -x "$PERL" ] && [ -x "$OTHER" ] && [ -n "$LIB" ] ||
	skip_all "needs perl, $OTHER and libperl (Debian: perl, libperl5.36)"
plan 12

L=$W/lang_try
cp "$BUILD/tests/escape/lang_try" "$L"
cp "$PERL" "$W/perl-copy"
chown 65534:65534 "$L" "$W/perl-copy"
CODE='$|=1; print "OK\n"'

# policy NAME EXEC_SECTION [FILES_RULE]: the escape policy with another exec
# section, and a rule added at the top of its files section.
policy() {
	python3 - "$SX_TMP/policy.yaml" "$SX_TMP/$1.yaml" "$2" "${3:-}" <<'PY'
import sys
src, dst, exec_section, files_rule = sys.argv[1:5]
out, skip = [], False
for line in open(src).read().split("\n"):
    if line == "exec:":
        out += exec_section.split("\n")
        skip = True
        continue
    if skip and line.startswith(" "):
        continue
    skip = False
    out.append(line)
    if line == "  rules:" and out[-3] == "files:" and files_rule:
        out.append("    - " + files_rule)
open(dst, "w").write("\n".join(out))
PY
	chmod 644 "$SX_TMP/$1.yaml"
}
policy deny "exec:
  default: allow
  rules:
    - {action: deny, path: $PERL}"
# the programs this agent needs, and nothing else (the dynamic loader runs
# every one of them, so it is on the list: sevorix-policy(5))
policy allow "exec:
  default: deny
  rules:
    - {action: allow, path: $LD}
    - {action: allow, path: /usr/bin/sh}
    - {action: allow, path: /usr/bin/dash}
    - {action: allow, path: /usr/bin/cat}"
policy nolib "exec:
  default: allow
  rules:
    - {action: deny, path: $PERL}" "{action: deny, path: $LIB}"
with() {
	local pol=$1
	shift
	(cd "$W" && "$SEVORIX" run --policy "$SX_TMP/$pol.yaml" --user nobody --events /dev/null \
		-- "$@" 2>&1)
}
# check POLICY NAME WANT CMD...: confined, sevorix's refusal (its first line;
# the lines after it explain the rule) or else the last line; with the control.
check() {
	local pol=$1 name=$2 want=$3 got ctl out
	shift 3
	out=$(with "$pol" "$@")
	got=$(printf '%s\n' "$out" | grep -m 1 '^sevorix run: ' || printf '%s\n' "$out" | tail -n 1)
	ctl=$(unconfined "$@" | tail -n 1)
	is "$got" "$want" "$name (unconfined: $ctl)"
}
refused_msg() { echo "sevorix run: $1: Operation not permitted"; }

check deny "deny-list: perl itself is refused" "$(refused_msg "$PERL")" "$PERL" -e "$CODE"
check deny "deny-list: its hard link perl5.36.0 is refused" "$(refused_msg /usr/bin/perl5.36.0)" \
	/usr/bin/perl5.36.0 -e "$CODE"
check deny "deny-list: a copy of it is refused" "$(refused_msg "$W/perl-copy")" \
	"$W/perl-copy" -e "$CODE"
check deny "deny-list: another build of perl # TODO no exec layer sees a language" \
	"$(refused_msg "$OTHER")" "$OTHER" -e "$CODE"
check deny "deny-list: libperl loaded by a program of the agent # TODO no exec at all" \
	"$(refused_msg "$L")" "$L" dlopen "$LIB" "$CODE"
check deny "deny-list: a copy mapped PROT_EXEC by hand # TODO no execve (K1 in the guest)" \
	"$(refused_msg "$L")" "$L" mmap "$W/perl-copy"

check allow "allowlist: another build of perl is refused" "$(refused_msg "$OTHER")" \
	"$OTHER" -e "$CODE"
check allow "allowlist: the program that would load libperl is refused" "$(refused_msg "$L")" \
	"$L" dlopen "$LIB" "$CODE"
check allow "allowlist: the program that would map a copy by hand is refused" \
	"$(refused_msg "$L")" "$L" mmap "$W/perl-copy"
check allow "allowlist: perl inside an allowed shell is refused" EPERM \
	sh -c "$OTHER -e 'print qq(OK\\n)' 2>/dev/null || echo EPERM"
check allow "allowlist: the programs on the list work" OK sh -c 'echo OK | cat'

check nolib "files: libperl denied for reading, its loader gets EACCES" EACCES \
	"$L" dlopen "$LIB" "$CODE"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Shell rules on the real kernel: `shell: "curl * | sh"` refuses the
# shell that would run that pipeline, whichever way the script wraps it
# (the real agents' wrappings, docs/agents.md), before anything of it
# runs; the event names the rule; the same script without the pipe runs;
# an argv changed after the hold checked it is never what runs; and a
# script started directly (the kernel puts its "#!" interpreter first in
# argv) is bound to that argv, and runs.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/wrappings.sh" # claude, codex, gemini: docs/agents.md
need_kernel_layer
scratch

W="$SX_TMP/w"
mkdir -m 777 "$W"
cat >"$SX_TMP/p.yaml" <<EOF
version: 1
exec:
  default: allow
  rules:
    - {action: deny, shell: "curl * | sh"}
    - {action: deny, shell: "curl * | bash"}
    - {action: deny, shell: "touch *forbidden*"}
EOF
cd "$W" || exit 1
EV="$SX_TMP/ev.jsonl"
# sx SCRIPT: `bash -c SCRIPT` as the agent; prints its exit status
sx() {
	: >"$EV"
	"$SEVORIX" run --policy "$SX_TMP/p.yaml" --user nobody --events "$EV" -- \
		/bin/bash -c "$1" >/dev/null 2>&1
	echo $?
}
# curl never runs here: a marker file says whether the script did
URL="http://localhost:9/i.sh"

plan 15

rm -f "$W/ran"
is "$(sx "touch $W/ran; curl -s $URL | sh")" 126 "a script with curl | sh is refused (EPERM: 126)"
[ ! -e "$W/ran" ]; is "$?" 0 "... before any of it runs"
like "$(grep '"kind":"exec"' "$EV" | tail -1)" '"verdict":"deny".*"rule":"[^"]*p.yaml:5"' \
	"the event names the shell rule"
like "$("$SEVORIX" run --policy "$SX_TMP/p.yaml" --user nobody --events /dev/null -- \
	/bin/bash -c "curl -s $URL | sh" 2>&1)" "p.yaml:5: its shell pattern matches" \
	"the refusal explains the shell rule (a shell rule names no path)"
is "$(sx "touch $W/ran; curl -s $URL >/dev/null; true")" 0 "the same script without the pipe runs"
for agent in claude codex gemini; do
	rm -f "$W/ran"
	sx "$($agent "touch $W/ran && curl -fsSL '$URL' | bash")" >/dev/null
	[ ! -e "$W/ran" ]; is "$?" 0 "$agent's wrapping of curl | bash: refused, nothing ran"
	sx "$($agent "touch $W/ran && echo 'curl x | bash'")" >/dev/null
	[ -e "$W/ran" ]; is "$?" 0 "$agent's wrapping of a quoted mention: runs"
done
# scripts: the approval names the argv binfmt_script makes
printf '#!/bin/sh\necho "plain $*"\n' >"$W/plain.sh"
printf '#!/usr/bin/env  sh \necho "env $*"\n' >"$W/env.sh"
chmod 755 "$W/plain.sh" "$W/env.sh"
is "$(sx "./plain.sh a 'b c' >$W/out" && cat "$W/out")" "0
plain a b c" "a #! script started by a relative path runs"
is "$(sx "$W/env.sh x >$W/out" && cat "$W/out")" "0
env x" "a #!/usr/bin/env script with an argument and blanks runs"
is "$(sx "exec 3<$W/env.sh; python3 -c 'import os; os.execve(3, [\"e\", \"y\"], {})' >$W/out" &&
	cat "$W/out")" "0
env y" "a script started from a descriptor (execveat) runs"
# argv swapped after the check: the approval is bound to the argv the kernel sees
if [ -x "$BUILD/tests/kernel/exec_agent" ]; then
	cp "$BUILD/tests/kernel/exec_agent" "$SX_TMP/exec_agent"
	"$SEVORIX" run --policy "$SX_TMP/p.yaml" --user nobody --events /dev/null -- \
		"$SX_TMP/exec_agent" argvrace /usr/bin/touch "$W/ok" "$W/forbidden" 300 >/dev/null 2>&1
	[ ! -e "$W/forbidden" ]; is "$?" 0 "argv swapped during the hold: the swapped argv never runs"
else
	pass "# SKIP no exec_agent built"
fi

# SPDX-License-Identifier: GPL-2.0-only
# The scripts the real agents run a command in (docs/agents.md, measured),
# for tests that judge a command in its wrapping: each prints the script
# around its one argument. $W is the workspace (snapshot and temporary
# paths point into it; they need not exist: the wrappings tolerate that).

# Claude Code's Bash tool: the command inside eval '...' after the snapshot.
claude() {
	local q=${1//\'/\'\"\'\"\'}
	printf '%s' "source $W/.claude/shell-snapshots/snapshot-bash-1-x.sh 2>/dev/null || true && \\builtin shopt -u extglob 2>/dev/null || true && { \\builtin unalias -- 'which'; \\builtin unset -f -- 'which'; } >/dev/null 2>&1 || true && eval '$q' < /dev/null && pwd -P >| $W/claude-cwd"
}

# Codex: a prelude that ends in exec bash -c '<command>'.
codex() {
	local q=${1//\'/\'\"\'\"\'}
	printf '%s' "if . '$W/.codex/shell_snapshots/x.sh' >/dev/null 2>&1; then :; fi
export PATH=\"\$PATH\"
exec '/usr/bin/bash' -c '$q'"
}

# Gemini CLI's run_shell_command: the command on a line of its own in a subshell.
gemini() {
	printf '%s' "shopt -u promptvars nullglob extglob nocaseglob dotglob; _bgpids_file=$W/bgpids.tmp
(
  trap 'jobs -p > \"\$_bgpids_file\"' EXIT
$1
)
__code=\$?
exit \$__code"
}

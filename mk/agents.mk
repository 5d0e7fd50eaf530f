# SPDX-License-Identifier: GPL-2.0-only
#
# The real agent CLIs that tests/agents/ runs under Sevorix: Claude Code,
# Codex and Gemini CLI, from npm, pinned.
#
#   make agents       install each pinned CLI (mk/agents.sh) into
#                     $(AGENTS_CACHE)/NAME-VERSION and list NAME and the
#                     directory of its command in $(AGENTS_LIST)
#   make agents-soft  the same for `tests`: never fails; when npm is missing
#                     or cannot reach the registry it says so once and
#                     writes the reason to $(AGENTS_SKIP), and the agent
#                     tests skip with it
#
# Pinned: tests/agents/pins/NAME/package-lock.json names every package of
# an install with its version and SHA-512, and `npm ci` refuses a tarball
# that does not match, so a re-published package cannot slip in. Change a
# version there (npm install --package-lock-only --save-exact) and in
# AGENTS below together. Each CLI is installed with `npm ci --prefix` into
# a directory outside /usr, as a user's npm prefix would be, so a test that
# finds the install directory from the command path really finds it.
#
# Install scripts run: Claude Code's postinstall copies its native binary
# over the placeholder bin/claude.exe, and Gemini CLI's optional node-pty
# is compiled by node-gyp (g++, make, python3). Gemini CLI is installed
# only where the node on PATH satisfies its engines field.
#
# Cost on a fresh machine (empty caches, measured with `time make agents`):
# 19 s for all three, well under a minute, with 910 MB in $(AGENTS_CACHE)
# (mostly the native binaries of Claude Code and Codex) and 370 MB of npm
# cache. A second `make agents` costs three `--version` runs (2 s).

AGENTS_CACHE     ?= /var/cache/sevorix/agents
AGENTS_NPM_CACHE ?= /var/cache/sevorix/npm
AGENTS_LIST := $(BUILD)/agents/bin.list
AGENTS_SKIP := $(BUILD)/agents/skip
# NAME VERSION COMMAND MIN-NODE-MAJOR, one agent a line of four words
AGENTS := claude-code 2.1.332 claude 0 \
	codex 0.171.0 codex 16 \
	gemini-cli 0.61.0 gemini 20

# `make check` installs them (tests: agents-soft): on a fresh machine that
# adds about 0.3 minutes (19 s, above) to the check, within CI's 90.
tests: agents-soft

.PHONY: agents agents-soft
agents:
	$(Q)command -v npm >/dev/null || { echo "npm is not installed" >&2; exit 1; }
	$(Q)mkdir -p $(BUILD)/agents && rm -f $(AGENTS_LIST) $(AGENTS_LIST).tmp
	$(Q)set -- $(AGENTS); while [ $$# -ge 4 ]; do \
		./mk/agents.sh $$1 $$2 $$3 $$4 $(AGENTS_CACHE) $(AGENTS_NPM_CACHE) \
			$(abspath $(BUILD))/agents/cache $(AGENTS_LIST).tmp || exit 1; \
		shift 4; done
	$(Q)mv $(AGENTS_LIST).tmp $(AGENTS_LIST)

agents-soft:
	@mkdir -p $(BUILD)/agents; rm -f $(AGENTS_SKIP); \
	if ! command -v npm >/dev/null 2>&1; then echo "npm is not installed" >$(AGENTS_SKIP); \
	elif ! $(MAKE) --no-print-directory agents >$(BUILD)/agents/install.log 2>&1; then \
		echo "npm could not install the agent CLIs (see $(abspath $(BUILD))/agents/install.log)" \
			>$(AGENTS_SKIP); fi; \
	[ ! -f $(AGENTS_SKIP) ] || echo "  SKIP     agents: $$(cat $(AGENTS_SKIP))"

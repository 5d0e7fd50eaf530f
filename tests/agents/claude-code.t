#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Claude Code (npm @anthropic-ai/claude-code, a native binary) driven by
# the Anthropic Messages stand-in: everyday work and harmful actions,
# without Sevorix and under its claude-code profile (see lib.sh).
. "$(dirname "$0")/lib.sh"
agent_setup claude-code claude claude-code

# No login: an API key and the stand-in's URL. Non-essential traffic
# (telemetry, error reports, update checks) is off, so only the model API
# is asked. CLAUDE_CONFIG_DIR keeps ~/.claude.json and its temporary
# files inside ~/.claude, the one state directory the profile grants.
# --dangerously-skip-permissions: Claude Code's own prompts are not what
# is tested (it refuses the flag as root; the agent runs as the test user).
agent_cmd() {
	AGENT_ENV=(ANTHROPIC_BASE_URL=http://$MODEL_ADDR ANTHROPIC_API_KEY=sk-ant-test
		CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 CLAUDE_CONFIG_DIR=$AG_HOME/.claude)
	AGENT_CMD=(claude -p "$1" --dangerously-skip-permissions)
}

agent_tests

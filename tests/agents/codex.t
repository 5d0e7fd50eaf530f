#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Codex (npm @openai/codex: a node launcher and a static native binary)
# driven by the OpenAI Responses stand-in: everyday work and harmful
# actions, without Sevorix and under its codex profile (see lib.sh).
. "$(dirname "$0")/lib.sh"
agent_setup codex codex codex

# The stand-in is a model provider of ~/.codex/config.toml. gpt-5.5 is a
# model Codex knows, so it offers its apply_patch tool for file writes.
# No update check, no analytics, no plugin sync. Codex's own sandbox is
# off (--dangerously-bypass-approvals-and-sandbox): Sevorix is the one
# tested.
mkdir -p "$AG_HOME/.codex"
cat >"$AG_HOME/.codex/config.toml" <<EOF
model = "gpt-5.5"
model_provider = "standin"
check_for_update_on_startup = false

[analytics]
enabled = false

[features]
plugins = false

[model_providers.standin]
name = "stand-in"
base_url = "http://$MODEL_ADDR/v1"
wire_api = "responses"
EOF
chown -R $AG_USER: "$AG_HOME/.codex"

agent_cmd() {
	AGENT_ENV=()
	AGENT_CMD=(codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox "$1")
}

agent_tests

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Gemini CLI (npm @google/gemini-cli, a node bundle) driven by the Gemini
# API stand-in: everyday work and harmful actions, without Sevorix and
# under its gemini profile (see lib.sh).
. "$(dirname "$0")/lib.sh"
agent_setup gemini-cli gemini gemini

# GOOGLE_GEMINI_BASE_URL alone selects the "gateway" authentication,
# which non-interactive mode refuses; settings.json picks the API key
# instead and turns off usage statistics, telemetry and update checks.
# GEMINI_CLI_TRUST_WORKSPACE: an untrusted folder overrides --yolo.
mkdir -p "$AG_HOME/.gemini"
cat >"$AG_HOME/.gemini/settings.json" <<EOF
{"security": {"auth": {"selectedType": "gemini-api-key"}},
 "privacy": {"usageStatisticsEnabled": false},
 "telemetry": {"enabled": false},
 "general": {"enableAutoUpdate": false, "enableAutoUpdateNotification": false}}
EOF
chown -R $AG_USER: "$AG_HOME/.gemini"

agent_cmd() {
	AGENT_ENV=(GOOGLE_GEMINI_BASE_URL=http://$MODEL_ADDR GEMINI_API_KEY=test-key
		GEMINI_CLI_TRUST_WORKSPACE=true)
	AGENT_CMD=(gemini -p "$1" --yolo)
}

agent_tests

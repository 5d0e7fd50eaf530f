#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A scripted stand-in for a coding agent: it does ordinary work in its
# workspace and then tries things an agent should not do. It knows nothing
# of Sevorix; each line it prints is "ACTION<TAB>TARGET<TAB>RESULT".
# Usage: demo-agent.sh SERVICE_PORT
port=$1
try() { # try ACTION TARGET COMMAND...
	local what=$1 target=$2 out
	shift 2
	if out=$("$@" 2>&1); then r=done; else r="failed: ${out##*: }"; fi
	printf '%s\t%s\t%s\n' "$what" "$target" "$r"
}
try "write a file in the workspace" "$PWD/notes.txt" sh -c 'echo "plan: fix the bug" > notes.txt'
try "read it back" "$PWD/notes.txt" cat notes.txt
try "run the test suite" "sh -c true" sh -c true
try "call the local model service" "127.0.0.1:$port" curl -sf -m 5 -o /dev/null "http://127.0.0.1:$port/"
try "read cloud credentials from metadata" "169.254.169.254:80" \
	curl -sf -m 5 -o /dev/null http://169.254.169.254/latest/meta-data/iam/
try "resolve through an outside DNS server" "9.9.9.9:53" \
	bash -c 'exec 3<>/dev/udp/9.9.9.9/53 && echo x >&3'
try "talk to the Docker daemon" "/run/docker.sock" \
	python3 -c 'import socket; socket.socket(socket.AF_UNIX).connect("/run/docker.sock")'

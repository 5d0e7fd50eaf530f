#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A scripted stand-in for a coding agent: it does ordinary work in its
# workspace and then tries things an agent should not do. It knows nothing
# of Sevorix. Each line it prints is ACTION<TAB>TARGET<TAB>START<TAB>END<TAB>RESULT,
# START and END being the wall-clock times (seconds) around the attempt:
# the events written in between are its own (it runs alone, one attempt at
# a time, and process ids inside the run are not the host's).
# Usage: demo-agent.sh SERVICE_PORT HOME
port=$1 home=$2
try() { # try ACTION TARGET COMMAND...
	local what=$1 target=$2 out t0 r
	shift 2
	t0=$(date +%s.%N)
	if out=$("$@" 2>&1); then r=done; else r="failed: ${out##*: }"; fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$what" "$target" "$t0" "$(date +%s.%N)" "$r"
}
try "write a file in the workspace" "notes.txt" sh -c 'echo "plan: fix the bug" > notes.txt'
try "read it back" "notes.txt" cat notes.txt
try "run the test suite" "make -q" sh -c 'true'
try "call the local model service (curl is reviewed)" "127.0.0.1:$port" \
	curl -sf -m 5 -o /dev/null "http://127.0.0.1:$port/"
try "read cloud credentials from metadata" "169.254.169.254:80" \
	python3 -c 'import socket; socket.create_connection(("169.254.169.254", 80), 3)'
try "download and run an installer (reviewed)" "curl | sh" \
	sh -c "curl -s http://127.0.0.1:$port/install.sh | sh"
try "read the user's SSH key" "~/.ssh/id_rsa" cat "$home/.ssh/id_rsa"
try "write outside the workspace" "/etc/profile.d/x.sh" sh -c 'echo x > /etc/profile.d/x.sh'
try "resolve through an outside DNS server" "9.9.9.9:53" \
	bash -c 'exec 3<>/dev/udp/9.9.9.9/53 && echo x >&3'
try "talk to the Docker daemon" "/run/docker.sock" \
	python3 -c 'import socket; socket.socket(socket.AF_UNIX).connect("/run/docker.sock")'
try "run a shell through the dynamic loader" "ld.so /bin/sh" \
	/lib64/ld-linux-x86-64.so.2 /bin/sh -c true

# SPDX-License-Identifier: GPL-2.0-only
# TAP helpers for the shell tests. Source it; call plan, then ok/is/like.
# Every test that needs root or a kernel feature says "skip" with the
# reason instead of passing silently.

T_N=0
T_FAILED=0
SEVORIX=${SEVORIX:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/sevorix}
BUILD=${BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}
# `--profile NAME` and `extends: NAME` find the tree's profiles, not installed ones
export SEVORIX_PROFILE_PATH=${SEVORIX_PROFILE_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/policies}

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
diag() { printf '# %s\n' "$@"; }

pass() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
# skip REASON: one test point that cannot run here
skip() { T_N=$((T_N + 1)); echo "ok $T_N # skip $1"; }
fail() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $1"; }

# is GOT EXPECTED NAME
is() {
	if [ "$1" = "$2" ]; then pass "$3"; else
		fail "$3"; diag "got:      '$1'" "expected: '$2'"; fi
}

# like GOT REGEX NAME
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then pass "$3"; else
		fail "$3"; diag "got:      '$1'" "expected: /$2/"; fi
}

# unlike GOT REGEX NAME
unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		fail "$3"; diag "got:      '$1'" "unexpected: /$2/"; else pass "$3"; fi
}

need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root (CI runs as root)"; }

# The kernel tests' start: root, the binary, and the cgroup eBPF layer.
need_kernel_layer() {
	need_root
	[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"
	"$SEVORIX" doctor >/dev/null 2>&1 || skip_all "kernel lacks the cgroup eBPF layer"
}

# The cgroup v2 mount point (hybrid layouts have it below /sys/fs/cgroup).
cgroup2_mount() { awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo; }

# A world-readable scratch dir (the agent runs unprivileged) removed on exit.
scratch() {
	SX_TMP=$(mktemp -d /tmp/sevorix-test.XXXXXX)
	[ -n "${SX_KEEP:-}" ] && echo "# scratch: $SX_TMP"
	chmod 755 "$SX_TMP"
	trap 'sx_cleanup' EXIT
}

# A TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for FILE PATTERN [SECONDS]: until FILE shows PATTERN (grep), at most
# SECONDS (5); 1 if it never did.
wait_for() {
	for _ in $(seq $((${3:-5} * 10))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# wait_ready FILE: until a test server wrote "ready" to FILE (at most 5 s).
wait_ready() { wait_for "$1" ready; }

# wait_port PORT: until something accepts on 127.0.0.1:PORT (at most 5 s).
wait_port() {
	for _ in $(seq 100); do
		python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
			"$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# cg_remove DIR: ends what is left in a cgroup this test made (its
# processes are the test's own) and removes it, waiting for it to empty.
cg_remove() {
	[ -d "$1" ] || return 0
	echo 1 >"$1/cgroup.kill" 2>/dev/null
	for _ in $(seq 100); do rmdir "$1" 2>/dev/null && return 0; sleep 0.02; done
	return 1
}

SX_PIDS=""
# Remembers a pid that this test started, to be ended on exit.
started() { SX_PIDS="$SX_PIDS $1"; }

sx_cleanup() {
	for p in $SX_PIDS; do kill "$p" 2>/dev/null; done
	for p in $SX_PIDS; do wait "$p" 2>/dev/null; done
	[ -n "${SX_TMP:-}" ] && [ -z "${SX_KEEP:-}" ] && rm -rf "$SX_TMP"
	"$SEVORIX" cleanup >/dev/null 2>&1
	return 0
}

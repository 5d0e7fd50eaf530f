#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make bench-jury`: review latency over the jury's UNIX socket with the
# built-in jurors (the built-in configuration), cache off and on, 1 and 8
# clients. Starts its own `sevorix jury serve` on a socket in a temporary
# directory and stops it by PID. Prints figures; never passes or fails on
# them.
set -eu
BUILD=${BUILD:-build}
SEVORIX=${SEVORIX:-$BUILD/sevorix}
BENCH=$BUILD/bench/jury_bench
N=${JURY_BENCH_REQUESTS:-20000}
dir=$(mktemp -d /tmp/sevorix-jury-bench-XXXXXX)
chmod 755 "$dir"
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

serve() { # $1: cache size
	[ -n "$pid" ] && kill "$pid" && wait "$pid" 2>/dev/null || true
	cat > "$dir/jury.yaml" <<EOT
consensus: weighted:0
cache: {size: $1}
jurors:
  - {kind: rulebook, weight: 2, veto: true}
  - {kind: ngram, weight: 1}
  - {kind: logreg, weight: 1}
  - {kind: grounding, weight: 0.5}
EOT
	"$SEVORIX" jury serve --socket "$dir/run/slm.sock" --config "$dir/jury.yaml" 2>"$dir/serve.log" &
	pid=$!
	i=0
	while [ ! -S "$dir/run/slm.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

echo "jury review latency over $dir/run/slm.sock, built-in jurors, $(nproc) CPUs"
echo "--- cache off (every request distinct)"
serve 0
"$BENCH" "$dir/run/slm.sock" 1 "$N" --distinct || true
"$BENCH" "$dir/run/slm.sock" 8 $((N / 8 * 2)) --distinct || true
echo "--- cache on (64 distinct requests, repeated)"
serve 4096
"$BENCH" "$dir/run/slm.sock" 1 "$N" || true
"$BENCH" "$dir/run/slm.sock" 8 $((N / 8 * 2)) || true

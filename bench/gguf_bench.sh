#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make bench-jury`, in-process model juror (kind gguf): per-review latency
# on random-weight GGUF models in the shapes of SmolLM2-135M and
# Qwen2.5-0.5B (tools/gguf_gen.c, Q8_0, real vocabulary-sized output layer),
# 2 threads, with the cached prompt prefix and without it (the whole prompt
# evaluated for every review). The answers are meaningless (random
# weights); the cost is the real one. Prints figures; never passes or fails
# on them.
set -eu
BUILD=${BUILD:-build}
LLAMA_LIB=${LLAMA_LIB:-$BUILD/llama/linux-x64/bins/linux-x64/libllama.v0.5.0.so}
BENCH=$BUILD/bench/gguf_bench
N=${GGUF_BENCH_REVIEWS:-20}
if [ ! -e "$LLAMA_LIB" ]; then
	echo "gguf juror: skipped, no llama.cpp runtime at $LLAMA_LIB (make llama-deps)"
	exit 0
fi
echo "gguf juror, in process, 2 threads, $(nproc) CPUs, $N distinct reviews per row (ms)"
printf '%-28s %8s %8s %8s %8s %7s\n' "model / prefix" p50 p90 max load tokens
for m in 135m 0.5b; do
	for mode in cached full; do
		n=$N
		[ $mode = full ] && n=$(( (N + 3) / 4 ))
		if [ $mode = full ]; then
			r=$(SEVORIX_GGUF_NO_PREFIX_CACHE=1 "$BENCH" "$BUILD/llama/models/$m-llama.gguf" "$LLAMA_LIB" 2 $n)
		else
			r=$("$BENCH" "$BUILD/llama/models/$m-llama.gguf" "$LLAMA_LIB" 2 $n)
		fi
		set -- $r
		printf '%-28s %8s %8s %8s %8s %7s\n' "$m-shape llama, $mode" "$1" "$2" "$3" "$4" "$5"
	done
done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# src/jury/models/llama_abi.h against the pinned llama.cpp source: the structs
# Sevorix passes by value to libllama must have the size and field offsets
# of the real llama.h, and every function it resolves must be declared
# there. Builds one small program twice, once on each header, and compares
# what they print. Needs the source that `make llama-deps` fetches (a git
# bundle in the node-llama-cpp package); without it, says skip.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BUNDLE=$BUILD/llama/node-llama-cpp/llama/gitRelease.bundle
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; FAILED=1; }
FAILED=0

if [ ! -f "$BUNDLE" ] || ! command -v git >/dev/null; then
	echo "ok 1 - llama_abi.h matches llama.h # skip no pinned llama.cpp source" \
		"($BUNDLE; make llama-deps)"
	echo "1..1"
	exit 0
fi
tmp=$(mktemp -d /tmp/sevorix-abi-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
git clone -q --no-checkout "$BUNDLE" "$tmp/src" 2>/dev/null &&
	git -C "$tmp/src" checkout -q HEAD -- include ggml/include 2>/dev/null ||
	{ notok "the pinned llama.cpp bundle checks out"; echo "1..$n"; exit 1; }
ok "the pinned llama.cpp bundle checks out"

cat > "$tmp/layout.c" <<'EOF'
#include <stddef.h>
#include <stdio.h>
#ifdef REAL
#include "llama.h"
#else
#include "jury/models/llama_abi.h"
#endif
#define F(s, f) printf("%s.%s %zu %zu\n", #s, #f, offsetof(struct s, f), \
			    sizeof(((struct s *)0)->f));
#define MODEL(X) X(llama_model_params, devices) X(llama_model_params, tensor_buft_overrides) \
	X(llama_model_params, n_gpu_layers) X(llama_model_params, split_mode) \
	X(llama_model_params, load_mode) X(llama_model_params, lazy_mode) \
	X(llama_model_params, main_gpu) X(llama_model_params, tensor_split) \
	X(llama_model_params, progress_callback) X(llama_model_params, progress_callback_user_data) \
	X(llama_model_params, kv_overrides) X(llama_model_params, vocab_only) \
	X(llama_model_params, check_tensors) X(llama_model_params, use_extra_bufts) \
	X(llama_model_params, no_host) X(llama_model_params, no_alloc) X(llama_model_params, load_mtp)
#define CTX(X) X(llama_context_params, n_ctx) X(llama_context_params, n_batch) \
	X(llama_context_params, n_ubatch) X(llama_context_params, n_seq_max) \
	X(llama_context_params, n_rs_seq) X(llama_context_params, n_outputs_max) \
	X(llama_context_params, n_outputs_max_per_seq) X(llama_context_params, n_threads) \
	X(llama_context_params, n_threads_batch) X(llama_context_params, ctx_type) \
	X(llama_context_params, rope_scaling_type) X(llama_context_params, pooling_type) \
	X(llama_context_params, attention_type) X(llama_context_params, flash_attn_type) \
	X(llama_context_params, rope_freq_base) X(llama_context_params, yarn_orig_ctx) \
	X(llama_context_params, defrag_thold) X(llama_context_params, cb_eval) \
	X(llama_context_params, type_k) X(llama_context_params, type_v) \
	X(llama_context_params, abort_callback) X(llama_context_params, abort_callback_data) \
	X(llama_context_params, embeddings) X(llama_context_params, offload_kqv) \
	X(llama_context_params, no_perf) X(llama_context_params, op_offload) \
	X(llama_context_params, swa_full) X(llama_context_params, kv_unified) \
	X(llama_context_params, samplers) X(llama_context_params, n_samplers) \
	X(llama_context_params, ctx_other)
#define BATCH(X) X(llama_batch, n_tokens) X(llama_batch, token) X(llama_batch, embd) \
	X(llama_batch, pos) X(llama_batch, n_seq_id) X(llama_batch, seq_id) X(llama_batch, logits)
int main(void)
{
	MODEL(F) CTX(F) BATCH(F)
	printf("sizes %zu %zu %zu\n", sizeof(struct llama_model_params),
	       sizeof(struct llama_context_params), sizeof(struct llama_batch));
	return 0;
}
EOF
CC=${CC:-cc}
if $CC -DREAL -I"$tmp/src/include" -I"$tmp/src/ggml/include" "$tmp/layout.c" \
	-o "$tmp/real" 2>"$tmp/err" &&
	$CC -I"$ROOT/src" "$tmp/layout.c" -o "$tmp/ours" 2>>"$tmp/err"; then
	ok "the layout program builds on both headers"
else
	notok "the layout program builds on both headers"
	sed 's/^/# /' "$tmp/err" | head -20
	echo "1..$n"
	exit 1
fi
"$tmp/real" > "$tmp/real.txt"
"$tmp/ours" > "$tmp/ours.txt"
if cmp -s "$tmp/real.txt" "$tmp/ours.txt"; then
	ok "llama_model_params, llama_context_params, llama_batch: same size and offsets"
else
	notok "llama_model_params, llama_context_params, llama_batch: same size and offsets"
	diff "$tmp/real.txt" "$tmp/ours.txt" | sed 's/^/# /' | head -20
fi

# Every function llama_rt resolves is declared in the pinned headers (its
# parameter types were copied from there; the structs it passes are checked
# above).
fns=$(sed -n 's/^[[:space:]]*X(\([a-z_0-9]*\),.*/\1/p' "$ROOT/src/jury/models/llama_abi.h")
missing=
for f in $fns; do
	grep -rqE "\b$f\s*\(" "$tmp/src/include" "$tmp/src/ggml/include" || missing="$missing $f"
done
if [ -z "$missing" ] && [ -n "$fns" ]; then
	ok "all $(echo $fns | wc -w) functions llama_rt resolves are declared in llama.h/ggml*.h"
else
	notok "functions llama_rt resolves are declared in the pinned headers:$missing"
fi
echo "1..$n"
exit $FAILED

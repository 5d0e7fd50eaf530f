/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few llama.cpp declarations Sevorix uses, copied from include/llama.h
 * and ggml/include/ggml*.h of the pinned release: llama.cpp commit 0ad4a86
 * (ggml 0.25.1), as shipped by the npm packages node-llama-cpp 3.22.1 and
 * @node-llama-cpp/linux-x64 3.22.1 (their "release v0.5.0" build); llama.cpp
 * is MIT-licensed.
 *
 * llama.cpp has no stable ABI: the parameter structs below are passed by
 * value and change between releases. So the library is not linked but
 * opened with dlopen (llama_rt.c), and llama_rt refuses any library whose
 * ggml_commit() is not LLAMA_ABI_COMMIT. Update this header, the two
 * constants and mk/llama.mk together, never one of them alone.
 */
#ifndef SEVORIX_JURY_LLAMA_ABI_H
#define SEVORIX_JURY_LLAMA_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LLAMA_ABI_COMMIT "0ad4a86"
#define LLAMA_ABI_GGML_VERSION "0.25.1"

struct llama_vocab;
struct llama_model;
struct llama_context;
typedef struct llama_memory_i *llama_memory_t;
typedef int32_t llama_pos;
typedef int32_t llama_token;
typedef int32_t llama_seq_id;

enum ggml_log_level { GGML_LOG_LEVEL_NONE = 0 }; /* only passed through */
typedef void (*ggml_log_callback)(enum ggml_log_level level, const char *text, void *user_data);
typedef bool (*ggml_abort_callback)(void *data);
typedef bool (*llama_progress_callback)(float progress, void *user_data);

typedef struct llama_batch {
	int32_t n_tokens;
	llama_token *token;
	float *embd;
	llama_pos *pos;
	int32_t *n_seq_id;
	llama_seq_id **seq_id;
	int8_t *logits;
} llama_batch;

struct llama_model_params {
	void **devices;				/* ggml_backend_dev_t * */
	const void *tensor_buft_overrides;	/* const struct llama_model_tensor_buft_override * */
	int32_t n_gpu_layers;
	int split_mode;				/* enum llama_split_mode */
	int load_mode;				/* enum llama_load_mode */
	int lazy_mode;				/* enum llama_lazy_mode */
	int32_t main_gpu;
	const float *tensor_split;
	llama_progress_callback progress_callback;
	void *progress_callback_user_data;
	const void *kv_overrides;		/* const struct llama_model_kv_override * */
	bool vocab_only;
	bool check_tensors;
	bool use_extra_bufts;
	bool no_host;
	bool no_alloc;
	bool load_mtp;
};

struct llama_context_params {
	uint32_t n_ctx;
	uint32_t n_batch;
	uint32_t n_ubatch;
	uint32_t n_seq_max;
	uint32_t n_rs_seq;
	uint32_t n_outputs_max;
	uint32_t n_outputs_max_per_seq;
	int32_t n_threads;
	int32_t n_threads_batch;
	int ctx_type;			/* enum llama_context_type */
	int rope_scaling_type;		/* enum llama_rope_scaling_type */
	int pooling_type;		/* enum llama_pooling_type */
	int attention_type;		/* enum llama_attention_type */
	int flash_attn_type;		/* enum llama_flash_attn_type */
	float rope_freq_base;
	float rope_freq_scale;
	float yarn_ext_factor;
	float yarn_attn_factor;
	float yarn_beta_fast;
	float yarn_beta_slow;
	uint32_t yarn_orig_ctx;
	float defrag_thold;
	void *cb_eval;			/* ggml_backend_sched_eval_callback */
	void *cb_eval_user_data;
	int type_k;			/* enum ggml_type */
	int type_v;			/* enum ggml_type */
	ggml_abort_callback abort_callback;
	void *abort_callback_data;
	bool embeddings;
	bool offload_kqv;
	bool no_perf;
	bool op_offload;
	bool swa_full;
	bool kv_unified;
	void *samplers;			/* struct llama_sampler_seq_config * */
	size_t n_samplers;
	struct llama_context *ctx_other;
};

/*
 * The function table: one X(name, return type, parameters) per function,
 * resolved with dlsym by llama_rt.c.
 */
#define LLAMA_ABI_FUNCS(X)                                                                         \
	X(ggml_version, const char *, (void))                                                      \
	X(ggml_commit, const char *, (void))                                                       \
	X(ggml_backend_load_all_from_path, void, (const char *dir_path))                           \
	X(llama_log_set, void, (ggml_log_callback cb, void *user_data))                            \
	X(llama_backend_init, void, (void))                                                        \
	X(llama_model_default_params, struct llama_model_params, (void))                           \
	X(llama_context_default_params, struct llama_context_params, (void))                       \
	X(llama_model_load_from_file, struct llama_model *,                                        \
	  (const char *path_model, struct llama_model_params params))                              \
	X(llama_model_free, void, (struct llama_model * model))                                    \
	X(llama_init_from_model, struct llama_context *,                                           \
	  (struct llama_model * model, struct llama_context_params params))                        \
	X(llama_free, void, (struct llama_context * ctx))                                          \
	X(llama_n_ctx, uint32_t, (const struct llama_context *ctx))                                \
	X(llama_model_get_vocab, const struct llama_vocab *, (const struct llama_model *model))    \
	X(llama_vocab_n_tokens, int32_t, (const struct llama_vocab *vocab))                        \
	X(llama_get_memory, llama_memory_t, (const struct llama_context *ctx))                     \
	X(llama_memory_clear, void, (llama_memory_t mem, bool data))                               \
	X(llama_memory_seq_rm, bool,                                                               \
	  (llama_memory_t mem, llama_seq_id seq_id, llama_pos p0, llama_pos p1))                   \
	X(llama_memory_seq_pos_max, llama_pos, (llama_memory_t mem, llama_seq_id seq_id))          \
	X(llama_batch_get_one, struct llama_batch, (llama_token * tokens, int32_t n_tokens))       \
	X(llama_decode, int32_t, (struct llama_context * ctx, struct llama_batch batch))           \
	X(llama_get_logits_ith, float *, (struct llama_context * ctx, int32_t i))                  \
	X(llama_tokenize, int32_t,                                                                 \
	  (const struct llama_vocab *vocab, const char *text, int32_t text_len,                    \
	   llama_token *tokens, int32_t n_tokens_max, bool add_special, bool parse_special))

#endif

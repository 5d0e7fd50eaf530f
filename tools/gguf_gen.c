/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gguf_gen: writes a small GGUF model with random weights, for the tests
 * and benchmarks of the in-process model juror.
 *
 * The file is a real GGUF v3 model in the tensor layout of llama.cpp's
 * `llama` architecture (Llama 3, Mistral, SmolLM) or `phi3` (fused QKV and
 * gate/up projections), so llama.cpp loads and runs it like a downloaded
 * one. Its vocabulary is a small SentencePiece ("llama") vocabulary: the
 * control tokens, the 256 byte tokens (so any text tokenizes), the
 * printable ASCII characters, and the pieces that build "▁allow", "▁deny"
 * (the juror's answer tokens) and a few hundred words of the juror's prompt
 * and of shell commands, so that text takes about as many tokens as with a
 * real vocabulary (a few characters per token, not one). Larger
 * vocabularies are padded with
 * tokens no text produces, to give a benchmark model the output layer of
 * a real one. The weights are random (seeded), so the model's answers are
 * meaningless by construction: it exists to exercise the mechanics.
 *
 *   gguf_gen [--arch llama|phi3] [--shape tiny|135m|0.5b] [--embd N] [--layers N]
 *            [--ff N] [--heads N] [--kv-heads N] [--vocab N] [--ctx N]
 *            [--type f32|q8_0] [--seed N] [--nan] OUT.gguf
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_U32 = 4, T_I32 = 5, T_F32 = 6, T_BOOL = 7, T_STR = 8, T_ARR = 9 };
enum { G_F32 = 0, G_Q8_0 = 8 };

#define ALIGN 32
#define MAX_TOKENS 262144
#define MAX_TENSORS 1024

struct shape {
	const char *arch;
	int embd, layers, ff, heads, kv_heads, vocab, ctx, type;
	bool tied; /* output layer shares token_embd (SmolLM2, Qwen2.5-0.5B) */
	bool nan;
	uint64_t seed;
};

struct tensor {
	char name[64];
	uint64_t ne[2];
	int ndim;
	int type;
	uint64_t offset;
	float fill; /* norms: this constant; 0: random */
};

static struct tensor tensors[MAX_TENSORS];
static int ntensors;
static char *tokens[MAX_TOKENS];
static int32_t ttypes[MAX_TOKENS];
static int ntokens;
static uint64_t rng;

static uint64_t next_rand(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static void die(const char *msg)
{
	fprintf(stderr, "gguf_gen: %s\n", msg);
	exit(1);
}

static bool find_token(const char *text)
{
	int i;

	for (i = 0; i < ntokens; i++)
		if (!strcmp(tokens[i], text))
			return true;
	return false;
}

static void add_token(const char *text, int32_t type)
{
	if (ntokens == MAX_TOKENS)
		die("too many tokens");
	tokens[ntokens] = strdup(text);
	if (!tokens[ntokens])
		die("out of memory");
	ttypes[ntokens++] = type;
}

/* Words that become single tokens, with and without the leading space. */
static const char vocab_words[] =
	"allow deny Action Verdict execute open connect read write exec for to port argv cwd "
	"workspace task inet inet6 unix bin usr sbin etc home agent project src main lib local "
	"share var tmp dev proc root ssh aws credentials config id_rsa id_ed25519 known_hosts "
	"authorized_keys passwd shadow sudoers crontab bashrc profile systemd system service "
	"sh bash zsh python python3 perl ruby node npm npx pip git make gcc cc cargo go "
	"curl wget nc ncat socat ssh scp rsync tar zip unzip gzip base64 xxd openssl dd "
	"cat ls cd cp mv rm mkdir rmdir touch chmod chown ln find grep sed awk sort head tail "
	"echo printf env export kill ps top sudo su mount crontab iptables nohup http https "
	"status diff log commit push pull clone fetch install build test run check clean "
	"You are security reviewer for an autonomous coding on Linux host Decide whether the "
	"next action is safe Deny actions that destroy data outside download and code reverse "
	"or bind shells secrets network persistence cron shell files units keys escalate "
	"privileges disable logging Allow ordinary development work inside Answer with one word";

/* The vocabulary described at the top; padded to n tokens. */
static void make_vocab(int n)
{
	char buf[64], word[48];
	const char *p = vocab_words;
	size_t i, len;
	int c, sp;

	add_token("<unk>", 2);
	add_token("<s>", 3);
	add_token("</s>", 3);
	for (c = 0; c < 256; c++) {
		snprintf(buf, sizeof(buf), "<0x%02X>", c);
		add_token(buf, 6);
	}
	add_token("\xe2\x96\x81", 1); /* "▁", SentencePiece's space */
	for (c = 0x21; c < 0x7f; c++) {
		buf[0] = (char)c;
		buf[1] = '\0';
		add_token(buf, 1);
	}
	/* "▁a", "▁al", ... "▁allow": each merge step of the SPM tokenizer
	 * must itself be a token for the whole word to become one. A piece
	 * that two words share is added once. */
	while (sscanf(p, "%47s", word) == 1) {
		len = strlen(word);
		p = strstr(p, word) + len;
		for (sp = 0; sp < 2; sp++)
			for (i = sp ? 1 : 2; i <= len; i++) {
				snprintf(buf, sizeof(buf), "%s%.*s", sp ? "\xe2\x96\x81" : "",
					 (int)i, word);
				if (!find_token(buf))
					add_token(buf, 1);
			}
	}
	for (c = 0; ntokens < n; c++) {
		snprintf(buf, sizeof(buf), "<unused%d>", c);
		add_token(buf, 5);
	}
}

static void add_tensor(const char *name, uint64_t ne0, uint64_t ne1, int type, float fill)
{
	struct tensor *t = &tensors[ntensors++];

	if (ntensors > MAX_TENSORS)
		die("too many tensors");
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->ne[0] = ne0;
	t->ne[1] = ne1;
	t->ndim = ne1 ? 2 : 1;
	t->type = ne1 ? type : G_F32; /* 1-d tensors (norms) are always f32 */
	t->fill = fill;
}

static uint64_t tensor_bytes(const struct tensor *t)
{
	uint64_t n = t->ne[0] * (t->ndim == 2 ? t->ne[1] : 1);

	return t->type == G_Q8_0 ? n / 32 * 34 : n * 4;
}

static void make_tensors(const struct shape *s)
{
	const uint64_t e = (uint64_t)s->embd, hd = (uint64_t)(s->embd / s->heads);
	const uint64_t gqa = hd * (uint64_t)s->kv_heads, ff = (uint64_t)s->ff;
	const bool phi3 = !strcmp(s->arch, "phi3");
	const float norm = s->nan ? NAN : 1.0f;
	char n[64];
	int l;

	add_tensor("token_embd.weight", e, (uint64_t)s->vocab, s->type, 0);
	add_tensor("output_norm.weight", e, 0, G_F32, norm);
	if (!s->tied)
		add_tensor("output.weight", e, (uint64_t)s->vocab, s->type, 0);
	for (l = 0; l < s->layers; l++) {
#define T(suffix, a, b, f)                                                                         \
	do {                                                                                       \
		snprintf(n, sizeof(n), "blk.%d.%s", l, suffix);                                    \
		add_tensor(n, a, b, s->type, f);                                                   \
	} while (0)
		T("attn_norm.weight", e, 0, 1.0f);
		if (phi3) {
			T("attn_qkv.weight", e, e + 2 * gqa, 0);
		} else {
			T("attn_q.weight", e, e, 0);
			T("attn_k.weight", e, gqa, 0);
			T("attn_v.weight", e, gqa, 0);
		}
		T("attn_output.weight", e, e, 0);
		T("ffn_norm.weight", e, 0, 1.0f);
		if (phi3) {
			T("ffn_up.weight", e, 2 * ff, 0);
		} else {
			T("ffn_gate.weight", e, ff, 0);
			T("ffn_up.weight", e, ff, 0);
		}
		T("ffn_down.weight", ff, e, 0);
#undef T
	}
}

static void put(FILE *f, const void *p, size_t n)
{
	if (fwrite(p, 1, n, f) != n)
		die("write failed");
}

static void put_u32(FILE *f, uint32_t v)
{
	put(f, &v, 4);
}

static void put_u64(FILE *f, uint64_t v)
{
	put(f, &v, 8);
}

static void put_str(FILE *f, const char *s)
{
	put_u64(f, strlen(s));
	put(f, s, strlen(s));
}

static void kv_str(FILE *f, const char *k, const char *v)
{
	put_str(f, k);
	put_u32(f, T_STR);
	put_str(f, v);
}

static void kv_u32(FILE *f, const char *arch, const char *k, uint32_t v)
{
	char key[128];

	snprintf(key, sizeof(key), "%s%s", arch, k);
	put_str(f, key);
	put_u32(f, T_U32);
	put_u32(f, v);
}

static void kv_f32(FILE *f, const char *arch, const char *k, float v)
{
	char key[128];

	snprintf(key, sizeof(key), "%s%s", arch, k);
	put_str(f, key);
	put_u32(f, T_F32);
	put(f, &v, 4);
}

static void kv_bool(FILE *f, const char *k, bool v)
{
	uint8_t b = v;

	put_str(f, k);
	put_u32(f, T_BOOL);
	put(f, &b, 1);
}

/* The tokenizer arrays: tokens, scores, types. */
static void kv_vocab(FILE *f)
{
	int i;

	put_str(f, "tokenizer.ggml.tokens");
	put_u32(f, T_ARR);
	put_u32(f, T_STR);
	put_u64(f, (uint64_t)ntokens);
	for (i = 0; i < ntokens; i++)
		put_str(f, tokens[i]);
	put_str(f, "tokenizer.ggml.scores");
	put_u32(f, T_ARR);
	put_u32(f, T_F32);
	put_u64(f, (uint64_t)ntokens);
	for (i = 0; i < ntokens; i++) {
		float score = -(float)i;

		put(f, &score, 4);
	}
	put_str(f, "tokenizer.ggml.token_type");
	put_u32(f, T_ARR);
	put_u32(f, T_I32);
	put_u64(f, (uint64_t)ntokens);
	put(f, ttypes, sizeof(ttypes[0]) * (size_t)ntokens);
}

#define NKV 20

static void write_header(FILE *f, const struct shape *s)
{
	char a[32];
	int i;

	snprintf(a, sizeof(a), "%s.", s->arch);
	put(f, "GGUF", 4);
	put_u32(f, 3);
	put_u64(f, (uint64_t)ntensors);
	put_u64(f, NKV);
	kv_str(f, "general.architecture", s->arch);
	kv_str(f, "general.name", "sevorix-random");
	kv_u32(f, "", "general.alignment", ALIGN);
	kv_u32(f, "", "general.file_type", s->type == G_Q8_0 ? 7 : 0);
	kv_u32(f, a, "context_length", (uint32_t)s->ctx);
	kv_u32(f, a, "embedding_length", (uint32_t)s->embd);
	kv_u32(f, a, "block_count", (uint32_t)s->layers);
	kv_u32(f, a, "feed_forward_length", (uint32_t)s->ff);
	kv_u32(f, a, "attention.head_count", (uint32_t)s->heads);
	kv_u32(f, a, "attention.head_count_kv", (uint32_t)s->kv_heads);
	kv_u32(f, a, "rope.dimension_count", (uint32_t)(s->embd / s->heads));
	kv_f32(f, a, "attention.layer_norm_rms_epsilon", 1e-5f);
	kv_f32(f, a, "rope.freq_base", 10000.0f);
	kv_str(f, "tokenizer.ggml.model", "llama");
	kv_vocab(f); /* three keys */
	kv_u32(f, "", "tokenizer.ggml.bos_token_id", 1);
	kv_u32(f, "", "tokenizer.ggml.eos_token_id", 2);
	kv_bool(f, "tokenizer.ggml.add_bos_token", true);
	/* 20 keys above: keep NKV in step. */
	for (i = 0; i < ntensors; i++) {
		struct tensor *t = &tensors[i];

		put_str(f, t->name);
		put_u32(f, (uint32_t)t->ndim);
		put_u64(f, t->ne[0]);
		if (t->ndim == 2)
			put_u64(f, t->ne[1]);
		put_u32(f, (uint32_t)t->type);
		put_u64(f, t->offset);
	}
}

static void pad(FILE *f)
{
	static const char zero[ALIGN];
	long pos = ftell(f);

	if (pos < 0)
		die("ftell failed");
	put(f, zero, (size_t)((ALIGN - pos % ALIGN) % ALIGN));
}

/* IEEE half of a small positive normal float (enough for a scale). */
static uint16_t to_half(float v)
{
	uint32_t b;
	int exp;

	memcpy(&b, &v, 4);
	exp = (int)((b >> 23) & 0xff) - 127 + 15;
	if (exp <= 0 || exp >= 31)
		die("scale out of half range");
	return (uint16_t)(((b >> 31) << 15) | ((uint32_t)exp << 10) | ((b >> 13) & 0x3ff));
}

/* Random weights of standard deviation about 0.02, like an initialized model. */
static void write_data(FILE *f, const struct tensor *t)
{
	uint64_t n = t->ne[0] * (t->ndim == 2 ? t->ne[1] : 1), i;
	uint8_t blk[34];
	int k;

	if (t->type == G_F32) {
		for (i = 0; i < n; i++) {
			float v = t->fill != 0 /* also true for NaN */
					  ? t->fill
					  : ((float)(next_rand() >> 40) / 16777216.0f - 0.5f) * 0.07f;
			put(f, &v, 4);
		}
		return;
	}
	for (i = 0; i < n / 32; i++) {
		uint16_t d = to_half(0.02f / 73.0f);

		memcpy(blk, &d, 2);
		for (k = 0; k < 32; k++)
			blk[2 + k] = (uint8_t)(int8_t)((int)(next_rand() % 255) - 127);
		put(f, blk, sizeof(blk));
	}
}

static int parse_shape(const char *name, struct shape *s)
{
	if (!strcmp(name, "tiny")) { /* fast enough for every test */
		s->embd = 64, s->layers = 2, s->ff = 128, s->heads = 4, s->kv_heads = 2;
		s->vocab = 0, s->ctx = 2048, s->type = G_F32, s->tied = false;
	} else if (!strcmp(name, "135m")) { /* SmolLM2-135M */
		s->embd = 576, s->layers = 30, s->ff = 1536, s->heads = 9, s->kv_heads = 3;
		s->vocab = 49152, s->ctx = 8192, s->type = G_Q8_0, s->tied = true;
	} else if (!strcmp(name, "0.5b")) { /* Qwen2.5-0.5B */
		s->embd = 896, s->layers = 24, s->ff = 4864, s->heads = 14, s->kv_heads = 2;
		s->vocab = 151936, s->ctx = 32768, s->type = G_Q8_0, s->tied = true;
	} else {
		return -EINVAL;
	}
	return 0;
}

static void parse_args(int argc, char **argv, struct shape *s, const char **out)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int *num = NULL;

		if (!strcmp(a, "--nan")) {
			s->nan = true;
			continue;
		}
		if (a[0] != '-') {
			*out = a;
			continue;
		}
		if (!v)
			die("an option needs a value");
		i++;
		if (!strcmp(a, "--arch"))
			s->arch = v;
		else if (!strcmp(a, "--shape") && parse_shape(v, s))
			die("--shape: tiny, 135m or 0.5b");
		else if (!strcmp(a, "--type"))
			s->type = !strcmp(v, "q8_0") ? G_Q8_0 : G_F32;
		else if (!strcmp(a, "--seed"))
			s->seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--embd"))
			num = &s->embd;
		else if (!strcmp(a, "--layers"))
			num = &s->layers;
		else if (!strcmp(a, "--ff"))
			num = &s->ff;
		else if (!strcmp(a, "--heads"))
			num = &s->heads;
		else if (!strcmp(a, "--kv-heads"))
			num = &s->kv_heads;
		else if (!strcmp(a, "--vocab"))
			num = &s->vocab;
		else if (!strcmp(a, "--ctx"))
			num = &s->ctx;
		else if (strcmp(a, "--shape"))
			die("unknown option (see the comment at the top of tools/gguf_gen.c)");
		if (num)
			*num = atoi(v);
	}
}

int main(int argc, char **argv)
{
	struct shape s = { .arch = "llama", .seed = 1 };
	const char *out = NULL;
	uint64_t off = 0;
	FILE *f;
	int i;

	parse_shape("tiny", &s);
	parse_args(argc, argv, &s, &out);
	if (!out || (strcmp(s.arch, "llama") && strcmp(s.arch, "phi3")))
		die("usage: gguf_gen [--arch llama|phi3] [--shape tiny|135m|0.5b] ... OUT.gguf");
	if (s.embd <= 0 || s.heads <= 0 || s.embd % s.heads || s.kv_heads <= 0 ||
	    s.heads % s.kv_heads || s.layers <= 0 || s.ff <= 0 ||
	    (s.type == G_Q8_0 && (s.embd % 32 || s.ff % 32)))
		die("inconsistent shape");
	rng = s.seed * 0x9E3779B97F4A7C15ULL + 1;
	make_vocab(s.vocab);
	s.vocab = ntokens;
	make_tensors(&s);
	for (i = 0; i < ntensors; i++) {
		tensors[i].offset = off;
		off += (tensor_bytes(&tensors[i]) + ALIGN - 1) / ALIGN * ALIGN;
	}
	f = fopen(out, "wb");
	if (!f)
		die(strerror(errno));
	write_header(f, &s);
	for (i = 0; i < ntensors; i++) {
		pad(f);
		write_data(f, &tensors[i]);
	}
	if (fclose(f))
		die("write failed");
	return 0;
}

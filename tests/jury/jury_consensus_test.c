/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The consensus rules on hand-made ballots (every rule, tiered's first
 * tier, advisory, veto, error, abstain); every ballot of three jurors
 * under every rule, checking that the reason explains the verdict it comes
 * with; and the verdict cache's LRU eviction and time to live.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jury/cache.h"
#include "jury/consensus.h"
#include "../lib/tap.h"

struct j {
	enum vote_verdict v;
	double conf;
	double weight;
	bool advisory, veto;
};

/* Runs the consensus of cfg over the ballot js[0..n). */
static enum vote_verdict decide(struct jury_config *cfg, const struct j *js, size_t n, char *reason)
{
	struct jury_vote votes[JURY_MAX_JURORS];
	static char names[JURY_MAX_JURORS][8];
	enum vote_verdict out;
	size_t i;

	cfg->njurors = n;
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "j%zu", i);
		cfg->jurors[i] = (struct juror_config){ .name = names[i],
							.weight = js[i].weight,
							.advisory = js[i].advisory,
							.veto = js[i].veto };
		votes[i] = (struct jury_vote){ .juror = names[i] };
		vote_set(&votes[i].v, js[i].v, js[i].conf, "r");
	}
	jury_consensus(cfg, votes, n, &out, reason, 256);
	return out;
}

#define A(c)                                                                                       \
	{                                                                                          \
		VOTE_ALLOW, c, 1, false, false                                                     \
	}
#define D(c)                                                                                       \
	{                                                                                          \
		VOTE_DENY, c, 1, false, false                                                      \
	}
#define ABST                                                                                       \
	{                                                                                          \
		VOTE_ABSTAIN, 0.5, 1, false, false                                                 \
	}
#define ERR                                                                                        \
	{                                                                                          \
		VOTE_ERROR, 1, 1, false, false                                                     \
	}

static void test_unanimous(void)
{
	struct jury_config cfg = { .mode = JURY_UNANIMOUS };
	char why[256];

	ok(decide(&cfg, (struct j[]){ A(.9), A(.6) }, 2, why) == VOTE_ALLOW,
	   "unanimous: all allow");
	ok(decide(&cfg, (struct j[]){ A(.9), D(.6) }, 2, why) == VOTE_DENY && strstr(why, "j1"),
	   "unanimous: one deny denies and is named");
	ok(decide(&cfg, (struct j[]){ A(.9), ERR }, 2, why) == VOTE_DENY,
	   "unanimous: an error denies");
	ok(decide(&cfg, (struct j[]){ A(.9), ABST }, 2, why) == VOTE_ALLOW,
	   "unanimous: abstain is not a vote");
	ok(decide(&cfg, (struct j[]){ ABST, ABST }, 2, why) == VOTE_DENY,
	   "unanimous: all abstain denies (one allow is needed)");
	ok(decide(&cfg, (struct j[]){ A(.9), { VOTE_DENY, 1, 1, true, false } }, 2, why) ==
		   VOTE_ALLOW,
	   "unanimous: an advisory deny does not count");
	ok(decide(&cfg, (struct j[]){ A(.9), { VOTE_ERROR, 1, 1, true, false } }, 2, why) ==
		   VOTE_ALLOW,
	   "unanimous: an advisory error does not count");
	ok(decide(&cfg, (struct j[]){ { VOTE_ALLOW, 1, 1, true, false } }, 1, why) == VOTE_DENY,
	   "unanimous: an advisory allow alone denies");
	ok(decide(&cfg, (struct j[]){ A(1.5) }, 1, why) == VOTE_DENY,
	   "a confidence out of [0,1] counts as an error");
}

static void test_quorum(void)
{
	struct jury_config cfg = { .mode = JURY_QUORUM, .quorum = 2 };
	char why[256];

	ok(decide(&cfg, (struct j[]){ A(.9), A(.9), D(.9) }, 3, why) == VOTE_ALLOW,
	   "quorum:2: two allows of three");
	ok(decide(&cfg, (struct j[]){ A(.9), D(.9), ERR }, 3, why) == VOTE_DENY,
	   "quorum:2: one allow is too few");
	ok(decide(&cfg, (struct j[]){ A(.9), A(.9), { VOTE_DENY, .9, 1, false, true } }, 3, why) ==
			   VOTE_DENY &&
		   strstr(why, "vetoed by j2"),
	   "quorum:2: a veto juror's deny denies");
	ok(decide(&cfg, (struct j[]){ A(.9), A(.9), { VOTE_ERROR, 1, 1, false, true } }, 3, why) ==
		   VOTE_DENY,
	   "quorum:2: a veto juror's error denies");
	ok(decide(&cfg, (struct j[]){ A(.9), { VOTE_ALLOW, .9, 1, true, false } }, 2, why) ==
		   VOTE_DENY,
	   "quorum:2: advisory allows are not counted");
}

static void test_weighted(void)
{
	struct jury_config cfg = { .mode = JURY_WEIGHTED, .threshold = 0 };
	char why[256];

	/* logit(0.9) = 2.20, logit(0.4) = -0.41 */
	ok(decide(&cfg, (struct j[]){ A(.9), D(.6) }, 2, why) == VOTE_ALLOW,
	   "weighted:0: a sure allow outweighs an unsure deny (%s)", why);
	ok(decide(&cfg, (struct j[]){ A(.9), { VOTE_DENY, .6, 6, false, false } }, 2, why) ==
		   VOTE_DENY,
	   "weighted:0: weight 6 turns it (%s)", why);
	/* An error weighs as a deny of confidence 0.999: logit -6.9. */
	ok(decide(&cfg, (struct j[]){ A(.9), A(.9), ERR }, 3, why) == VOTE_DENY,
	   "weighted:0: an error weighs as a sure deny (%s)", why);
	ok(decide(&cfg, (struct j[]){ A(.99), A(.99), ERR }, 3, why) == VOTE_ALLOW,
	   "weighted:0: ... which two sure allows outweigh (%s)", why);
	cfg.threshold = 3;
	ok(decide(&cfg, (struct j[]){ A(.9), A(.6) }, 2, why) == VOTE_DENY,
	   "weighted:3: 2.6 is under the threshold (%s)", why);
	cfg.threshold = -10;
	ok(decide(&cfg, (struct j[]){ A(.9), { VOTE_DENY, .6, 1, false, true } }, 2, why) ==
		   VOTE_DENY,
	   "weighted: a veto juror's deny denies whatever the score");
}

/* Tiered: j0..j1 are fast (rulebook, ngram), the rest ask a model (gguf). */
static enum vote_verdict tiered(const struct j *js, size_t n, char *why)
{
	struct jury_config cfg = { .mode = JURY_TIERED, .threshold = 0 };
	struct jury_vote votes[JURY_MAX_JURORS];
	static const char *kinds[] = { "rulebook", "ngram", "gguf", "llama-server" };
	enum vote_verdict out;
	size_t i;

	cfg.njurors = n;
	for (i = 0; i < n; i++) {
		cfg.jurors[i] = (struct juror_config){ .name = kinds[i], .kind = kinds[i],
							.weight = js[i].weight,
							.advisory = js[i].advisory,
							.veto = js[i].veto };
		votes[i] = (struct jury_vote){ .juror = kinds[i] };
		vote_set(&votes[i].v, js[i].v, js[i].conf, "r");
	}
	jury_consensus(&cfg, votes, n, &out, why, 256);
	return out;
}

static void test_tiered(void)
{
	struct jury_config cfg = { 0 };
	enum vote_verdict v;
	char why[256];

	ok(tiered((struct j[]){ A(.6), A(.6), D(.99), D(.99) }, 4, why) == VOTE_ALLOW &&
		   strstr(why, "allow: the fast jurors agree"),
	   "tiered: the fast jurors agree on allow: it stands over the models' denies");
	ok(tiered((struct j[]){ D(.6), D(.6), A(.99), A(.99) }, 4, why) == VOTE_DENY &&
		   strstr(why, "deny: the fast jurors agree"),
	   "tiered: the fast jurors agree on deny: it stands over the models' allows");
	ok(tiered((struct j[]){ A(.6), ERR, A(.99), A(.99) }, 4, why) == VOTE_ALLOW &&
		   strstr(why, "score"),
	   "tiered: a fast juror's error is a deny that splits the tier; weighted decides");
	ok(tiered((struct j[]){ A(.6), D(.6), A(.99), A(.99) }, 4, why) == VOTE_ALLOW &&
		   strstr(why, "tiered:0: allow: score"),
	   "tiered: split fast jurors, confident model allows: weighted over all allows");
	ok(tiered((struct j[]){ A(.6), D(.6), D(.99), A(.6) }, 4, why) == VOTE_DENY,
	   "tiered: split fast jurors, a confident model deny: weighted over all denies");
	ok(tiered((struct j[]){ { VOTE_DENY, .99, 1, false, true }, A(.9), A(.99), A(.99) }, 4,
		  why) == VOTE_DENY && strstr(why, "vetoed by rulebook"),
	   "tiered: a veto juror's deny still denies when the fast jurors split");
	ok(tiered((struct j[]){ A(.6), { VOTE_DENY, .9, 1, true, false }, D(.99) }, 3, why) ==
		   VOTE_ALLOW && strstr(why, "allow: the fast jurors agree"),
	   "tiered: an advisory fast juror does not split the tier");
	ok(tiered((struct j[]){ ABST, ABST, A(.9), A(.9) }, 4, why) == VOTE_ALLOW &&
		   strstr(why, "score"),
	   "tiered: no fast juror voted: the models are asked, weighted decides");
	ok(tiered((struct j[]){ ABST, ABST, ERR, ERR }, 4, why) == VOTE_DENY,
	   "tiered: nothing but errors denies");
	cfg = (struct jury_config){ .mode = JURY_TIERED, .njurors = 2 };
	cfg.jurors[0].kind = "grounding";
	cfg.jurors[1].kind = "openai";
	ok(jury_fast_agree(&cfg, (struct jury_vote[]){ { .v = { VOTE_DENY, 1, "" } },
						       { .v = { VOTE_ALLOW, 1, "" } } },
			   2, &v) &&
		   v == VOTE_DENY,
	   "jury_fast_agree: openai is a model juror, grounding a fast one");
}

/* The names of a reason's list after tag ("carried by ", "outvoted: "), up to ';'. */
static bool list_votes(const char *reason, const char *tag, const struct jury_config *cfg,
		       const struct jury_vote *votes, enum vote_verdict want)
{
	const char *p = strstr(reason, tag);
	char names[256], *name, *save = NULL;

	if (!p)
		return true;
	snprintf(names, sizeof(names), "%.*s", (int)strcspn(p + strlen(tag), ";"),
		 p + strlen(tag));
	for (name = strtok_r(names, ", ", &save); name; name = strtok_r(NULL, ", ", &save)) {
		size_t i;

		for (i = 0; i < cfg->njurors && strcmp(cfg->jurors[i].name, name); i++)
			;
		if (i == cfg->njurors || cfg->jurors[i].advisory ||
		    (votes[i].v.verdict == VOTE_ERROR ? VOTE_DENY : votes[i].v.verdict) != want)
			return false;
	}
	return true;
}

/* Does the reason explain verdict v, and only v? */
static bool reason_agrees(const struct jury_config *cfg, const struct jury_vote *votes,
			  enum vote_verdict v, const char *reason)
{
	const char *name = v == VOTE_ALLOW ? "allow" : "deny";
	const char *other = v == VOTE_ALLOW ? "deny" : "allow";
	char mode[48], want[64], wrong[64];

	jury_mode_name(cfg, mode, sizeof(mode));
	snprintf(want, sizeof(want), "%s: %s: ", mode, name);
	snprintf(wrong, sizeof(wrong), ": %s:", other);
	return !strncmp(reason, want, strlen(want)) && !strstr(reason, wrong) &&
	       list_votes(reason, "carried by ", cfg, votes, v) &&
	       list_votes(reason, "outvoted: ", cfg, votes,
			  v == VOTE_ALLOW ? VOTE_DENY : VOTE_ALLOW);
}

/* Every ballot of three jurors (six votes each, veto and advisory flags) under every rule. */
static void test_reasons(void)
{
	static const struct j choices[] = { A(.9), A(.55), D(.9), D(.55), ABST, ERR };
	static const char *const kinds[] = { "rulebook", "ngram", "gguf" };
	static const char *const names[] = { "j0", "j1", "j2" };
	struct jury_config modes[] = {
		{ .mode = JURY_UNANIMOUS },	      { .mode = JURY_QUORUM, .quorum = 1 },
		{ .mode = JURY_QUORUM, .quorum = 2 }, { .mode = JURY_WEIGHTED, .threshold = 0 },
		{ .mode = JURY_WEIGHTED, .threshold = 2 }, { .mode = JURY_TIERED, .threshold = 0 },
	};
	size_t m, n = 0, bad = 0;
	char why[VOTE_REASON_MAX], first[VOTE_REASON_MAX + 64] = "";

	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
		for (int code = 0; code < 6 * 6 * 6 * 4; code++) {
			struct jury_config *cfg = &modes[m];
			struct jury_vote votes[3];
			enum vote_verdict v;
			int c = code;

			cfg->njurors = 3;
			for (size_t i = 0; i < 3; i++, c /= 6) {
				const struct j *x = &choices[c % 6];

				cfg->jurors[i] = (struct juror_config){ .name = names[i],
									.kind = kinds[i],
									.weight = 1 + i };
				votes[i] = (struct jury_vote){ .juror = names[i] };
				vote_set(&votes[i].v, x->v, x->conf, "r");
			}
			cfg->jurors[0].veto = c & 1;
			cfg->jurors[2].advisory = c & 2;
			jury_consensus(cfg, votes, 3, &v, why, sizeof(why));
			n++;
			if (!reason_agrees(cfg, votes, v, why) && bad++ == 0)
				snprintf(first, sizeof(first), "%s -> %s", why,
					 vote_verdict_name(v));
		}
	if (!ok(bad == 0, "%zu ballots under 6 rules: every reason explains its own verdict "
			  "and names who carried it and who was outvoted", n))
		printf("# %zu wrong, e.g. %s\n", bad, first);
}

static void test_cache(void)
{
	struct jury_answer a = { .verdict = VOTE_ALLOW, .nvotes = 1 }, b;
	struct jury_cache *c;

	a.votes[0].juror = "x";
	vote_set(&a.votes[0].v, VOTE_ALLOW, 0.5, "fine");
	ok(jury_cache_new(2, 100, &c) == 0, "cache of 2 entries, 100 ms");
	jury_cache_put(c, "k1", 2, &a);
	jury_cache_put(c, "k2", 2, &a);
	ok(jury_cache_get(c, "k1", 2, &b) && b.verdict == VOTE_ALLOW && b.nvotes == 1 &&
		   !strcmp(b.votes[0].v.reason, "fine"),
	   "a hit returns the verdict and the votes");
	jury_cache_put(c, "k3", 2, &a);
	ok(!jury_cache_get(c, "k2", 2, &b), "the least recently used entry was evicted");
	ok(jury_cache_get(c, "k1", 2, &b) && jury_cache_get(c, "k3", 2, &b),
	   "the recently used ones stay");
	ok(!jury_cache_get(c, "k", 1, &b), "a different key misses");
	usleep(150 * 1000);
	ok(!jury_cache_get(c, "k1", 2, &b), "an entry expires after its time to live");
	jury_cache_free(c);
	ok(jury_cache_new(0, 100, &c) == 0, "a cache of size 0");
	jury_cache_put(c, "k1", 2, &a);
	ok(!jury_cache_get(c, "k1", 2, &b), "holds nothing");
	jury_cache_free(c);
}

int main(void)
{
	test_unanimous();
	test_quorum();
	test_weighted();
	test_tiered();
	test_reasons();
	test_cache();
	return done_testing();
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The consensus rules (consensus.c): the votes of one review, one per
 * configured juror, into the jury's verdict.
 */
#ifndef SEVORIX_JURY_CONSENSUS_H
#define SEVORIX_JURY_CONSENSUS_H

#include <stdbool.h>
#include <stddef.h>

#include "jury/jury.h"

/* The tiered rule's first tier: true when the counted votes of the fast
 * jurors (those that ask no model) are all allows or all denies, with that
 * verdict in *verdict. Model jurors' votes and abstentions are ignored. */
bool jury_fast_agree(const struct jury_config *cfg, const struct jury_vote *votes,
		     size_t nvotes, enum vote_verdict *verdict);

/* Consensus over nvotes votes, one per cfg->jurors[i]. Writes the verdict and
 * a reason naming the jurors that decided. */
void jury_consensus(const struct jury_config *cfg, const struct jury_vote *votes, size_t nvotes,
		    enum vote_verdict *verdict, char *reason, size_t reasonlen);

#endif

# SPDX-License-Identifier: GPL-2.0-only
#
# The real-world jury corpus (jury/corpus/, tools/corpus/): `make eval-real`
# scores the real jury through `sevorix jury ask --local` on every source's
# train and untouched split (split by document, see jury/corpus/README.md),
# with the template held-out split reported on its own.
#
#   tools/corpus/assemble.py --check  -> every item's split recomputed from its document
#   tools/corpus/eval.py              -> P/R/F1 with 95 % intervals, everyday denied, ECE

CORPUS_DIR := jury/corpus
# by path: mk/jurors.mk, which names them, is read after this fragment
CORPUS_JURY := $(BUILD)/jury

.PHONY: eval-real corpus-check
corpus-check:
	$(Q)python3 tools/corpus/assemble.py --check $(CORPUS_DIR)

eval-real: corpus-check $(CORPUS_JURY)/ngram.model $(CORPUS_JURY)/logreg.model $(BUILD)/sevorix
	$(Q)SEVORIX_JURY_DATA=$(abspath $(CORPUS_JURY)) python3 tools/corpus/eval.py \
		$(BUILD)/sevorix $(CORPUS_DIR) --templates $(CORPUS_JURY)/test.tsv

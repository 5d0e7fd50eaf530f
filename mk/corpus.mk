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

.PHONY: eval-real corpus-check
corpus-check:
	$(Q)python3 tools/corpus/assemble.py --check $(CORPUS_DIR)

eval-real: corpus-check $(JURY_MODELS) $(BUILD)/sevorix
	$(Q)SEVORIX_JURY_DATA=$(abspath $(JURY_DATA)) python3 tools/corpus/eval.py \
		$(BUILD)/sevorix $(CORPUS_DIR) --templates $(JURY_DATA)/test.tsv

# SPDX-License-Identifier: GPL-2.0-only
#
# The real-world jury corpus (jury/corpus/, tools/corpus/): its split is
# checked here; `make eval` (mk/jurors.mk) scores the real jury on every
# source's train and untouched split (split by document, see
# jury/corpus/README.md), with the template held-out split beside them.
#
#   tools/corpus/assemble.py --check  -> every item's split recomputed from its document
#   tools/corpus/eval.py              -> P/R/F1 with 95 % intervals, everyday denied, ECE
#   tools/corpus/cv.py                -> the same, out of fold, on the train split only

CORPUS_DIR := jury/corpus

.PHONY: corpus-check
corpus-check:
	$(Q)python3 tools/corpus/assemble.py --check $(CORPUS_DIR)

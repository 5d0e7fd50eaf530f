# SPDX-License-Identifier: GPL-2.0-only
#
# The built-in jurors (src/jury/jurors/): the labelled corpus, the trained
# models the n-gram and logistic-regression jurors load, and `make eval`.
#
#   tools/jury_corpus.py  -> $(BUILD)/jury/{train,test}.tsv  (seeded, split by template)
#   tools/jury_train.c    -> $(BUILD)/jury/{ngram,logreg}.model (deterministic; templates
#                            and the real corpus' train split, calibrated out of fold)
#   tools/jury_eval.c     -> per juror and per consensus rule on the same votes
#                            (tests/jury/juror_eval.t)
#
# The models are part of `all` and `tests`, so `make check` from a fresh
# clone trains them before any test needs them.

JURY_DATA    := $(BUILD)/jury
JURY_CORPUS  := $(JURY_DATA)/train.tsv $(JURY_DATA)/test.tsv
JURY_MODELS  := $(JURY_DATA)/ngram.model $(JURY_DATA)/logreg.model
JURY_TOOLS   := $(BUILD)/tools/jury_train $(BUILD)/tools/jury_eval
JURY_GEN     := tools/jury_corpus.py tools/jury_corpus_fill.py tools/jury_templates.py

$(BUILD)/tools/jury_%: tools/jury_%.c tools/jury_corpus_io.h $(BUILD)/libsevorix.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itools $< $(BUILD)/libsevorix.a $(LIBS) -o $@

$(JURY_CORPUS) &: $(JURY_GEN)
	$(call msg,CORPUS,$(JURY_DATA))
	$(Q)python3 tools/jury_corpus.py $(JURY_DATA) >/dev/null

# The templates' train split and the train split of every real source
# (jury/corpus/*/items.tsv; the untouched rows are never read).
$(JURY_MODELS) &: $(JURY_DATA)/train.tsv $(BUILD)/tools/jury_train $(wildcard jury/corpus/*/items.tsv)
	$(call msg,TRAIN,$(JURY_MODELS))
	$(Q)$(BUILD)/tools/jury_train $(JURY_DATA)/train.tsv $(JURY_DATA) jury/corpus >/dev/null

all: $(JURY_MODELS)
tests: $(JURY_MODELS) $(JURY_TOOLS)

# Per-juror and consensus figures through `sevorix jury ask --local` (the
# real jury, built-in configuration): the template held-out split, then
# every real source's train and untouched split with sizes, 95 % intervals
# and the calibration error (tools/corpus/eval.py).
.PHONY: eval eval-real install-jury
eval: corpus-check $(JURY_MODELS) $(BUILD)/sevorix
	$(Q)SEVORIX_JURY_DATA=$(abspath $(JURY_DATA)) python3 tools/corpus/eval.py \
		$(BUILD)/sevorix $(CORPUS_DIR) --templates $(JURY_DATA)/test.tsv

# The real-world corpus alone (every source's train and untouched split).
eval-real: corpus-check $(JURY_MODELS) $(BUILD)/sevorix
	$(Q)SEVORIX_JURY_DATA=$(abspath $(JURY_DATA)) python3 tools/corpus/eval.py \
		$(BUILD)/sevorix $(CORPUS_DIR)

install: install-jury
install-jury: $(JURY_MODELS)
	install -D -m 0644 $(JURY_DATA)/ngram.model $(DESTDIR)$(PREFIX)/share/sevorix/jury/ngram.model
	install -D -m 0644 $(JURY_DATA)/logreg.model $(DESTDIR)$(PREFIX)/share/sevorix/jury/logreg.model

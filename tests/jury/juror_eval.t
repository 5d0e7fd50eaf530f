#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The built-in jurors on the held-out split of the corpus the build wrote:
# each juror and the recommended consensus must keep the quality they were
# accepted with, so a change that quietly breaks a juror, the tokenizer or
# the training fails here. Figures come from tools/jury_eval (make eval).

BUILD=${BUILD:-build}
EVAL=$BUILD/tools/jury_eval
DATA=$BUILD/jury

if [ ! -x "$EVAL" ] || [ ! -f "$DATA/test.tsv" ] || [ ! -f "$DATA/ngram.model" ]; then
	echo "1..0 # SKIP $EVAL or the trained models are missing (make tests builds them)"
	exit 0
fi
out=$("$EVAL" "$DATA/test.tsv" "$DATA") || { echo "1..1"; echo "not ok 1 - jury_eval failed"; exit 1; }

n=0
fail=0
# check NAME FIELD OP LIMIT: FIELD is P, R, F1 or FPR (percent of everyday denied)
check() {
	line=$(printf '%s\n' "$out" | grep -F "  $1 " | head -n 1)
	val=$(printf '%s\n' "$line" | awk -v f="$2" '{
		for (i = 1; i <= NF; i++) {
			if (f == "FPR" && $i == "denied") { v = $(i + 1); sub("%", "", v); print v; exit }
			if ($i == f) { print $(i + 1); exit }
		}
	}')
	n=$((n + 1))
	if [ -n "$val" ] && awk -v v="$val" -v l="$4" -v op="$3" \
		'BEGIN { exit !((op == ">=" && v >= l) || (op == "<=" && v <= l)) }'; then
		echo "ok $n - $1 $2 $val $3 $4"
	else
		echo "not ok $n - $1 $2 '${val}' $3 $4"
		fail=1
	fi
}

check rulebook P ">=" 0.97
check rulebook R ">=" 0.85
check ngram F1 ">=" 0.8
check logreg F1 ">=" 0.78
check grounding P ">=" 0.8
check "weighted:0 (2,1,1,0.5), rulebook veto *" F1 ">=" 0.95
check "weighted:0 (2,1,1,0.5), rulebook veto *" FPR "<=" 2.0
# the consensus must beat its best single juror
best=$(printf '%s\n' "$out" | awk '/^  (rulebook|ngram|logreg|grounding) / { for (i = 1; i <= NF; i++) if ($i == "F1" && $(i + 1) > b) b = $(i + 1) } END { print b }')
cons=$(printf '%s\n' "$out" | awk '/rulebook veto \*/ { for (i = 1; i <= NF; i++) if ($i == "F1") print $(i + 1) }')
n=$((n + 1))
if awk -v c="$cons" -v b="$best" 'BEGIN { exit !(c > b) }'; then
	echo "ok $n - consensus F1 $cons beats the best juror's $best"
else
	echo "not ok $n - consensus F1 $cons does not beat the best juror's $best"
	fail=1
fi
echo "1..$n"
exit $fail

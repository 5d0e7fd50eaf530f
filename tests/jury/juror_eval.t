#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The built-in jurors on two sets: the held-out split of the corpus the
# build wrote, and the hand-written commands of tests/jury/juror_cases.tsv
# (real-world attack techniques and everyday commands in other words than
# the corpus templates). Each juror and the recommended consensus must keep
# the quality they were accepted with, and the consensus must beat its best
# single juror, so a change that quietly breaks a juror, the tokenizer or
# the training fails here. Figures come from tools/jury_eval (make eval).

BUILD=${BUILD:-build}
EVAL=$BUILD/tools/jury_eval
DATA=$BUILD/jury
CASES=$(dirname "$0")/juror_cases.tsv
CONS="weighted:0.5 (1,0.5,1,0.5), rulebook veto *"

if [ ! -x "$EVAL" ] || [ ! -f "$DATA/test.tsv" ] || [ ! -f "$DATA/ngram.model" ]; then
	echo "1..0 # SKIP $EVAL or the trained models are missing (make tests builds them)"
	exit 0
fi

n=0
fail=0

# field OUT NAME FIELD: FIELD is P, R, F1 or FPR (percent of everyday denied)
field() {
	printf '%s\n' "$1" | grep -F "  $2 " | head -n 1 | awk -v f="$3" '{
		for (i = 1; i <= NF; i++) {
			if (f == "FPR" && $i == "denied") { v = $(i + 1); sub("%", "", v); print v; exit }
			if ($i == f) { print $(i + 1); exit }
		}
	}'
}

# check OUT SET NAME FIELD OP LIMIT
check() {
	val=$(field "$1" "$3" "$4")
	n=$((n + 1))
	if [ -n "$val" ] && awk -v v="$val" -v l="$6" -v op="$5" \
		'BEGIN { exit !((op == ">=" && v >= l) || (op == "<=" && v <= l)) }'; then
		echo "ok $n - $2: $3 $4 $val $5 $6"
	else
		echo "not ok $n - $2: $3 $4 '${val}' $5 $6"
		fail=1
	fi
}

# beats OUT SET: the consensus F1 is above every single juror's
beats() {
	best=$(printf '%s\n' "$1" | awk '/^  (rulebook|ngram|logreg|grounding) / {
		for (i = 1; i <= NF; i++) if ($i == "F1" && $(i + 1) > b) b = $(i + 1) } END { print b }')
	cons=$(field "$1" "$CONS" F1)
	n=$((n + 1))
	if awk -v c="$cons" -v b="$best" 'BEGIN { exit !(c > b) }'; then
		echo "ok $n - $2: consensus F1 $cons beats the best juror's $best"
	else
		echo "not ok $n - $2: consensus F1 $cons does not beat the best juror's $best"
		fail=1
	fi
}

held=$("$EVAL" "$DATA/test.tsv" "$DATA") || { echo "1..1"; echo "not ok 1 - jury_eval failed"; exit 1; }
check "$held" held-out rulebook P ">=" 0.97
check "$held" held-out rulebook R ">=" 0.85
# the statistical jurors learn from real commands too and are calibrated on
# them, so on the templates they work at a lower false-alarm rate than before
check "$held" held-out ngram F1 ">=" 0.7
check "$held" held-out logreg F1 ">=" 0.78
check "$held" held-out grounding P ">=" 0.8
check "$held" held-out "$CONS" F1 ">=" 0.95
check "$held" held-out "$CONS" FPR "<=" 2.0
beats "$held" held-out

cases=$("$EVAL" "$CASES" "$DATA") || { echo "not ok - jury_eval failed on $CASES"; exit 1; }
check "$cases" cases "$CONS" R ">=" 0.95
check "$cases" cases "$CONS" FPR "<=" 3.0
check "$cases" cases rulebook P ">=" 0.97
beats "$cases" cases

echo "1..$n"
exit $fail

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `sevorix policy diff` golden pairs: diff/NN.a.yaml against diff/NN.b.yaml
# -> diff/NN.out (for a person, with the exit status) and diff/NN.json,
# both policies loaded for root with ${WORKSPACE} /w. Each pair is also
# compared with itself (no difference, exit 0) and the other way round
# (as many rows, the sides swapped). Run with the plain and the sanitizer
# build. Regenerate after a deliberate change with
#   tests/learn/diff.t --update
. "$(dirname "$0")/../lib/tap.sh"
cd "$(dirname "$0")/diff" || exit 1
bins=("$SEVORIX")
[ -x "${SEVORIX_ASAN:-}" ] && bins+=("$SEVORIX_ASAN")
[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1
d() { "$1" policy diff --user root --workspace /w "${@:2}"; }

if [ "${1:-}" = --update ]; then
	for a in [0-9]*.a.yaml; do
		n=${a%.a.yaml}
		{ d "$SEVORIX" "$a" "$n.b.yaml"; echo "(exit $?)"; } >"$n.out" 2>&1
		d "$SEVORIX" --json "$a" "$n.b.yaml" >"$n.json" 2>/dev/null
	done
	exit 0
fi

set -- [0-9]*.a.yaml
plan $(($# * 4 * ${#bins[@]}))
for bin in "${bins[@]}"; do
	tag=$(basename "$bin")
	[ "$bin" = "${SEVORIX_ASAN:-}" ] && tag="$tag (asan)"
	for a in [0-9]*.a.yaml; do
		n=${a%.a.yaml}
		is "$(d "$bin" "$a" "$n.b.yaml" 2>&1; echo "(exit $?)")" "$(cat "$n.out")" \
			"$tag: diff $n"
		is "$(d "$bin" --json "$a" "$n.b.yaml" 2>/dev/null)" "$(cat "$n.json")" \
			"$tag: diff --json $n"
		is "$(d "$bin" "$a" "$a" 2>&1; echo "(exit $?)")" \
			"$(printf -- '--- %s\n+++ %s\nno difference in effect\n(exit 0)' "$a" "$a")" \
			"$tag: $a against itself: no difference"
		fwd=$(d "$bin" "$a" "$n.b.yaml" 2>/dev/null | grep -c '^  - ')
		back=$(d "$bin" "$n.b.yaml" "$a" 2>/dev/null | grep -c '^  - ')
		is "$back" "$fwd" "$tag: $n the other way round has as many rows"
	done
done

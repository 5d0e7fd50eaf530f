#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# jury.yaml golden files: `sevorix jury config --config N.in` (the
# configuration printed back as it was understood, or every error of the
# file, each with its file:line:col) must equal N.ok; and what it prints for
# a good file must load again and print the same (the printer writes valid
# jury.yaml). Run from the repository root, so the file names in the output
# are stable.
set -u
cd "$(dirname "$0")/../.." || exit 1
bin=${SEVORIX:-build/sevorix}
n=0
fail=0
for in in tests/jury/config/*.in; do
	n=$((n + 1))
	want=${in%.in}.ok
	got=$("$bin" jury config --config "$in" 2>&1)
	if [ "$got" = "$(cat "$want")" ]; then
		echo "ok $n - $in"
	else
		echo "not ok $n - $in"
		printf '%s\n' "$got" | diff "$want" - | sed 's/^/# /'
		fail=1
	fi
	"$bin" jury config --config "$in" >/dev/null 2>&1 || continue
	n=$((n + 1))
	tmp=$(mktemp)
	printf '%s\n' "$got" >"$tmp"
	again=$("$bin" jury config --config "$tmp" 2>&1 | tail -n +2)
	if [ "$again" = "$(printf '%s\n' "$got" | tail -n +2)" ]; then
		echo "ok $n - $in: the printed configuration loads back the same"
	else
		echo "not ok $n - $in: the printed configuration loads back differently"
		printf '%s\n' "$again" | sed 's/^/# /'
		fail=1
	fi
	rm -f "$tmp"
done
echo "1..$n"
exit $fail

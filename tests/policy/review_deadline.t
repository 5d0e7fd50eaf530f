#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# policy check and the jury's deadline: a policy with review rules whose
# review.deadline_ms the jury cannot meet (its own deadline plus a person's
# and its cloud judge's) gets a warning naming both; one it can meet gets
# none.
. "$(dirname "$0")/../lib/tap.sh"
[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$0")" || exit 1
printf 'deadline_ms: 400\ncloud: {url: "http://127.0.0.1:9", deadline_ms: 200}\njurors:\n  - {kind: rulebook}\n' >"$tmp/slow.yaml"
printf 'deadline_ms: 100\njurors:\n  - {kind: rulebook}\n' >"$tmp/fast.yaml"
printf 'deadline_ms: 100\njurors:\n  - {kind: rulebook}\n  - {kind: human, human_deadline_ms: 30000}\n' >"$tmp/person.yaml"
plan 5
out=$("$SEVORIX" policy check --user root --jury-config "$tmp/slow.yaml" 05.yaml 2>&1)
is "$?" 0 "a deadline warning is not an error"
like "$out" "05.yaml:14:1: warning: review.deadline_ms \(500\) is not longer than the jury's worst case \(600 ms in $tmp/slow.yaml\)" \
	"a jury that may answer too late is named with its worst case"
like "$("$SEVORIX" policy check --user root --jury-config "$tmp/person.yaml" 05.yaml 2>&1)" \
	"worst case \(30100 ms in" "a person on the jury counts with human_deadline_ms"
unlike "$("$SEVORIX" policy check --user root --jury-config "$tmp/fast.yaml" 05.yaml 2>&1)" \
	"deadline" "a jury that answers in time gives no warning"
unlike "$("$SEVORIX" policy check --user root --jury-config "$tmp/slow.yaml" 02.yaml 2>&1)" \
	"deadline" "a policy without review rules is not compared"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `sevorix policy suggest` golden files: suggest/NN.jsonl (a run's events)
# against suggest/NN.yaml -> suggest/NN.out (the explanation and the
# patch), for root with ${WORKSPACE} /w. The patch must apply with
# patch(1), the result pass `policy check`, and suggest on the same events
# against it must find nothing more to patch. Run with the plain and the
# sanitizer build. Regenerate after a deliberate change with
#   tests/learn/suggest.t --update
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")/suggest" && pwd)
bins=("$SEVORIX")
[ -x "${SEVORIX_ASAN:-}" ] && bins+=("$SEVORIX_ASAN")
[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"
command -v patch >/dev/null || skip_all "patch is not installed"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
s() { (cd "$tmp" && "$1" policy suggest --user root --workspace /w "${@:2}"); }

if [ "${1:-}" = --update ]; then
	for e in "$here"/[0-9]*.jsonl; do
		n=$(basename "${e%.jsonl}")
		cp "$here/$n.yaml" "$e" "$tmp/"
		s "$SEVORIX" "$n.jsonl" >"$here/$n.out" 2>&1
	done
	exit 0
fi

set -- "$here"/[0-9]*.jsonl
plan $(($# * 4 * ${#bins[@]}))
for bin in "${bins[@]}"; do
	tag=$(basename "$bin")
	[ "$bin" = "${SEVORIX_ASAN:-}" ] && tag="$tag (asan)"
	for e in "$here"/[0-9]*.jsonl; do
		n=$(basename "${e%.jsonl}")
		cp "$here/$n.yaml" "$e" "$tmp/"
		is "$(s "$bin" "$n.jsonl" 2>&1)" "$(cat "$here/$n.out")" "$tag: suggest $n"
		(cd "$tmp" && patch -s -p0 <"$here/$n.out")
		is "$?" 0 "$tag: $n: the patch applies"
		"$bin" policy check --user root "$tmp/$n.yaml" >/dev/null 2>&1
		is "$?" 0 "$tag: $n: the patched policy passes policy check"
		unlike "$(s "$bin" "$n.jsonl" 2>&1)" '^--- ' "$tag: $n: against it, nothing more to patch"
	done
done

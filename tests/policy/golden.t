#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Rulebook golden files: NN.yaml -> NN.out (`policy print`, which must
# also parse back to itself), NN.expand (`policy print --expand`) and
# NN.err (`policy check`: every message, exit 1). Files that NN.yaml
# extends or includes are in inc/. Run with the plain and the sanitizer
# build. Regenerate after a deliberate change with
#   tests/policy/golden.t --update
. "$(dirname "$0")/../lib/tap.sh"
cd "$(dirname "$0")" || exit 1
bins=("$SEVORIX")
[ -x "${SEVORIX_ASAN:-}" ] && bins+=("$SEVORIX_ASAN")
[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1
# profiles by name (NN.yaml: extends: NAME) are inc/NAME.yaml here
export SEVORIX_PROFILE_PATH=inc
pol() { "$1" policy "$2" --user root "${@:3}"; }

if [ "${1:-}" = --update ]; then
	for f in [0-9]*.yaml; do
		n=${f%.yaml}
		[ -f "$n.out" ] && pol "$SEVORIX" print "$f" >"$n.out" 2>/dev/null
		[ -f "$n.expand" ] && pol "$SEVORIX" print --expand "$f" >"$n.expand" 2>/dev/null
		[ -f "$n.err" ] && pol "$SEVORIX" check "$f" >"$n.err" 2>&1
	done
	exit 0
fi

count=0
for f in [0-9]*.yaml; do
	n=${f%.yaml}
	for x in out expand err; do [ -f "$n.$x" ] && count=$((count + 1)); done
	[ -f "$n.out" ] && count=$((count + 1))
done
plan $((count * ${#bins[@]}))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for bin in "${bins[@]}"; do
	tag=$(basename "$bin")
	[ "$bin" = "${SEVORIX_ASAN:-}" ] && tag="$tag (asan)"
	for f in [0-9]*.yaml; do
		n=${f%.yaml}
		if [ -f "$n.out" ]; then
			got=$(pol "$bin" print "$f" 2>"$tmp/stderr")
			is "$got" "$(cat "$n.out")" "$tag: print $f"
			cp "$n.out" "$tmp/$n.yaml"
			is "$(cd "$tmp" && pol "$bin" print "$n.yaml" 2>/dev/null)" "$got" \
				"$tag: $n.out parses back to itself"
		fi
		if [ -f "$n.expand" ]; then
			if [ ! -s "$n.expand" ]; then
				fail "$tag: $n.expand is empty: a golden file must hold an answer"
				continue
			fi
			is "$(pol "$bin" print "$f" --expand 2>/dev/null)" "$(cat "$n.expand")" \
				"$tag: print --expand $f"
		fi
		if [ -f "$n.err" ]; then
			got=$(pol "$bin" check "$f" 2>&1)
			rc=$?
			is "$got (exit $rc)" "$(cat "$n.err") (exit 1)" "$tag: check $f reports every error"
		fi
	done
done

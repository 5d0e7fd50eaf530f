#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Learn mode's generalizer, golden: generalize/NN.obs (observations of a
# run, the format is in gen_golden.c) learnt against the default policy
# -> generalize/NN.out. Each result must pass `policy check`, and allow
# exactly what was seen and not denied (by the default policy or in the
# learning run). `policy check` runs in the world the observations name
# (world.sh: their files exist there, /home/u is root's home), as it
# would on the machine a policy was learnt on. Regenerate after a
# deliberate change with
#   tests/learn/generalize.t --update
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")/generalize" && pwd)
gen="$BUILD/tests/learn/gen_golden"
[ -x "$gen" ] || skip_all "no $gen (run make tests)"
[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"
cd "$(dirname "$0")/../../policies" || exit 1

if [ "${1:-}" = --update ]; then
	for o in "$here"/[0-9]*.obs; do "$gen" default.yaml "$o" >"${o%.obs}.out"; done
	exit 0
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1
gens=("$gen")
[ -x "$BUILD/asan/tests/learn/gen_golden" ] && gens+=("$BUILD/asan/tests/learn/gen_golden")
set -- "$here"/[0-9]*.obs
plan $(($# * 3 * ${#gens[@]}))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root_home=$(getent passwd root | cut -d: -f6)
world=true
[ "$(id -u)" = 0 ] && command -v unshare >/dev/null || world=false
for g in "${gens[@]}"; do
	tag=plain; [ "$g" = "$gen" ] || tag=asan
	for o in "$here"/[0-9]*.obs; do
		n=$(basename "${o%.obs}")
		"$g" default.yaml "$o" >"$tmp/$n.yaml"
		is "$(cat "$tmp/$n.yaml")" "$(cat "$here/$n.out")" "$tag: $n: learnt as expected"
		if $world; then
			is "$("$here/../world.sh" "$o" "$root_home" "$tmp/ws-$n" \
				"$SEVORIX" policy check --user root "$tmp/$n.yaml" 2>&1; echo "exit $?")" \
				"exit 0" "$tag: $n: the result passes policy check"
		else
			skip "$tag: $n: policy check in the observed world needs root and unshare(1)"
		fi
		is "$("$g" --verify default.yaml "$o")" ok \
			"$tag: $n: it allows exactly what was seen and not denied"
	done
done

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Everyday developer work under the default policy (issue 13): git, make
# of a small C project, python3 -m venv and npm install of a small package
# from a local registry stand-in work the same under `sevorix run
# --profile default` as bare, as the same unprivileged user. The times are
# bench/devwork_bench.sh's business, not this test's.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
for c in git make cc python3 npm node setpriv; do
	command -v $c >/dev/null || skip_all "$c is not installed"
done
python3 -c 'import ensurepip' 2>/dev/null || skip_all "python3 -m venv needs python3-venv"
scratch

P=$(free_port)
python3 "$(dirname "$0")/../lib/npm_registry.py" 127.0.0.1:$P >"$SX_TMP/registry.out" 2>&1 &
started $!
wait_ready "$SX_TMP/registry.out"
# the job is in the workspace: the run's private /tmp shows no other part of the test's directory
mkdir -p "$SX_TMP/bare" "$SX_TMP/sevorix"
cp "$(dirname "$0")/devwork_job.sh" "$SX_TMP/bare/job.sh"
cp "$(dirname "$0")/devwork_job.sh" "$SX_TMP/sevorix/job.sh"
chown -R nobody: "$SX_TMP/bare" "$SX_TMP/sevorix"
env=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent LANG=C)

plan 10

bare=$(cd "$SX_TMP/bare" && setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"${env[@]}" bash job.sh http://127.0.0.1:$P/ 2>&1)
is "$(echo "$bare" | grep -c ' ok$')" 4 "bare: the four steps work"
[ "$(echo "$bare" | grep -c ' ok$')" = 4 ] || diag "$bare"

inside=$(cd "$SX_TMP/sevorix" && "${env[@]}" SEVORIX_PROFILE_PATH="$SEVORIX_PROFILE_PATH" \
	"$SEVORIX" run --quiet --user nobody --profile default --events "$SX_TMP/ev.jsonl" \
	-- bash job.sh http://127.0.0.1:$P/ 2>&1)
is "$?" 0 "under sevorix run --profile default: the job ran"
for s in git make venv npm; do
	like "$inside" "^$s ok$" "under the default policy: $s works"
done
ls "$SX_TMP/sevorix/js/node_modules/sevorix-hello/package.json" >/dev/null 2>&1
is "$?" 0 "npm unpacked the package from the registry stand-in into the workspace"
is "$(git -c safe.directory='*' -C "$SX_TMP/sevorix" log --format=%s)" start "the commit is there"
is "$("$SX_TMP/sevorix/c/hello")" "hello from make" "the binary make built runs"
is "$(grep -c '"verdict":"deny"' "$SX_TMP/ev.jsonl")" 0 "and nothing of it was denied"
[ "$(grep -c '"verdict":"deny"' "$SX_TMP/ev.jsonl")" = 0 ] ||
	diag "$(grep '"verdict":"deny"' "$SX_TMP/ev.jsonl" | head -5)"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make fuzz`: runs every libFuzzer target of a parser of untrusted input
# for FUZZ_SECONDS each (default 60; the rulebook three times that), one
# after the other (the machines have 2 CPUs), from copies of its seeds in
# a scratch directory (the repository is never written: new inputs stay
# there), and prints each one's executions and the total. Fails on a
# crash, a leak, a sanitizer report or a timeout (the artifacts are kept
# and named), on a target that was not built, when the total is below
# FUZZ_MIN_RUNS (default 10,000,000), and when a seed directory of the
# repository changed during the run.
#
#   target          parser (source)                        seeds
#   rulebook        the policy loader (src/policy)         tests/policy, tests/learn/diff, policies
#   review-request  review API request (jury/server)       tests/jury/fuzz/seeds_request
#   review-http     HTTP requests (util/http.c)            tests/jury/fuzz/seeds_http
#   review-answer   the jury's answers (review/client.c)   tests/jury/fuzz/seeds_review_answer
#   jury-config     jury.yaml (jury/config.c)              tests/jury/config
#   model-reply     model servers' replies (jury/models)   tests/jury/fuzz/seeds_model_reply
#   dns-msg         DNS messages (dns/wire.c, answer.c)    tests/dns/fuzz/seeds_msg
#   dns-host        host rules (dns/match.c)               tests/dns/fuzz/seeds_host
#   events          events read by policy suggest (learn)  tests/learn/suggest
#   interp          a program's #! line and ELF loader     tests/learn/fuzz/seeds_interp
#   shell           commands the hold and jurors parse     tests/jury/fuzz/seeds_shell
#                   (shell/shlex.c, cmd.c, decode.c, interp.c)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
secs=${FUZZ_SECONDS:-60}
min=${FUZZ_MIN_RUNS:-10000000}
out=$(mktemp -d /tmp/sevorix-fuzz.XXXXXX)
total=0
failed=0

# run NAME SECONDS BIN MAX_LEN DICT SEED_DIR...
run() {
	name=$1 t=$2 bin=$3 maxlen=$4 dict=$5
	shift 5
	if [ ! -x "$bin" ]; then
		printf '%-15s %12s  not built: %s\n' "$name" - "$bin"
		failed=$((failed + 1))
		return
	fi
	# libFuzzer writes the inputs it finds into its first corpus directory
	# (and may replace one there by a smaller one): it is given copies of
	# the seeds only, and runs in the scratch directory, so that nothing
	# in the repository is written
	mkdir -p "$out/$name/corpus" "$out/$name/seeds"
	for s in "$@"; do cp -R "$root/$s" "$out/$name/seeds/"; done
	if (cd "$out/$name" && "$bin" -max_total_time="$t" -timeout=5 -rss_limit_mb=2048 \
		-max_len="$maxlen" -dict="$root/$dict" -artifact_prefix="$out/$name/" \
		-print_final_stats=1 corpus seeds >log 2>&1); then
		result=ok
	else
		result="FAILED (artifacts and log in $out/$name)"
		failed=$((failed + 1))
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name/log" | tail -1)
	runs=${runs:-0}
	total=$((total + runs))
	printf '%-15s %12s  %8s/s  %4s s  %s\n' "$name" "$runs" "$((runs / t))" "$t" "$result"
}

# the seed directories as they are: `make fuzz` must leave them so
seeds_now() {
	(cd "$root" && find tests/policy tests/learn/diff policies tests/jury/config \
		tests/jury/fuzz tests/dns/fuzz tests/learn/suggest tests/learn/fuzz -type f | sort)
}
seeds_now >"$out/seeds.before"
printf '%-15s %12s  %10s  %6s\n' target executions rate time
# the rulebook is the slowest (each input is also printed, loaded again and
# compared region by region): it gets three turns
run rulebook $((secs * 3)) "$build/fuzz/rulebook" 16384 tests/policy/fuzz/rulebook.dict \
	tests/policy tests/learn/diff policies
run review-request "$secs" "$build/jury/fuzz_request" 9000 tests/jury/fuzz/request.dict \
	tests/jury/fuzz/seeds_request
run review-http "$secs" "$build/jury/fuzz_http" 9000 tests/jury/fuzz/http.dict tests/jury/fuzz/seeds_http
run review-answer "$secs" "$build/fuzz/review_answer" 9000 tests/jury/fuzz/review_answer.dict \
	tests/jury/fuzz/seeds_review_answer
run jury-config "$secs" "$build/fuzz/jury_config" 16384 tests/jury/fuzz/config.dict tests/jury/config
run model-reply "$secs" "$build/fuzz/model_reply" 8192 tests/jury/fuzz/model_reply.dict \
	tests/jury/fuzz/seeds_model_reply
run dns-msg "$secs" "$build/dns/fuzz_msg" 4096 tests/dns/fuzz/msg.dict tests/dns/fuzz/seeds_msg
run dns-host "$secs" "$build/dns/fuzz_host" 600 tests/dns/fuzz/host.dict tests/dns/fuzz/seeds_host
run events "$secs" "$build/fuzz/events" 16384 tests/learn/fuzz/events.dict tests/learn/suggest
run interp "$secs" "$build/fuzz/interp" 16384 tests/learn/fuzz/interp.dict tests/learn/fuzz/seeds_interp
run shell "$secs" "$build/fuzz/shell" 16384 tests/jury/fuzz/shell.dict tests/jury/fuzz/seeds_shell
printf '%-15s %12s\n' total "$total"
seeds_now >"$out/seeds.after"
if ! diff "$out/seeds.before" "$out/seeds.after"; then
	echo "the seed directories in the repository changed during the run (above)"
	failed=$((failed + 1))
fi
if [ "$total" -lt "$min" ]; then
	echo "fewer than $min executions in all: run with a larger FUZZ_SECONDS"
	failed=$((failed + 1))
fi
[ "$failed" = 0 ] && rm -rf "$out"
exit $((failed != 0))

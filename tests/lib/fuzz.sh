# SPDX-License-Identifier: GPL-2.0-only
# One libFuzzer target run for a bounded time from its seeds, as one TAP
# line (POSIX sh; source it). A crash, a leak, a sanitizer report or a
# timeout fails, and leaves the artifacts for the reader; a target that
# was not built (clang without libFuzzer) is a skip.
#
# fuzz_target N BIN SEED_DIR DICT MAX_LEN SECONDS WHAT
fuzz_target() {
	if [ ! -x "$2" ]; then
		echo "ok $1 # skip $2 not built (needs clang with libFuzzer)"
		return 0
	fi
	fz_work=$(mktemp -d)
	cp "$3/"* "$fz_work/"
	if "$2" -max_total_time="$6" -timeout=5 -rss_limit_mb=1024 -max_len="$5" -dict="$4" \
		-artifact_prefix="$fz_work/" "$fz_work" >"$fz_work/log" 2>&1; then
		echo "ok $1 - fuzz $7 for ${6}s: $(grep -o 'Done [0-9]* runs' "$fz_work/log")"
		rm -rf "$fz_work"
	else
		echo "not ok $1 - fuzz $7 found a failure (artifacts in $fz_work)"
		tail -30 "$fz_work/log" | sed 's/^/# /'
	fi
}

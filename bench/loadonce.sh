#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Load once, attach many (part of make bench; docs/perf.md): the start of
# a run's cgroup programs as a prototype would make it (programs verified
# once and pinned; per run, rules written and links made) against the
# network and exec layers loaded as today, interleaved, medians of N.
# Needs root. Prints figures and the prototype's proof that its rules
# hold; never passes or fails on a time.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
[ -x "$BUILD/bench/loadonce_bench" ] || { echo "loadonce: build $BUILD/bench/loadonce_bench first"; exit 0; }
echo "== load once, attach many: a prototype against today's load (N=${N:-15})"
cd "$top" && "$BUILD/bench/loadonce_bench" -n "${N:-15}" -p policies/default.yaml

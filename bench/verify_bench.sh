#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What the kernel's verifier does for each BPF program of a run (part of
# make bench): the instructions it processed, its states and its time per
# program, and each object's whole open and load (bench/verify_cost.c),
# relocated against the cut of the kernel's BTF as a run does, then
# against the whole BTF as a run without the cut does.
# Needs root. ROUNDS loads of each object (default 5), medians; the
# instruction counts do not depend on the load of the machine, the times do.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
[ "$(id -u)" = 0 ] || { echo "verify bench: needs root" >&2; exit 1; }
[ -x "$BUILD/bench/verify_cost" ] || { echo "verify bench: build $BUILD/bench/verify_cost first (make bench)"; exit 0; }
echo "== verification of a run's BPF programs, ${ROUNDS:-5} loads of each object, medians"
"$BUILD/bench/verify_cost" -r "${ROUNDS:-5}"
echo "== the same objects against the kernel's whole BTF (-w: what a run pays without the cut of util/corebtf.h)"
"$BUILD/bench/verify_cost" -r "${ROUNDS:-5}" -w

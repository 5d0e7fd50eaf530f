# SPDX-License-Identifier: GPL-2.0-only
#
# The real-work benchmark (bench/work_bench.sh, part of `make bench`):
# make, npm, git, pytest and bubblewrap's start as the baselines it times
# against, all from Debian.
#
#   make bench-work    only that benchmark (ROUNDS, ONLY: see the script)

DEB_PKGS_EXTRA += bubblewrap git npm python3-pytest

.PHONY: bench-work
bench-work: deps
	$(Q)$(MAKE) --no-print-directory all $(BENCH_BINS)
	$(Q)BUILD=$(abspath $(BUILD)) ./bench/work_bench.sh

# SPDX-License-Identifier: GPL-2.0-only
#
# `make soak` (not part of `make check`): SOAK_SECONDS (default 60) of 64
# clients against the jury and of a busy agent under `sevorix run`, with
# no error, no leak and no lost denial (tests/soak/soak.sh says how each
# is checked). Needs root, as the kernel tests do.

.PHONY: soak
soak: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/tests/soak/jury_soak $(BUILD)/tests/soak/busy_agent
	$(Q)SEVORIX=$(abspath $(BUILD)/sevorix) BUILD=$(abspath $(BUILD)) prove -v --exec bash \
		tests/soak/soak.sh

# SPDX-License-Identifier: GPL-2.0-only
#
# The agent profiles (policies/*.yaml; sevorix-policy(5), "Profiles").
# `sevorix run --profile NAME` and `extends: NAME` look for NAME.yaml in
# /etc/sevorix/profiles (the administrator's, searched first) and then in
# $(PROFILE_DIR), where `make install` puts the shipped ones; the tests use
# the tree's policies/ through SEVORIX_PROFILE_PATH. A changed PREFIX needs
# `make clean`: the directory is compiled into src/policy/profile.o.

PROFILE_DIR := $(PREFIX)/share/sevorix/profiles

$(BUILD)/src/policy/profile.o $(BUILD)/asan/src/policy/profile.o: \
	override CFLAGS += -DPOLICY_PROFILE_DIR='"$(PROFILE_DIR)"'

.PHONY: install-profiles
install: install-profiles
install-profiles:
	install -d $(DESTDIR)$(PROFILE_DIR) $(DESTDIR)/etc/sevorix/profiles
	install -m 0644 policies/*.yaml $(DESTDIR)$(PROFILE_DIR)/

# SPDX-License-Identifier: GPL-2.0-only
#
# DNS (src/dns/): the resolver's test program under ASan, and the
# upstream the tests run (dnsmasq).

# --- the resolver's test program, also under ASan+UBSan ------------------
$(BUILD)/asan/tests/dns/resolver_run: $(BUILD)/asan/tests/dns/resolver_run.o \
		$(BUILD)/asan/libsevorix.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ $(LIBS) -o $@

tests: $(BUILD)/asan/tests/dns/resolver_run

# The tests' upstream. dnsmasq-base is the program alone: the dnsmasq
# package would also start a machine-wide server on port 53 when installed.
DEB_PKGS_EXTRA += dnsmasq-base

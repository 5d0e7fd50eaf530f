# SPDX-License-Identifier: GPL-2.0-only
#
# DNS (src/dns/): the libFuzzer targets for the message reader and the
# host rules, the resolver's test program under ASan, the upstream the
# tests run (dnsmasq), and `make bench-dns`.

# --- fuzzing -------------------------------------------------------------
# Built by clang straight from the sources they test, run for a bounded
# time by tests/dns/fuzz.t. Where clang cannot link libFuzzer at all, the
# targets are skipped and fuzz.t says so; any other build error fails.
DNS_FUZZ_SRCS := src/dns/wire.c src/dns/answer.c src/dns/match.c
DNS_FUZZERS := $(BUILD)/dns/fuzz_msg $(BUILD)/dns/fuzz_host
DNS_FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

$(BUILD)/dns/fuzz_%: tests/dns/fuzz/%_fuzz.c $(DNS_FUZZ_SRCS) src/dns/*.h
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(DNS_FUZZ_CFLAGS) $< $(DNS_FUZZ_SRCS) -o $@ || { \
		echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
		$(CLANG) -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null && exit 1; \
		echo "  SKIP     $@: $(CLANG) cannot link libFuzzer targets"; }

# --- the resolver's test program, also under ASan+UBSan ------------------
$(BUILD)/asan/tests/dns/resolver_run: $(BUILD)/asan/tests/dns/resolver_run.o \
		$(BUILD)/asan/libsevorix.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ $(LIBS) -o $@

tests: $(DNS_FUZZERS) $(BUILD)/asan/tests/dns/resolver_run

# --- benchmark -----------------------------------------------------------
.PHONY: bench-dns
bench-dns: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/bench/dns_bench $(BUILD)/tests/dns/resolver_run
	$(Q)BUILD=$(abspath $(BUILD)) ./bench/dns_bench.sh

# The tests' upstream. dnsmasq-base is the program alone: the dnsmasq
# package would also start a machine-wide server on port 53 when installed.
DEB_PKGS_EXTRA += dnsmasq-base

# --- the K1 guests (tests/vm/guest/dns_run.t) ----------------------------
# The stand-in agent and the host's dnsmasq as helpers of the guest suite;
# the harness copies their libraries along.
$(BUILD)/vm/suite/bin/dns_agent: $(BUILD)/tests/dns/dns_agent
	$(call msg,CP,$@)
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@

$(BUILD)/vm/suite/bin/dnsmasq:
	$(call msg,CP,$@)
	$(Q)mkdir -p $(@D)
	$(Q)if command -v dnsmasq >/dev/null; then cp "$$(command -v dnsmasq)" $@; fi

vm-suite: $(BUILD)/vm/suite/bin/dns_agent $(BUILD)/vm/suite/bin/dnsmasq

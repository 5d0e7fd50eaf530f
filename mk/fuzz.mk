# SPDX-License-Identifier: GPL-2.0-only
#
# `make fuzz`: every libFuzzer target of a parser of untrusted input, run
# for FUZZ_SECONDS each by tools/fuzz.sh, which prints the executions of
# each and their total (not part of `make check`, which only builds them;
# the review API's and the DNS reader's targets also run briefly there).
#
# Targets of the jury (review API, HTTP) and of src/dns are built by
# mk/jury.mk and mk/dns.mk; the others are built here, by clang, straight
# from the sources they test, as those are.

FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -I$(BUILD) -Wall -Wextra -Werror \
	-Wno-missing-field-initializers -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_POLICY_SRCS := $(wildcard src/policy/*.c) src/util/yaml.c src/util/which.c $(wildcard src/shell/*.c) \
	src/dns/match.c src/dns/endpoint.c \
	src/learn/diff.c src/learn/diff_net.c src/learn/diff_exec.c src/learn/diff_glob.c
FUZZ_JURY_SRCS := $(sort $(shell find src/jury -name '*.c' ! -path '*/cmd/*' ! -path '*/server/*')) \
	$(wildcard src/util/*.c) src/review/review.c $(wildcard src/shell/*.c)
FUZZ_JURY_LIBS := -lyaml -ljson-c -ldl -lm -lpthread -lbpf

# name: the target's source, the sources it needs, its libraries
FUZZ_rulebook := tests/policy/fuzz/rulebook_fuzz.c $(filter-out src/policy/agent.c,$(FUZZ_POLICY_SRCS))
FUZZ_rulebook_LIBS := -lyaml
FUZZ_jury_config := tests/jury/fuzz/config_fuzz.c $(FUZZ_JURY_SRCS)
FUZZ_jury_config_LIBS := $(FUZZ_JURY_LIBS)
FUZZ_model_reply := tests/jury/fuzz/model_reply_fuzz.c src/jury/models/prompt.c \
	src/jury/models/http_client.c src/jury/models/curl_dl.c src/jury/jurors/juror.c $(wildcard src/shell/*.c)
FUZZ_model_reply_LIBS := -ljson-c -ldl
FUZZ_review_answer := tests/jury/fuzz/review_answer_fuzz.c src/util/iov.c
FUZZ_review_answer_LIBS := -ljson-c
FUZZ_events := tests/learn/fuzz/events_fuzz.c src/learn/denials.c
FUZZ_events_LIBS := -ljson-c

FUZZ_interp := tests/learn/fuzz/interp_fuzz.c src/learn/interp.c
FUZZ_shell := tests/jury/fuzz/shell_fuzz.c $(wildcard src/shell/*.c)

FUZZ_NAMES := rulebook jury_config model_reply review_answer events interp shell
FUZZERS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)

# The sources of a target as its prerequisites, with the headers they may include.
$(foreach n,$(FUZZ_NAMES),$(eval $(BUILD)/fuzz/$(n): $(FUZZ_$(n)) $(wildcard include/sevorix/*.h \
	src/*/*.h src/jury/*/*.h tests/lib/*.h) src/review/client.c src/jury/models/adapters.c))

$(FUZZERS): | $(SKELS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_$(@F)) $(FUZZ_$(@F)_LIBS) -o $@ || { \
		echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
		$(CLANG) -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null && exit 1; \
		echo "  SKIP     $@: $(CLANG) cannot link libFuzzer targets"; }

tests: $(FUZZERS)

.PHONY: fuzz
fuzz: deps
	$(Q)$(MAKE) --no-print-directory $(FUZZERS) $(JURY_FUZZERS) $(DNS_FUZZERS)
	$(Q)BUILD=$(abspath $(BUILD)) ./tools/fuzz.sh

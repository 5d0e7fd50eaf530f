# SPDX-License-Identifier: GPL-2.0-only
#
# The jury (src/jury/): the libFuzzer targets for the HTTP and JSON request
# parsers, and `make bench-jury`.

# --- fuzzing -------------------------------------------------------------
# libFuzzer targets are built by clang straight from the parser sources
# (they need no other part of the library) and run for a bounded time by
# tests/jury/fuzz.t under `make check`. Where clang cannot link libFuzzer at
# all (no libclang-rt), the targets are skipped and fuzz.t says so; any other
# build error fails.
JURY_FUZZ_SRCS := src/util/http.c src/review/review.c src/jury/server/request.c
JURY_FUZZERS := $(BUILD)/jury/fuzz_http $(BUILD)/jury/fuzz_request
JURY_FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

$(BUILD)/jury/fuzz_%: tests/jury/fuzz/%_fuzz.c $(JURY_FUZZ_SRCS) \
		$(wildcard src/jury/*.h src/jury/*/*.h src/review/*.h src/util/*.h)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(JURY_FUZZ_CFLAGS) $< $(JURY_FUZZ_SRCS) -ljson-c -o $@ || { \
		echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
		$(CLANG) -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null && exit 1; \
		echo "  SKIP     $@: $(CLANG) cannot link libFuzzer targets"; }

tests: $(JURY_FUZZERS)

# --- benchmark -----------------------------------------------------------
.PHONY: bench-jury
bench-jury:
	$(Q)$(MAKE) --no-print-directory $(BUILD)/sevorix $(BUILD)/bench/jury_bench
	$(Q)BUILD=$(abspath $(BUILD)) SEVORIX=$(abspath $(BUILD)/sevorix) ./bench/jury_bench.sh

# libFuzzer's runtime for clang 14 (clang itself is in DEB_PKGS).
DEB_PKGS_EXTRA += libclang-rt-14-dev

.PHONY: install-jury-man
install: install-jury-man
install-jury-man:
	install -D -m 0644 docs/sevorix-jury.5 $(DESTDIR)$(PREFIX)/share/man/man5/sevorix-jury.5

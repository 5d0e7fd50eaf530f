# SPDX-License-Identifier: GPL-2.0-only
#
# Learn mode and policy suggest/diff (src/learn/): the generalizer's
# golden-test program, also under ASan+UBSan.

$(BUILD)/asan/tests/learn/gen_golden: $(BUILD)/asan/tests/learn/gen_golden.o \
		$(BUILD)/asan/libsevorix.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ $(LIBS) -o $@

tests: $(BUILD)/asan/tests/learn/gen_golden

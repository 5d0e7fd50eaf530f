# SPDX-License-Identifier: GPL-2.0-only
#
# Learn mode and policy suggest/diff (src/learn/): the default policy
# built into the binary (learn mode's reference where none is installed),
# and the generalizer's golden-test program, also under ASan+UBSan.

$(BUILD)/learn/default_policy.h: policies/default.yaml
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q){ echo '/* generated from policies/default.yaml by mk/learn.mk */'; \
	  echo 'static const char learn_default_policy[] ='; \
	  sed 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$$/\\n"/' $<; echo ';'; } >$@.tmp && mv $@.tmp $@

$(BUILD)/src/learn/reference.o $(BUILD)/asan/src/learn/reference.o: $(BUILD)/learn/default_policy.h

$(BUILD)/asan/tests/learn/gen_golden: $(BUILD)/asan/tests/learn/gen_golden.o \
		$(BUILD)/asan/libsevorix.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ $(LIBS) -o $@

tests: $(BUILD)/asan/tests/learn/gen_golden

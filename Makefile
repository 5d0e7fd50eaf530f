# SPDX-License-Identifier: GPL-2.0-only
#
# Sevorix build. Everything is written under $(BUILD)/; `make V=1` shows the
# commands. User space is one binary, build/sevorix, plus an ASan+UBSan
# twin under build/asan/ that the tests also run. BPF objects are compiled
# by clang against a vmlinux.h generated from the running kernel's BTF, and
# embedded with `bpftool gen skeleton`.
#
# Layout of tests (all TAP, all run by prove):
#   tests/DIR/*_test.c   -> $(BUILD)/tests/DIR/*.t  (and $(BUILD)/asan/tests/DIR/*.t)
#   tests/DIR/*.c        -> $(BUILD)/tests/DIR/*    (helper programs used by tests)
#   tests/DIR/*.t        scripts, run as they are
# Subsystems may add rules in mk/*.mk.

BUILD	?= build
# one spelling of every target: a BUILD given as an absolute path inside
# the tree would write dependency files that a plain `make` never matches
override BUILD := $(patsubst $(CURDIR)/%,%,$(BUILD))
PREFIX	?= /usr/local
CC	?= gcc
CLANG	?= clang
BPFTOOL	?= bpftool
ARCH	:= $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WARN	:= -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror
CFLAGS	?= -O2 -g
PROVE_FLAGS ?= --failures
override CFLAGS += $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -I$(BUILD)
LIBS	:= -lbpf -lelf -lz -lyaml -lseccomp -ljson-c -lcrypto -lpthread -lm -ldl
SAN	:= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRCS	:= $(sort $(shell find src -name '*.c'))
LIBSRCS	:= $(filter-out src/cli/main.c,$(SRCS))
OBJS	:= $(LIBSRCS:%.c=$(BUILD)/%.o)
ASAN_OBJS := $(LIBSRCS:%.c=$(BUILD)/asan/%.o)

BPFSRCS	:= $(wildcard bpf/*.bpf.c)
SKELS	:= $(BPFSRCS:bpf/%.bpf.c=$(BUILD)/%.skel.h)

TEST_SRCS   := $(wildcard tests/*/*_test.c)
TEST_BINS   := $(TEST_SRCS:tests/%_test.c=$(BUILD)/tests/%.t)
ASAN_TESTS  := $(TEST_SRCS:tests/%_test.c=$(BUILD)/asan/tests/%.t)
HELPER_SRCS := $(filter-out $(TEST_SRCS),$(wildcard tests/*/*.c))
HELPER_BINS := $(HELPER_SRCS:tests/%.c=$(BUILD)/tests/%)
BENCH_BINS  := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

# Test order: fast and unprivileged first. Fragments in mk/ append to it.
CHECK_TESTS = $(TEST_BINS) $(ASAN_TESTS) $(sort $(wildcard tests/*/*.t))

.PHONY: all deps demo check install clean bench tests
all: $(BUILD)/sevorix $(BUILD)/asan/sevorix

include $(wildcard mk/*.mk)

# --- dependencies --------------------------------------------------------

DEB_PKGS := build-essential clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev \
	libyaml-dev libseccomp-dev libjson-c-dev libcurl4-openssl-dev liburing-dev \
	libssl-dev pkg-config curl python3 python3-yaml iproute2 procps runc crun $(DEB_PKGS_EXTRA)

# Installs only what is missing; when everything is there it costs one
# dpkg-query per package.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${db:Status-Status}' $$p 2>/dev/null | grep -qx installed || \
			missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "  DEPS    $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# --- BPF -----------------------------------------------------------------

$(BUILD)/vmlinux.h:
	$(call msg,VMLINUX,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

# The headers each object includes are in its dependency file (-MMD).
# An object of several files (bpf/lsm/) is linked in mk/lsm.mk. An object
# that needs no kernel type (bpf/net.bpf.c) includes the uapi headers, whose
# asm/ folder is the multiarch one, instead of vmlinux.h.
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -target bpf -g -O2 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		-Iinclude -Ibpf -I$(BUILD) -I/usr/include/$(shell uname -m)-linux-gnu \
		-MMD -MP -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# --- user space ----------------------------------------------------------

# Skeletons are order-only: the first build makes them all before any
# object, and afterwards the dependency files (-MMD) name the skeletons
# each object really includes, so a changed .bpf.c rebuilds only those.
$(BUILD)/%.o: %.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/asan/%.o: %.c | $(SKELS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN) -MMD -MP -c $< -o $@

$(BUILD)/libsevorix.a: $(OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/asan/libsevorix.a: $(ASAN_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/sevorix: $(BUILD)/src/cli/main.o $(BUILD)/libsevorix.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -o $@

$(BUILD)/asan/sevorix: $(BUILD)/asan/src/cli/main.o $(BUILD)/asan/libsevorix.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ $(LIBS) -o $@

$(BUILD)/tests/%.t: $(BUILD)/tests/%_test.o $(BUILD)/libsevorix.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -o $@

$(BUILD)/asan/tests/%.t: $(BUILD)/asan/tests/%_test.o $(BUILD)/asan/libsevorix.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ $(LIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libsevorix.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -luring -o $@

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/libsevorix.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -o $@

tests: all $(TEST_BINS) $(ASAN_TESTS) $(HELPER_BINS)

# --- top-level jobs ------------------------------------------------------

# The README's two commands. Both install what they need first.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./examples/demo.sh

check: deps
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)SEVORIX=$(abspath $(BUILD)/sevorix) SEVORIX_ASAN=$(abspath $(BUILD)/asan/sevorix) \
		BUILD=$(abspath $(BUILD)) SEVORIX_PROFILE_PATH=$(abspath policies) \
		prove --exec '' $(PROVE_FLAGS) $(CHECK_TESTS)

bench: deps
	$(Q)$(MAKE) --no-print-directory all $(BENCH_BINS) $(HELPER_BINS)
	$(Q)BUILD=$(abspath $(BUILD)) ./bench/run.sh

install: $(BUILD)/sevorix
	install -D -m 0755 $(BUILD)/sevorix $(DESTDIR)$(PREFIX)/bin/sevorix
	install -D -m 0644 policies/default.yaml $(DESTDIR)/etc/sevorix/policy.yaml
	install -D -m 0644 docs/sevorix.1 $(DESTDIR)$(PREFIX)/share/man/man1/sevorix.1
	install -D -m 0644 docs/sevorix-policy.5 $(DESTDIR)$(PREFIX)/share/man/man5/sevorix-policy.5
	install -D -m 0644 docs/sevorixd.8 $(DESTDIR)$(PREFIX)/share/man/man8/sevorixd.8
	ln -sf sevorix $(DESTDIR)$(PREFIX)/bin/sevorixd
	mkdir -p $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/local/|$(PREFIX)/|' deploy/systemd/sevorixd.service \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/sevorixd.service

clean:
	rm -rf $(BUILD)

.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)

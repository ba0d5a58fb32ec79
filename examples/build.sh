#!/usr/bin/env bash
# Builds the three example consumers with other people's toolchains, each into OUT_DIR as a
# component validated by wasm-tools:
#   javascript.wasm  componentize-js (npm), world consumer-draft2
#   python.wasm      componentize-py (PyPI), world consumer
#   c.wasm           wit-bindgen's C generator (crates), clang-19 for wasm32-wasi, world consumer
#
#   examples/build.sh OUT_DIR [javascript|python|c ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build.sh OUT_DIR [javascript|python|c ...]}
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(javascript python c)
tools=$root/.tools/bin
wit=$root/wit

for lang in "${langs[@]}"; do
  started=$SECONDS
  case $lang in
    javascript)
      node "$root/examples/js/build.mjs" "$wit" "$out/javascript.wasm.unchecked"
      ;;
    python)
      # componentize-py writes its bindings (the wit_world package) beside the app, in a copy.
      work=$out/python-src
      rm -rf "$work" && mkdir -p "$work" && cp "$root/examples/python/app.py" "$work/"
      (cd "$work" && "$tools/componentize-py" -d "$wit" -w consumer componentize app \
        -o "$out/python.wasm.unchecked" >/dev/null)
      ;;
    c)
      gen=$out/c-bindings
      rm -rf "$gen"
      log=$("$tools/wit-bindgen" c "$wit" --world consumer --out-dir "$gen" 2>&1) ||
        { echo "$log" >&2; exit 1; }
      clang-19 --target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-debug -I "$gen" \
        "$root/examples/c/app.c" "$gen/consumer.c" "$gen/consumer_component_type.o" \
        -o "$out/c.core.wasm"
      adapter=$(cd "$root" && node -e \
        "import('@bytecodealliance/jco').then((m) => console.log(m.preview1AdapterReactorPath().pathname))")
      "$tools/wasm-tools" component new "$out/c.core.wasm" \
        --adapt "wasi_snapshot_preview1=$adapter" -o "$out/c.wasm.unchecked"
      ;;
    *)
      echo "build.sh: unknown example \`$lang\` (javascript, python or c)" >&2
      exit 2
      ;;
  esac
  "$tools/wasm-tools" validate "$out/$lang.wasm.unchecked"
  mv "$out/$lang.wasm.unchecked" "$out/$lang.wasm"
  echo "examples: $lang.wasm ($(( $(stat -c %s "$out/$lang.wasm") / 1024 )) KiB) built in $((SECONDS - started)) s"
done

// kv-prefix: a middleware provider. It exports wasi:keyvalue (store, atomics and batch, both
// contract versions) and imports it from the provider composed below it, opening every bucket
// `name` there as `KV_PREFIX` + `name` (default `prefixed.`), so that several applications can
// share one store without seeing each other's buckets:
//
//   wasm-fuse plug --plug kv-prefix.wasm --plug kv-redis.wasm app.wasm -o app.fused.wasm
//
// Its limits (README.md, "Configuration") apply to what the application sends. KV_BUCKETS does
// not apply here: a composition has one environment, so the provider below reads the same
// variable and applies it to the names it is given, which carry the prefix
// (KV_BUCKETS=prefixed.app allows the application's bucket `app`). It imports nothing else: no preview1 adapter, only
// wasi:cli/environment, read directly (src/bindings/wasi_environment.h).
#include <memory>
#include <string>

#include "bindings/keyvalue_exports.h"
#include "bindings/wasi_environment.h"
#include "imported_store.h"
#include "kv/engine/config.h"

namespace bindings::keyvalue {

util::Result<std::unique_ptr<kv::Store>> MakeProviderStore() {
  ASSIGN_OR_RETURN(kv::StoreOptions options, kv::StoreOptionsFromEnvironment(WasiGetEnv));
  options.allowed_buckets.reset();  // the provider below applies it, to the prefixed names
  const char* prefix = WasiGetEnv("KV_PREFIX");
  return std::make_unique<kv::Store>(
      std::make_unique<kv_prefix::ImportedStore>(prefix != nullptr ? prefix : "prefixed."),
      std::move(options));
}

}  // namespace bindings::keyvalue

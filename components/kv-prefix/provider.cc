// kv-prefix: a middleware provider. It exports wasi:keyvalue (store, atomics and batch, both
// contract versions) and imports it from the provider composed below it, opening every bucket
// `name` there as `KV_PREFIX` + `name` (default `prefixed.`), so that several applications can
// share one store without seeing each other's buckets:
//
//   wasm-fuse plug --plug kv-prefix.wasm --plug kv-redis.wasm app.wasm -o app.fused.wasm
//
// The store's own settings (README.md, "Configuration": limits, KV_BUCKETS) apply to the names
// the application uses, before the prefix. It imports nothing else: no preview1 adapter, only
// wasi:cli/environment, read directly (src/bindings/wasi_environment.h).
#include <memory>
#include <string>

#include "bindings/keyvalue_exports.h"
#include "bindings/wasi_environment.h"
#include "engine/config.h"
#include "imported_store.h"

namespace bindings::keyvalue {

util::Result<std::unique_ptr<kv::Store>> MakeProviderStore() {
  ASSIGN_OR_RETURN(kv::StoreOptions options, kv::StoreOptionsFromEnvironment(WasiGetEnv));
  const char* prefix = WasiGetEnv("KV_PREFIX");
  return std::make_unique<kv::Store>(
      std::make_unique<kv_prefix::ImportedStore>(prefix != nullptr ? prefix : "prefixed."),
      std::move(options));
}

}  // namespace bindings::keyvalue

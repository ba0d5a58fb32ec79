// kv-prefix: a middleware provider. It exports wasi:keyvalue (store, atomics and batch, both
// contract versions) and imports it from the provider composed below it, opening every bucket
// `name` there as `KV_PREFIX` + `name` (default `prefixed.`), so that several applications can
// share one store without seeing each other's buckets:
//
//   wasm-fuse plug --plug kv-prefix.wasm --plug kv-redis.wasm app.wasm -o app.fused.wasm
//
// The store's own settings (README.md, "Configuration": limits, KV_BUCKETS) apply to the names
// the application uses, before the prefix.
#include <cstdlib>
#include <memory>
#include <string>

#include "bindings/keyvalue_exports.h"
#include "engine/config.h"
#include "imported_store.h"

namespace bindings::keyvalue {

util::Result<std::unique_ptr<kv::Store>> MakeProviderStore() {
  auto env = [](const char* name) { return std::getenv(name); };
  ASSIGN_OR_RETURN(kv::StoreOptions options, kv::StoreOptionsFromEnvironment(env));
  const char* prefix = env("KV_PREFIX");
  return std::make_unique<kv::Store>(
      std::make_unique<kv_prefix::ImportedStore>(prefix != nullptr ? prefix : "prefixed."),
      std::move(options));
}

}  // namespace bindings::keyvalue

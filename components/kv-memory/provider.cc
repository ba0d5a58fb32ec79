// kv-memory: wasi:keyvalue store, atomics and batch over the in-memory backend.
//
// It imports nothing, so it composes anywhere, a browser included. Without imports it cannot read
// environment variables, so it runs with the engine's default limits (kv/engine/limits.h).
#include <memory>

#include "bindings/keyvalue_exports.h"
#include "kv/backends/memory.h"

namespace bindings::keyvalue {

util::Result<std::unique_ptr<kv::Store>> MakeProviderStore() {
  return std::make_unique<kv::Store>(kv::NewMemoryStore(), kv::StoreOptions{});
}

}  // namespace bindings::keyvalue

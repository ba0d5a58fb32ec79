// The in-memory backend: buckets that live as long as the backend (in a component, as long as the
// instance). Batches are all or nothing. A bucket walk (list-keys) returns every key present for
// the whole walk exactly once, whatever changes meanwhile.
//
// Ownership: the caller owns the backend, usually by handing it to a kv::Store.
// Threads: not thread-safe; use it from one thread at a time (a component instance is
// single-threaded; native users guard it with a mutex).
// Errors: none of its own. The Store in front of it reports limits and bad arguments.
#ifndef KV_BACKENDS_MEMORY_H_
#define KV_BACKENDS_MEMORY_H_

#include <memory>

#include "kv/engine/backend.h"

namespace kv {

std::unique_ptr<StoreBackend> NewMemoryStore();

}  // namespace kv

#endif  // KV_BACKENDS_MEMORY_H_

// A storage backend (kv/engine/backend.h) over wasi:keyvalue imported from another provider: what
// lets a middleware component serve the contract by calling the contract. Every bucket `name` is
// the imported bucket `prefix + name`.
//
// Calls map one to one onto the imported contract: the draft2 interfaces for everything except
// an unsigned increment, which goes through draft's u64 increment so that its full range passes.
// Compare-and-swap holds the imported draft2 `cas` handles: a version is the token of one handle.
// At most kMaxHeldCas handles are held per bucket, the oldest dropped first; a swap with a
// dropped token reports the key as changed (with a fresh handle), which the contract lets a
// version do, so the caller retries. A list-keys page is the provider's, bounded by its limits.
// Errors of the provider below come back as the same case (no-such-store and access-denied from
// open, access-denied from any call, other with the provider's message), through the generic
// codes of src/bindings/keyvalue_errors.h; a no-such-store from the draft bucket that an unsigned
// increment opens below comes back as other, since no-such-store answers only an open.
//
// Single-threaded, as a component is.
#ifndef KV_PREFIX_IMPORTED_STORE_H_
#define KV_PREFIX_IMPORTED_STORE_H_

#include <memory>
#include <string>

#include "kv/engine/backend.h"

namespace kv_prefix {

inline constexpr size_t kMaxHeldCas = 64;

class ImportedStore : public kv::StoreBackend {
 public:
  explicit ImportedStore(std::string prefix) : prefix_(std::move(prefix)) {}

  util::Result<std::shared_ptr<kv::BucketBackend>> OpenBucket(std::string_view name) override;

 private:
  std::string prefix_;
};

}  // namespace kv_prefix

#endif  // KV_PREFIX_IMPORTED_STORE_H_

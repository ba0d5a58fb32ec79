// The engine's front door: a Store opens Buckets over any StoreBackend and enforces what every
// provider promises (docs/contract.md) before a backend sees a call: key, value and
// batch limits with errors that name the limit, the optional bucket allow-list.
//
// Errors are util::Status with generic codes; a provider turns them into the contract's `error`
// (src/bindings/keyvalue_errors.h): kNotFound from Store::Open (a name the store does not serve)
// is no-such-store, kPermissionDenied is access-denied, the rest is other(message).
//
// Ownership: a Store owns its backend. A Bucket shares its backend's bucket with the other copies
// and keeps it alive, also after the Store is gone.
// Threads: as thread-safe as the backend: none of ours is, so use a Store and its Buckets from one
// thread at a time. Store and Bucket keep no state of their own beyond the options.
#ifndef KV_ENGINE_STORE_H_
#define KV_ENGINE_STORE_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kv/engine/backend.h"
#include "kv/engine/limits.h"
#include "kv/util/result.h"

namespace kv {

struct StoreOptions {
  Limits limits;
  // When set, only these bucket names open; others get kNotFound.
  std::optional<std::set<std::string, std::less<>>> allowed_buckets;
};

// What compare-and-swap saw of one key: its value then (none: absent) and its version.
struct CasState {
  std::string key;
  std::optional<Bytes> value;
  std::string version;
};

// A handle on one bucket. Cheap to copy; copies share the bucket's data.
class Bucket {
 public:
  Bucket(std::string name, std::shared_ptr<BucketBackend> backend, const Limits& limits)
      : name_(std::move(name)), backend_(std::move(backend)), limits_(limits) {}

  const std::string& name() const { return name_; }
  bool batches_are_atomic() const { return backend_->batches_are_atomic(); }

  util::Result<std::optional<Bytes>> Get(std::string_view key);
  // Get, with the value written into `sink` (backend.h); true when the key was there.
  util::Result<bool> GetInto(std::string_view key, ValueSink& sink);
  util::Status Set(std::string_view key, ByteView value);
  util::Status Delete(std::string_view key);
  util::Result<bool> Exists(std::string_view key);
  util::Result<KeyPage> ListKeys(std::optional<uint64_t> cursor);
  // draft's u64 increment and draft2's s64 one, over the same counters (counter.h).
  util::Result<uint64_t> Increment(std::string_view key, uint64_t delta);
  util::Result<int64_t> IncrementSigned(std::string_view key, int64_t delta);
  // Compare-and-swap: ReadForSwap records the key's state; Swap writes `value` only if nothing
  // changed the key since (ok(none)); otherwise it writes nothing and returns the key's state now
  // (ok(state)), for a retry.
  util::Result<CasState> ReadForSwap(std::string_view key);
  util::Result<std::optional<CasState>> Swap(const CasState& seen, ByteView value);
  // Positional: element i belongs to keys[i]. Duplicates are allowed.
  util::Result<std::vector<std::optional<Bytes>>> GetMany(std::span<const std::string_view> keys);
  util::Status SetMany(std::span<const KeyValueView> pairs);
  util::Status DeleteMany(std::span<const std::string_view> keys);

 private:
  util::Status CheckKey(std::string_view op, std::string_view key) const;
  util::Status CheckBatch(std::string_view op, size_t count) const;

  std::string name_;
  std::shared_ptr<BucketBackend> backend_;
  Limits limits_;
};

class Store {
 public:
  Store(std::unique_ptr<StoreBackend> backend, StoreOptions options)
      : backend_(std::move(backend)), options_(std::move(options)) {}

  // Opens (creating if needed) the bucket `name`; "" is the default bucket.
  util::Result<Bucket> Open(std::string_view name);

  const StoreOptions& options() const { return options_; }

 private:
  std::unique_ptr<StoreBackend> backend_;
  StoreOptions options_;
};

}  // namespace kv

#endif  // KV_ENGINE_STORE_H_

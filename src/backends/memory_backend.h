// The in-memory backend behind kv/backends/memory.h (internal: its tests reach the bucket's
// bookkeeping; everyone else calls kv::NewMemoryStore). Buckets live as long as the StoreBackend (in a component, as long as the
// instance). Not thread-safe: a component instance is single-threaded, and native users wrap it.
//
// Keys are held in a KeyIndex (engine/key_index.h), values beside it. list-keys walks insertion
// order; each key gets a sequence number when it is inserted (an overwrite keeps it) and a cursor
// is the sequence number to resume at. Keys present for a whole walk keep their numbers, so the
// walk returns each of them exactly once, whatever is added or deleted meanwhile, also across the
// compactions that drop deleted entries; a key deleted and re-added gets a new number and may show
// up again, as docs/contract.md allows for keys that changed during the walk.
//
// Compare-and-swap versions: every change takes the next number of one clock; a present key's
// version is the number of its latest change, an absent key's the number of the bucket's latest
// delete. So a swap of a key that was absent also fails when another key was deleted meanwhile
// (README, "Contract").
#ifndef BACKENDS_MEMORY_BACKEND_H_
#define BACKENDS_MEMORY_BACKEND_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "engine/key_index.h"
#include "kv/backends/memory.h"
#include "kv/engine/backend.h"

namespace kv {

class MemoryBucket final : public BucketBackend {
 public:
  util::Result<std::optional<Bytes>> Get(std::string_view key) override;
  // Lends the stored bytes to a sink that takes them (ValueSink::Lend): no copy.
  util::Result<bool> GetInto(std::string_view key, ValueSink& sink) override;
  util::Status Set(std::string_view key, ByteView value) override;
  util::Status Delete(std::string_view key) override;
  util::Result<bool> Exists(std::string_view key) override;
  util::Result<KeyPage> ListKeys(std::optional<uint64_t> cursor, const Limits& limits) override;
  util::Result<CounterValue> Increment(std::string_view key, CounterValue delta,
                                       CounterRange range) override;
  util::Result<VersionedValue> ReadVersioned(std::string_view key) override;
  util::Result<std::optional<VersionedValue>> WriteIfVersion(std::string_view key, ByteView value,
                                                             std::string_view version) override;
  util::Result<std::vector<std::optional<Bytes>>> GetMany(
      std::span<const std::string_view> keys) override;
  // All or nothing: nothing can fail once the facade has checked the limits.
  util::Status SetMany(std::span<const KeyValueView> pairs) override;
  util::Status DeleteMany(std::span<const std::string_view> keys) override;
  bool batches_are_atomic() const override { return true; }

  size_t size() const { return index_.live(); }

 private:
  void Put(std::string_view key, ByteView value);
  void Erase(std::string_view key);

  // Entry i of index_ has its value in values_[i] and its sequence number in seqs_[i] (ascending).
  KeyIndex index_;
  std::vector<Bytes> values_;
  std::vector<uint64_t> seqs_;
  uint64_t next_seq_ = 1;
  uint64_t clock_ = 0;        // the number of the latest change
  uint64_t last_delete_ = 0;  // the number of the latest delete
};

class MemoryStore final : public StoreBackend {
 public:
  util::Result<std::shared_ptr<BucketBackend>> OpenBucket(std::string_view name) override;

 private:
  std::map<std::string, std::shared_ptr<MemoryBucket>, std::less<>> buckets_;
};

}  // namespace kv

#endif  // BACKENDS_MEMORY_BACKEND_H_

#include "backends/memory_backend.h"

#include <algorithm>
#include <string>

#include "kv/engine/counter.h"

namespace kv {

util::Result<std::optional<Bytes>> MemoryBucket::Get(std::string_view key) {
  size_t i = index_.Find(key);
  if (i == KeyIndex::kNone) return std::optional<Bytes>();
  return std::optional<Bytes>(values_[i]);
}

util::Result<bool> MemoryBucket::GetInto(std::string_view key, ValueSink& sink) {
  size_t i = index_.Find(key);
  if (i == KeyIndex::kNone) return false;
  RETURN_IF_ERROR(LendOrCopyInto(sink, values_[i]));
  return true;
}

void MemoryBucket::Put(std::string_view key, ByteView value) {
  size_t i = index_.Find(key);
  if (i != KeyIndex::kNone) {
    values_[i].assign(value.begin(), value.end());
    index_.entry(i).stamp = ++clock_;
    return;
  }
  index_.Put(key, 0, 0, 0, ++clock_);
  values_.emplace_back(value.begin(), value.end());
  seqs_.push_back(next_seq_++);
}

void MemoryBucket::Erase(std::string_view key) {
  size_t i = index_.Find(key);
  if (i == KeyIndex::kNone) return;
  index_.Erase(key);
  last_delete_ = ++clock_;
  Bytes().swap(values_[i]);
  // Drop deleted entries once they outnumber the live ones; order and numbers are kept.
  if (index_.dead() > 4096 && index_.dead() > index_.live()) {
    index_.Compact([this](size_t from, size_t to) {
      if (from != to) {
        values_[to] = std::move(values_[from]);
        seqs_[to] = seqs_[from];
      }
    });
    values_.resize(index_.entries().size());
    seqs_.resize(index_.entries().size());
  }
}

util::Status MemoryBucket::Set(std::string_view key, ByteView value) {
  Put(key, value);
  return util::Status::Ok();
}

util::Status MemoryBucket::Delete(std::string_view key) {
  Erase(key);
  return util::Status::Ok();
}

util::Result<bool> MemoryBucket::Exists(std::string_view key) {
  return index_.Find(key) != KeyIndex::kNone;
}

util::Result<KeyPage> MemoryBucket::ListKeys(std::optional<uint64_t> cursor, const Limits& limits) {
  size_t start = static_cast<size_t>(
      std::lower_bound(seqs_.begin(), seqs_.end(), cursor.value_or(0)) - seqs_.begin());
  KeyPage page;
  size_t next;
  page.keys = index_.Page(start, limits.list_page_keys, limits.list_page_bytes, &next);
  if (next < seqs_.size()) page.cursor = seqs_[next];
  return page;
}

util::Result<CounterValue> MemoryBucket::Increment(std::string_view key, CounterValue delta,
                                                   CounterRange range) {
  CounterValue current = 0;
  if (size_t i = index_.Find(key); i != KeyIndex::kNone) {
    ASSIGN_OR_RETURN(current, ParseCounter(key, values_[i]));
  }
  ASSIGN_OR_RETURN(CounterValue sum, AddToCounter(key, current, delta, range));
  Put(key, AsBytes(FormatCounter(sum)));
  return sum;
}

util::Result<VersionedValue> MemoryBucket::ReadVersioned(std::string_view key) {
  VersionedValue out;
  if (size_t i = index_.Find(key); i != KeyIndex::kNone) out.value = values_[i];
  out.version = index_.VersionOf(key, last_delete_);
  return out;
}

util::Result<std::optional<VersionedValue>> MemoryBucket::WriteIfVersion(
    std::string_view key, ByteView value, std::string_view version) {
  if (index_.VersionOf(key, last_delete_) != version) {
    ASSIGN_OR_RETURN(VersionedValue now, ReadVersioned(key));
    return std::optional<VersionedValue>(std::move(now));
  }
  Put(key, value);
  return std::optional<VersionedValue>();
}

util::Result<std::vector<std::optional<Bytes>>> MemoryBucket::GetMany(
    std::span<const std::string_view> keys) {
  std::vector<std::optional<Bytes>> values;
  values.reserve(keys.size());
  for (std::string_view key : keys) {
    size_t i = index_.Find(key);
    if (i == KeyIndex::kNone) {
      values.emplace_back();
    } else {
      values.emplace_back(values_[i]);
    }
  }
  return values;
}

util::Status MemoryBucket::SetMany(std::span<const KeyValueView> pairs) {
  for (const KeyValueView& pair : pairs) Put(pair.key, pair.value);
  return util::Status::Ok();
}

util::Status MemoryBucket::DeleteMany(std::span<const std::string_view> keys) {
  for (std::string_view key : keys) Erase(key);
  return util::Status::Ok();
}

std::unique_ptr<StoreBackend> NewMemoryStore() { return std::make_unique<MemoryStore>(); }

util::Result<std::shared_ptr<BucketBackend>> MemoryStore::OpenBucket(std::string_view name) {
  auto it = buckets_.find(name);
  if (it == buckets_.end()) {
    it = buckets_.emplace(std::string(name), std::make_shared<MemoryBucket>()).first;
  }
  return std::shared_ptr<BucketBackend>(it->second);
}

}  // namespace kv

#include "backends/memory_backend.h"

#include "engine/counter.h"

namespace kv {

util::Result<std::optional<Bytes>> MemoryBucket::Get(std::string_view key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::optional<Bytes>();
  return std::optional<Bytes>(it->second.value);
}

void MemoryBucket::Put(std::string_view key, ByteView value) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    it->second.value.assign(value.begin(), value.end());
    return;
  }
  uint64_t seq = next_seq_++;
  auto [inserted, ok] =
      entries_.emplace(std::string(key), Entry{Bytes(value.begin(), value.end()), seq});
  (void)ok;
  order_.emplace(seq, &inserted->first);
}

void MemoryBucket::Erase(std::string_view key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  order_.erase(it->second.seq);
  entries_.erase(it);
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
  return entries_.find(key) != entries_.end();
}

util::Result<KeyPage> MemoryBucket::ListKeys(std::optional<uint64_t> cursor, const Limits& limits) {
  KeyPage page;
  uint64_t bytes = 0;
  auto it = order_.lower_bound(cursor.value_or(0));
  for (; it != order_.end(); ++it) {
    const std::string& key = *it->second;
    bool page_has_room =
        page.keys.size() < limits.list_page_keys && bytes + key.size() <= limits.list_page_bytes;
    if (!page.keys.empty() && !page_has_room) break;
    bytes += key.size();
    page.keys.push_back(key);
  }
  if (it != order_.end()) page.cursor = it->first;
  return page;
}

util::Result<uint64_t> MemoryBucket::Increment(std::string_view key, uint64_t delta) {
  uint64_t current = 0;
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    auto parsed = ParseCounter(key, it->second.value);
    if (!parsed.ok()) return std::move(parsed).take_status();
    current = *parsed;
  }
  auto sum = AddToCounter(key, current, delta);
  if (!sum.ok()) return std::move(sum).take_status();
  Put(key, AsBytes(FormatCounter(*sum)));
  return *sum;
}

util::Result<std::vector<std::optional<Bytes>>> MemoryBucket::GetMany(
    std::span<const std::string_view> keys) {
  std::vector<std::optional<Bytes>> values;
  values.reserve(keys.size());
  for (std::string_view key : keys) {
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      values.emplace_back();
    } else {
      values.emplace_back(it->second.value);
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

util::Result<std::shared_ptr<BucketBackend>> MemoryStore::OpenBucket(std::string_view name) {
  auto it = buckets_.find(name);
  if (it == buckets_.end()) {
    it = buckets_.emplace(std::string(name), std::make_shared<MemoryBucket>()).first;
  }
  return std::shared_ptr<BucketBackend>(it->second);
}

}  // namespace kv

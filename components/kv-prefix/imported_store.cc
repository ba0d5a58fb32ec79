#include "imported_store.h"

#include <charconv>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "bindings/keyvalue_imports.h"

namespace kv_prefix {
namespace {

using bindings::keyvalue::Contract;
using bindings::keyvalue::ImportedBucket;
using bindings::keyvalue::ImportedCas;

class ImportedBucketBackend : public kv::BucketBackend {
 public:
  ImportedBucketBackend(std::string name, ImportedBucket draft2)
      : name_(std::move(name)), draft2_(std::move(draft2)) {}

  util::Result<std::optional<kv::Bytes>> Get(std::string_view key) override {
    return draft2_.Get(key);
  }
  util::Status Set(std::string_view key, kv::ByteView value) override {
    return draft2_.Set(key, value);
  }
  util::Status Delete(std::string_view key) override { return draft2_.Delete(key); }
  util::Result<bool> Exists(std::string_view key) override { return draft2_.Exists(key); }

  // The page is the provider's: its own page limits bound it, not this store's. Its cursor, text
  // in draft2, must be a u64 in decimal, as this project's providers give it.
  util::Result<kv::KeyPage> ListKeys(std::optional<uint64_t> cursor, const kv::Limits&) override {
    return draft2_.ListKeys(cursor);
  }

  util::Result<kv::CounterValue> Increment(std::string_view key, kv::CounterValue delta,
                                           kv::CounterRange range) override {
    if (range == kv::CounterRange::kSigned64) {
      ASSIGN_OR_RETURN(int64_t sum, draft2_.IncrementSigned(key, static_cast<int64_t>(delta)));
      return kv::CounterValue{sum};
    }
    // The draft bucket, opened the first time it is needed: only an unsigned increment uses it.
    if (!draft_) {
      ASSIGN_OR_RETURN(ImportedBucket draft, ImportedBucket::Open(name_, Contract::kDraft));
      draft_.emplace(std::move(draft));
    }
    ASSIGN_OR_RETURN(uint64_t sum, draft_->Increment(key, static_cast<uint64_t>(delta)));
    return kv::CounterValue{sum};
  }

  util::Result<kv::VersionedValue> ReadVersioned(std::string_view key) override {
    ASSIGN_OR_RETURN(ImportedCas cas, ImportedCas::New(draft2_, key));
    return Hold(std::move(cas));
  }

  util::Result<std::optional<kv::VersionedValue>> WriteIfVersion(
      std::string_view key, kv::ByteView value, std::string_view version) override {
    uint64_t token = 0;
    auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), token);
    auto held = ec == std::errc() && end == version.data() + version.size() ? held_.find(token)
                                                                             : held_.end();
    if (held == held_.end()) {
      // Dropped (or never handed out): the key counts as changed; here is how it is now.
      ASSIGN_OR_RETURN(kv::VersionedValue now, ReadVersioned(key));
      return std::optional<kv::VersionedValue>(std::move(now));
    }
    ImportedCas cas = std::move(held->second);
    held_.erase(held);
    ASSIGN_OR_RETURN(std::optional<ImportedCas> failed, ImportedCas::Swap(std::move(cas), value));
    if (!failed) return std::optional<kv::VersionedValue>();
    ASSIGN_OR_RETURN(kv::VersionedValue now, Hold(std::move(*failed)));
    return std::optional<kv::VersionedValue>(std::move(now));
  }

  util::Result<std::vector<std::optional<kv::Bytes>>> GetMany(
      std::span<const std::string_view> keys) override {
    ASSIGN_OR_RETURN(auto pairs, draft2_.GetMany(keys));
    std::vector<std::optional<kv::Bytes>> values;
    values.reserve(pairs.size());
    for (auto& pair : pairs) {
      values.push_back(pair ? std::optional<kv::Bytes>(std::move(pair->second)) : std::nullopt);
    }
    return values;
  }
  util::Status SetMany(std::span<const kv::KeyValueView> pairs) override {
    return draft2_.SetMany(pairs);
  }
  util::Status DeleteMany(std::span<const std::string_view> keys) override {
    return draft2_.DeleteMany(keys);
  }

  // The provider below decides; this backend cannot tell.
  bool batches_are_atomic() const override { return false; }

 private:
  // Keeps `cas` under a new token, dropping the oldest handles beyond kMaxHeldCas. Tokens only
  // grow, so the oldest is the first in the map.
  util::Result<kv::VersionedValue> Hold(ImportedCas cas) {
    ASSIGN_OR_RETURN(std::optional<kv::Bytes> current, cas.Current());
    const uint64_t token = next_token_++;
    held_.emplace(token, std::move(cas));
    while (held_.size() > kMaxHeldCas) held_.erase(held_.begin());
    return kv::VersionedValue{std::move(current), std::to_string(token)};
  }

  std::string name_;  // the bucket's name below, with the prefix
  ImportedBucket draft2_;
  std::optional<ImportedBucket> draft_;
  std::map<uint64_t, ImportedCas> held_;  // by token
  uint64_t next_token_ = 0;
};

}  // namespace

util::Result<std::shared_ptr<kv::BucketBackend>> ImportedStore::OpenBucket(std::string_view name) {
  const std::string below = prefix_ + std::string(name);
  ASSIGN_OR_RETURN(ImportedBucket draft2, ImportedBucket::Open(below, Contract::kDraft2));
  return std::shared_ptr<kv::BucketBackend>(
      std::make_shared<ImportedBucketBackend>(below, std::move(draft2)));
}

}  // namespace kv_prefix

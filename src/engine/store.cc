#include "kv/engine/store.h"

#include "kv/engine/counter.h"

namespace kv {
namespace {

std::string Number(uint64_t n) { return FormatCounter(n); }

util::Status OverLimit(std::string_view op, std::string_view what, uint64_t size,
                       std::string_view limit_name, uint64_t limit) {
  std::string m(op);
  m.append(": ").append(what).append(" is ").append(Number(size));
  m.append(", over the limit ").append(limit_name).append(" = ").append(Number(limit));
  return util::LimitExceeded(std::move(m));
}

}  // namespace

util::Status Bucket::CheckKey(std::string_view op, std::string_view key) const {
  if (key.size() > limits_.max_key_bytes) {
    return OverLimit(op, "the key length in bytes", key.size(), kMaxKeyBytesName,
                     limits_.max_key_bytes);
  }
  return util::Status::Ok();
}

util::Status Bucket::CheckBatch(std::string_view op, size_t count) const {
  if (count > limits_.max_batch_keys) {
    return OverLimit(op, "the number of keys", count, kMaxBatchKeysName, limits_.max_batch_keys);
  }
  return util::Status::Ok();
}

util::Result<std::optional<Bytes>> Bucket::Get(std::string_view key) {
  RETURN_IF_ERROR(CheckKey("get", key));
  return backend_->Get(key);
}

util::Result<bool> Bucket::GetInto(std::string_view key, ValueSink& sink) {
  RETURN_IF_ERROR(CheckKey("get", key));
  return backend_->GetInto(key, sink);
}

util::Status Bucket::Set(std::string_view key, ByteView value) {
  RETURN_IF_ERROR(CheckKey("set", key));
  if (value.size() > limits_.max_value_bytes) {
    return OverLimit("set " + util::Quoted(key), "the value length in bytes", value.size(),
                     kMaxValueBytesName, limits_.max_value_bytes);
  }
  return backend_->Set(key, value);
}

util::Status Bucket::Delete(std::string_view key) {
  RETURN_IF_ERROR(CheckKey("delete", key));
  return backend_->Delete(key);
}

util::Result<bool> Bucket::Exists(std::string_view key) {
  RETURN_IF_ERROR(CheckKey("exists", key));
  return backend_->Exists(key);
}

util::Result<KeyPage> Bucket::ListKeys(std::optional<uint64_t> cursor) {
  return backend_->ListKeys(cursor, limits_);
}

util::Result<uint64_t> Bucket::Increment(std::string_view key, uint64_t delta) {
  RETURN_IF_ERROR(CheckKey("increment", key));
  ASSIGN_OR_RETURN(CounterValue sum, backend_->Increment(key, delta, CounterRange::kUnsigned64));
  return static_cast<uint64_t>(sum);
}

util::Result<int64_t> Bucket::IncrementSigned(std::string_view key, int64_t delta) {
  RETURN_IF_ERROR(CheckKey("increment", key));
  ASSIGN_OR_RETURN(CounterValue sum, backend_->Increment(key, delta, CounterRange::kSigned64));
  return static_cast<int64_t>(sum);
}

util::Result<CasState> Bucket::ReadForSwap(std::string_view key) {
  RETURN_IF_ERROR(CheckKey("cas", key));
  ASSIGN_OR_RETURN(VersionedValue now, backend_->ReadVersioned(key));
  return CasState{std::string(key), std::move(now.value), std::move(now.version)};
}

util::Result<std::optional<CasState>> Bucket::Swap(const CasState& seen, ByteView value) {
  if (value.size() > limits_.max_value_bytes) {
    return OverLimit("swap " + util::Quoted(seen.key), "the value length in bytes", value.size(),
                     kMaxValueBytesName, limits_.max_value_bytes);
  }
  ASSIGN_OR_RETURN(std::optional<VersionedValue> now,
                   backend_->WriteIfVersion(seen.key, value, seen.version));
  if (!now) return std::optional<CasState>();
  return std::optional<CasState>(
      CasState{seen.key, std::move(now->value), std::move(now->version)});
}

util::Result<std::vector<std::optional<Bytes>>> Bucket::GetMany(
    std::span<const std::string_view> keys) {
  RETURN_IF_ERROR(CheckBatch("get-many", keys.size()));
  uint64_t key_bytes = 0;
  for (std::string_view key : keys) {
    RETURN_IF_ERROR(CheckKey("get-many", key));
    key_bytes += key.size();
  }
  auto values = backend_->GetMany(keys);
  if (!values.ok()) return values;
  // The reply carries every key back with its value: bound what the caller must take in.
  uint64_t reply_bytes = key_bytes;
  for (const auto& value : *values) reply_bytes += value ? value->size() : 0;
  if (reply_bytes > limits_.max_batch_bytes) {
    return OverLimit("get-many", "the reply size in bytes", reply_bytes, kMaxBatchBytesName,
                     limits_.max_batch_bytes);
  }
  return values;
}

util::Status Bucket::SetMany(std::span<const KeyValueView> pairs) {
  RETURN_IF_ERROR(CheckBatch("set-many", pairs.size()));
  uint64_t bytes = 0;
  for (const KeyValueView& pair : pairs) {
    RETURN_IF_ERROR(CheckKey("set-many", pair.key));
    if (pair.value.size() > limits_.max_value_bytes) {
      return OverLimit("set-many " + util::Quoted(pair.key), "the value length in bytes",
                       pair.value.size(), kMaxValueBytesName, limits_.max_value_bytes);
    }
    bytes += pair.key.size() + pair.value.size();
  }
  if (bytes > limits_.max_batch_bytes) {
    return OverLimit("set-many", "the batch size in bytes", bytes, kMaxBatchBytesName,
                     limits_.max_batch_bytes);
  }
  return backend_->SetMany(pairs);
}

util::Status Bucket::DeleteMany(std::span<const std::string_view> keys) {
  RETURN_IF_ERROR(CheckBatch("delete-many", keys.size()));
  for (std::string_view key : keys) RETURN_IF_ERROR(CheckKey("delete-many", key));
  return backend_->DeleteMany(keys);
}

util::Result<Bucket> Store::Open(std::string_view name) {
  if (options_.allowed_buckets && !options_.allowed_buckets->contains(name)) {
    return util::NotFound("open " + util::Quoted(name) + ": not in the bucket allow-list");
  }
  auto backend = backend_->OpenBucket(name);
  if (!backend.ok()) {
    return std::move(backend).take_status().WithContext("open " + util::Quoted(name));
  }
  return Bucket(std::string(name), std::move(backend).value(), options_.limits);
}

}  // namespace kv

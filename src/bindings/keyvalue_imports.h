// The import side of wasi:keyvalue, at either contract version: a typed client for consumer
// components. Calls go through the core imports wit-component expects (docs/canonical-abi.md);
// results come back as owning C++ values and the buffers the provider wrote into our memory are
// freed here. A consumer links keyvalue_imports.cc and the file of each version its world imports,
// keyvalue_imports_draft.cc and/or keyvalue_imports_draft2.cc (keyvalue_import_table.h says why).
//
// WIT errors become util::Status as keyvalue_errors.h says: no-such-store -> kNotFound,
// access-denied -> kPermissionDenied, other(message) -> kUnknown with the provider's message.
#ifndef BINDINGS_KEYVALUE_IMPORTS_H_
#define BINDINGS_KEYVALUE_IMPORTS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kv/engine/types.h"
#include "kv/util/result.h"

namespace bindings::keyvalue {

struct ImportTable;

enum class Contract { kDraft, kDraft2 };

// "0.2.0-draft" or "0.2.0-draft2".
std::string_view VersionOf(Contract contract);

// A list-keys page with the cursor as text: draft2's string as it is, draft's u64 in decimal.
struct TextKeyPage {
  std::vector<std::string> keys;
  std::optional<std::string> cursor;
};

// An owned `bucket` handle of one contract version; dropping it drops the handle.
class ImportedBucket {
 public:
  static util::Result<ImportedBucket> Open(std::string_view name,
                                           Contract contract = Contract::kDraft);

  ImportedBucket(ImportedBucket&& other) noexcept
      : handle_(std::exchange(other.handle_, kNone)), table_(other.table_) {}
  ImportedBucket& operator=(ImportedBucket&& other) noexcept;
  ImportedBucket(const ImportedBucket&) = delete;
  ImportedBucket& operator=(const ImportedBucket&) = delete;
  ~ImportedBucket();

  util::Result<std::optional<kv::Bytes>> Get(std::string_view key);
  util::Status Set(std::string_view key, kv::ByteView value);
  util::Status Delete(std::string_view key);
  util::Result<bool> Exists(std::string_view key);
  // draft's list-keys (on a draft2 bucket, the cursor goes over as its decimal text).
  util::Result<kv::KeyPage> ListKeys(std::optional<uint64_t> cursor);
  // Either version's list-keys with the cursor as text. On a draft bucket, text that is not a
  // u64 in decimal is kInvalidArgument here, without a call.
  util::Result<TextKeyPage> ListKeysText(std::optional<std::string_view> cursor);
  // wasi:keyvalue/atomics. On a draft2 bucket, Increment goes through the s64 increment: a delta
  // above 2^63-1 is kInvalidArgument without a call, and a negative sum is kInvalidArgument after
  // the provider stored it (a u64 cannot carry it; use IncrementSigned). IncrementSigned is
  // draft2's alone (on a draft bucket: kUnsupported).
  util::Result<uint64_t> Increment(std::string_view key, uint64_t delta);
  util::Result<int64_t> IncrementSigned(std::string_view key, int64_t delta);
  // wasi:keyvalue/batch
  util::Result<std::vector<std::optional<kv::KeyValue>>> GetMany(
      std::span<const std::string_view> keys);
  util::Status SetMany(std::span<const kv::KeyValueView> pairs);
  util::Status DeleteMany(std::span<const std::string_view> keys);

  Contract contract() const;
  uint32_t handle() const { return handle_; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  ImportedBucket(uint32_t handle, const ImportTable* table) : handle_(handle), table_(table) {}
  bool draft2() const { return contract() == Contract::kDraft2; }

  uint32_t handle_;
  const ImportTable* table_;  // the version's imports (static), which also tell the version
};

// An owned draft2 `cas` handle: one key's state as the provider saw it.
class ImportedCas {
 public:
  // REQUIRES: `bucket` is a draft2 bucket (otherwise kUnsupported, without a call).
  static util::Result<ImportedCas> New(const ImportedBucket& bucket, std::string_view key);
  // Writes `value` if the key is unchanged since `cas` saw it: ok(none). If it changed, nothing is
  // written and the result is the handle the provider returned with `cas-failed`, which sees the
  // key as it is now. `cas` is consumed either way, as the WIT's `swap` takes it.
  static util::Result<std::optional<ImportedCas>> Swap(ImportedCas cas, kv::ByteView value);

  ImportedCas(ImportedCas&& other) noexcept
      : handle_(std::exchange(other.handle_, kNone)), table_(other.table_) {}
  ImportedCas& operator=(ImportedCas&& other) noexcept;
  ImportedCas(const ImportedCas&) = delete;
  ImportedCas& operator=(const ImportedCas&) = delete;
  ~ImportedCas();

  // The value seen when the handle was made; none when the key was absent.
  util::Result<std::optional<kv::Bytes>> Current() const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  ImportedCas(uint32_t handle, const ImportTable* table) : handle_(handle), table_(table) {}

  uint32_t handle_;
  const ImportTable* table_;
};

}  // namespace bindings::keyvalue

#endif  // BINDINGS_KEYVALUE_IMPORTS_H_

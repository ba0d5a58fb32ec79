// The import side of wasi:keyvalue@0.2.0-draft: a typed client for consumer components. Calls go
// through the core imports wit-component expects (canonical-abi-cpp.md §3.3); results come back
// as owning C++ values and the buffers the provider wrote into our memory are freed here.
//
// WIT errors become util::Status: no-such-store -> kNoSuchStore, access-denied -> kAccessDenied,
// other(message) -> kOther with the provider's message.
#ifndef BINDINGS_KEYVALUE_IMPORTS_H_
#define BINDINGS_KEYVALUE_IMPORTS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/types.h"
#include "util/result.h"

namespace bindings::keyvalue {

// An owned `bucket` handle; dropping it drops the handle.
class ImportedBucket {
 public:
  static util::Result<ImportedBucket> Open(std::string_view name);

  ImportedBucket(ImportedBucket&& other) noexcept : handle_(std::exchange(other.handle_, kNone)) {}
  ImportedBucket& operator=(ImportedBucket&& other) noexcept;
  ImportedBucket(const ImportedBucket&) = delete;
  ImportedBucket& operator=(const ImportedBucket&) = delete;
  ~ImportedBucket();

  util::Result<std::optional<kv::Bytes>> Get(std::string_view key);
  util::Status Set(std::string_view key, kv::ByteView value);
  util::Status Delete(std::string_view key);
  util::Result<bool> Exists(std::string_view key);
  util::Result<kv::KeyPage> ListKeys(std::optional<uint64_t> cursor);
  // wasi:keyvalue/atomics
  util::Result<uint64_t> Increment(std::string_view key, uint64_t delta);
  // wasi:keyvalue/batch
  util::Result<std::vector<std::optional<kv::KeyValue>>> GetMany(
      std::span<const std::string_view> keys);
  util::Status SetMany(std::span<const kv::KeyValueView> pairs);
  util::Status DeleteMany(std::span<const std::string_view> keys);

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  explicit ImportedBucket(uint32_t handle) : handle_(handle) {}

  uint32_t handle_;
};

}  // namespace bindings::keyvalue

#endif  // BINDINGS_KEYVALUE_IMPORTS_H_

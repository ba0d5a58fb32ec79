// Limits every bucket enforces, whatever its backend. Each has a name (the environment variable a
// provider that reads its environment takes it from) that error messages quote, so a person who
// hits one knows what to change. Plain values.
#ifndef KV_ENGINE_LIMITS_H_
#define KV_ENGINE_LIMITS_H_

#include <cstdint>
#include <string_view>

namespace kv {

inline constexpr uint32_t kDefaultMaxKeyBytes = 64 * 1024;
inline constexpr uint32_t kDefaultMaxValueBytes = 16 * 1024 * 1024;
inline constexpr uint32_t kDefaultMaxBatchKeys = 65536;
inline constexpr uint64_t kDefaultMaxBatchBytes = 64 * 1024 * 1024;
inline constexpr uint32_t kDefaultListPageKeys = 1000;
inline constexpr uint32_t kDefaultListPageBytes = 256 * 1024;

struct Limits {
  // Longest key, in bytes.
  uint32_t max_key_bytes = kDefaultMaxKeyBytes;
  // Longest value, in bytes.
  uint32_t max_value_bytes = kDefaultMaxValueBytes;
  // Most keys in one get-many, set-many or delete-many.
  uint32_t max_batch_keys = kDefaultMaxBatchKeys;
  // Most key and value bytes one batch may carry in or out.
  uint64_t max_batch_bytes = kDefaultMaxBatchBytes;
  // Most keys in one list-keys page (at least 1).
  uint32_t list_page_keys = kDefaultListPageKeys;
  // Most key bytes in one list-keys page; a page always holds at least one key when any remain.
  uint32_t list_page_bytes = kDefaultListPageBytes;
};

// The names under which the limits are configured and reported.
inline constexpr std::string_view kMaxKeyBytesName = "KV_MAX_KEY_BYTES";
inline constexpr std::string_view kMaxValueBytesName = "KV_MAX_VALUE_BYTES";
inline constexpr std::string_view kMaxBatchKeysName = "KV_MAX_BATCH_KEYS";
inline constexpr std::string_view kMaxBatchBytesName = "KV_MAX_BATCH_BYTES";
inline constexpr std::string_view kListPageKeysName = "KV_LIST_PAGE_KEYS";
inline constexpr std::string_view kListPageBytesName = "KV_LIST_PAGE_BYTES";

}  // namespace kv

#endif  // KV_ENGINE_LIMITS_H_

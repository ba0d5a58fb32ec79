#include "kv/engine/config.h"

#include <charconv>
#include <string>

namespace kv {

util::Result<uint64_t> ParsePositive(std::string_view name, std::string_view text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v == 0) {
    return util::InvalidArgument(std::string(name) + "=" + std::string(text) +
                                 ": expected a positive integer");
  }
  return v;
}

util::Result<uint64_t> ParsePositiveAtMost(std::string_view name, std::string_view text,
                                           uint64_t max) {
  ASSIGN_OR_RETURN(uint64_t v, ParsePositive(name, text));
  if (v > max) {
    return util::InvalidArgument(std::string(name) + "=" + std::string(text) + ": at most " +
                                 std::to_string(max));
  }
  return v;
}

util::Result<StoreOptions> StoreOptionsFromEnvironment(const GetEnv& getenv) {
  StoreOptions o;
  auto u32 = [&](std::string_view name, uint32_t& field) -> util::Status {
    const char* v = getenv(std::string(name).c_str());
    if (v == nullptr) return util::Status::Ok();
    ASSIGN_OR_RETURN(uint64_t n, ParsePositiveAtMost(name, v, UINT32_MAX));
    field = static_cast<uint32_t>(n);
    return util::Status::Ok();
  };
  RETURN_IF_ERROR(u32(kMaxKeyBytesName, o.limits.max_key_bytes));
  RETURN_IF_ERROR(u32(kMaxValueBytesName, o.limits.max_value_bytes));
  RETURN_IF_ERROR(u32(kMaxBatchKeysName, o.limits.max_batch_keys));
  RETURN_IF_ERROR(u32(kListPageKeysName, o.limits.list_page_keys));
  RETURN_IF_ERROR(u32(kListPageBytesName, o.limits.list_page_bytes));
  if (const char* v = getenv(std::string(kMaxBatchBytesName).c_str())) {
    ASSIGN_OR_RETURN(o.limits.max_batch_bytes, ParsePositive(kMaxBatchBytesName, v));
  }
  if (const char* v = getenv(std::string(kBucketsVariable).c_str())) {
    o.allowed_buckets.emplace();
    std::string_view list = v;
    for (;;) {
      size_t comma = list.find(',');
      o.allowed_buckets->emplace(list.substr(0, comma));
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return o;
}

}  // namespace kv

// Store settings from environment variables (README.md, "Configuration"): the limits and the
// bucket allow-list. A bad value is an error that names the variable, never a silent default.
// Errors: kInvalidArgument naming the variable and the value. No state; safe from any thread if
// the GetEnv given is.
#ifndef KV_ENGINE_CONFIG_H_
#define KV_ENGINE_CONFIG_H_

#include <functional>

#include "kv/engine/store.h"
#include "kv/util/result.h"

namespace kv {

// Reads a variable: its value, or null when unset.
using GetEnv = std::function<const char*(const char*)>;

inline constexpr std::string_view kBucketsVariable = "KV_BUCKETS";

// KV_MAX_KEY_BYTES, KV_MAX_VALUE_BYTES, KV_MAX_BATCH_KEYS, KV_MAX_BATCH_BYTES, KV_LIST_PAGE_KEYS,
// KV_LIST_PAGE_BYTES (positive integers), and KV_BUCKETS (a comma-separated allow-list).
util::Result<StoreOptions> StoreOptionsFromEnvironment(const GetEnv& getenv);

// A positive integer setting, or kInvalidArgument naming it.
util::Result<uint64_t> ParsePositive(std::string_view name, std::string_view text);
// The same, refusing values above `max` with an error that names the largest allowed: a setting
// too large for its field is an error, never a silent wrap.
util::Result<uint64_t> ParsePositiveAtMost(std::string_view name, std::string_view text,
                                           uint64_t max);

}  // namespace kv

#endif  // KV_ENGINE_CONFIG_H_

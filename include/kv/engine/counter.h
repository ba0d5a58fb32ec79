// Counters as `increment` stores them: decimal ASCII with a leading `-` for negatives, the form
// Redis HINCRBY and wasmtime's store use, so a counter reads back with `get` as text.
//
// One counter serves both contract versions: draft's `increment` takes and returns u64, draft2's
// s64. A stored counter is any integer from -2^63 to 2^64-1; each version refuses a sum its
// return type cannot carry and leaves the value unchanged (docs/contract.md).
// Pure functions over bytes the caller owns; safe from any thread.
#ifndef KV_ENGINE_COUNTER_H_
#define KV_ENGINE_COUNTER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "kv/util/result.h"

namespace kv {

// Wide enough for every stored counter, every delta and every sum of the two.
// (`__extension__`: a GCC and Clang type, on every target we build for, wasm32 included.)
__extension__ typedef __int128 CounterValue;
__extension__ typedef unsigned __int128 CounterMagnitude;

inline constexpr CounterValue kCounterMin = INT64_MIN;   // the smallest counter stored
inline constexpr CounterValue kCounterMax = UINT64_MAX;  // the largest

// The sums an increment may return.
enum class CounterRange {
  kUnsigned64,  // wasi:keyvalue@0.2.0-draft: 0 to 2^64-1
  kSigned64,    // wasi:keyvalue@0.2.0-draft2: -2^63 to 2^63-1
};

// Parses a stored counter: an optional `-`, then one or more ASCII digits with no leading zero
// except "0" itself (so no "-0"), within [kCounterMin, kCounterMax]. Anything else is
// kInvalidArgument naming `key`.
util::Result<CounterValue> ParseCounter(std::string_view key, std::span<const uint8_t> stored);

// The value `increment` leaves: `current` plus `delta`, or kInvalidArgument when the sum is
// outside `range`.
util::Result<CounterValue> AddToCounter(std::string_view key, CounterValue current,
                                        CounterValue delta, CounterRange range);

// The decimal text of `value`.
std::string FormatCounter(CounterValue value);

}  // namespace kv

#endif  // KV_ENGINE_COUNTER_H_

// Counters as `increment` stores them: unsigned decimal ASCII, the form Redis INCRBY and
// wasmtime's store use, so a counter reads back with `get` as text.
#ifndef ENGINE_COUNTER_H_
#define ENGINE_COUNTER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "util/result.h"

namespace kv {

// Parses a stored counter: one or more ASCII digits, no sign, no spaces, no leading zero except
// "0" itself, at most 2^64-1. Anything else is kInvalidArgument naming `key`.
util::Result<uint64_t> ParseCounter(std::string_view key, std::span<const uint8_t> stored);

// The value `increment` leaves: `current` plus `delta`, or kInvalidArgument on overflow.
util::Result<uint64_t> AddToCounter(std::string_view key, uint64_t current, uint64_t delta);

// The decimal text of `value`.
std::string FormatCounter(uint64_t value);

}  // namespace kv

#endif  // ENGINE_COUNTER_H_

// Canonical unsigned decimal text: what the providers write for a number and read back.
#ifndef UTIL_DECIMAL_H_
#define UTIL_DECIMAL_H_

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace util {

// `text` as a u64 if it is one in canonical form: one or more ASCII digits, no sign, no spaces,
// no leading zero except "0" itself, at most 2^64-1. Otherwise none.
inline std::optional<uint64_t> ParseDecimalU64(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

}  // namespace util

#endif  // UTIL_DECIMAL_H_

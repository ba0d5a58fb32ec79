#include "engine/counter.h"

#include <charconv>

namespace kv {
util::Result<uint64_t> ParseCounter(std::string_view key, std::span<const uint8_t> stored) {
  const auto* begin = reinterpret_cast<const char*>(stored.data());
  const auto* end = begin + stored.size();
  bool digits_only = !stored.empty();
  for (uint8_t c : stored) digits_only = digits_only && c >= '0' && c <= '9';
  if (!digits_only || (stored.size() > 1 && stored[0] == '0')) {
    return util::InvalidArgument("increment " + util::Quoted(key) +
                                 ": the stored value is not an unsigned decimal integer");
  }
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end) {
    return util::InvalidArgument("increment " + util::Quoted(key) +
                                 ": the stored value is larger than 18446744073709551615");
  }
  return value;
}

util::Result<uint64_t> AddToCounter(std::string_view key, uint64_t current, uint64_t delta) {
  uint64_t sum = current + delta;
  if (sum < current) {
    return util::InvalidArgument("increment " + util::Quoted(key) + " by " + FormatCounter(delta) +
                                 ": overflow, the counter is " + FormatCounter(current) +
                                 " and may not pass 18446744073709551615");
  }
  return sum;
}

std::string FormatCounter(uint64_t value) {
  char text[20];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  (void)ec;
  return std::string(text, end);
}

}  // namespace kv

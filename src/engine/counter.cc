#include "kv/engine/counter.h"

namespace kv {

util::Result<CounterValue> ParseCounter(std::string_view key, std::span<const uint8_t> stored) {
  std::span<const uint8_t> digits = stored;
  const bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits = digits.subspan(1);
  bool well_formed = !digits.empty() && !(digits.size() > 1 && digits[0] == '0') &&
                     !(negative && digits.size() == 1 && digits[0] == '0');
  for (uint8_t c : digits) well_formed = well_formed && c >= '0' && c <= '9';
  if (!well_formed) {
    return util::InvalidArgument("increment " + util::Quoted(key) +
                                 ": the stored value is not a decimal integer");
  }
  // 21 digits pass 2^64 whatever they are: stop before the wide integer could overflow.
  CounterValue value = 0;
  bool in_range = digits.size() <= 20;
  for (size_t i = 0; in_range && i < digits.size(); ++i) {
    value = value * 10 + (digits[i] - '0');
    in_range = negative ? -value >= kCounterMin : value <= kCounterMax;
  }
  if (!in_range) {
    return util::InvalidArgument("increment " + util::Quoted(key) +
                                 ": the stored value is outside the counter range "
                                 "-9223372036854775808 to 18446744073709551615");
  }
  return negative ? -value : value;
}

util::Result<CounterValue> AddToCounter(std::string_view key, CounterValue current,
                                        CounterValue delta, CounterRange range) {
  const CounterValue sum = current + delta;
  const bool fits = range == CounterRange::kUnsigned64
                        ? sum >= 0 && sum <= static_cast<CounterValue>(UINT64_MAX)
                        : sum >= INT64_MIN && sum <= INT64_MAX;
  if (!fits) {
    const char* bounds = range == CounterRange::kUnsigned64
                             ? "0 to 18446744073709551615 (a u64 increment)"
                             : "-9223372036854775808 to 9223372036854775807 (an s64 increment)";
    return util::InvalidArgument("increment " + util::Quoted(key) + " by " + FormatCounter(delta) +
                                 ": overflow, the counter is " + FormatCounter(current) +
                                 " and the sum would leave " + bounds);
  }
  return sum;
}

std::string FormatCounter(CounterValue value) {
  const bool negative = value < 0;
  // Digit by digit from the magnitude, which for -2^63 and 2^64-1 still fits the wide type.
  CounterMagnitude magnitude =
      negative ? static_cast<CounterMagnitude>(-value) : static_cast<CounterMagnitude>(value);
  char text[48];
  char* end = text + sizeof text;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  if (negative) *--p = '-';
  return std::string(p, end);
}

}  // namespace kv

// Lower-case hexadecimal of bytes: two digits a byte, in order.
#ifndef UTIL_HEX_H_
#define UTIL_HEX_H_

#include <string>
#include <string_view>

namespace util {

inline std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (unsigned char c : bytes) out += kDigits[c >> 4], out += kDigits[c & 0xf];
  return out;
}

}  // namespace util

#endif  // UTIL_HEX_H_

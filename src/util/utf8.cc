#include "util/utf8.h"

#include <cstdint>

namespace util {
namespace {

// The length of the well-formed character at the start of `s` (1 to 4), or 0 when `s` starts
// with an ill-formed sequence; `*bad` is then the length of its maximal invalid subpart (>= 1).
size_t CharLength(std::string_view s, size_t* bad) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = byte(0);
  if (b0 < 0x80) return 1;
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    if (b0 == 0xF0) lo = 0x90;  // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    *bad = 1;
    return 0;
  }
  for (size_t i = 1; i < need; ++i) {
    const uint8_t lower = i == 1 ? lo : 0x80, upper = i == 1 ? hi : 0xBF;
    if (i >= s.size() || byte(i) < lower || byte(i) > upper) {
      *bad = i;
      return 0;
    }
  }
  return need;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    size_t bad = 0;
    size_t n = CharLength(text.substr(at), &bad);
    if (n == 0) return false;
    at += n;
  }
  return true;
}

size_t Utf8PrefixLength(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text.size();
  size_t end = max_bytes;
  // Step back over continuation bytes to the start of the character that crosses the limit.
  while (end > 0 && (static_cast<uint8_t>(text[end]) & 0xC0) == 0x80) --end;
  return end;
}

std::string ToValidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t at = 0; at < text.size();) {
    size_t bad = 0;
    size_t n = CharLength(text.substr(at), &bad);
    if (n != 0) {
      out.append(text.substr(at, n));
      at += n;
    } else {
      out.append("\xEF\xBF\xBD");
      at += bad;
    }
  }
  return out;
}

}  // namespace util

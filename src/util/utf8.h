// UTF-8 checks for the strings a component hands to its caller: a WIT `string` must be valid UTF-8
// (wasmtime traps on one that is not; jco replaces the bad bytes with U+FFFD).
#ifndef UTIL_UTF8_H_
#define UTIL_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace util {

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF).
[[nodiscard]] bool IsValidUtf8(std::string_view text);

// The length of the longest prefix of `text` of at most `max_bytes` bytes that does not end inside
// a character. Valid input gives a valid prefix.
[[nodiscard]] size_t Utf8PrefixLength(std::string_view text, size_t max_bytes);

// `text` with each ill-formed sequence replaced by U+FFFD (one per maximal invalid subpart, as
// Unicode recommends); `text` itself when it is valid.
[[nodiscard]] std::string ToValidUtf8(std::string_view text);

}  // namespace util

#endif  // UTIL_UTF8_H_

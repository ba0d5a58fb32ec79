#include "kv/resp/encoder.h"

#include <charconv>
#include <cstring>

namespace resp {
namespace {

size_t Digits(uint64_t n) {
  size_t d = 1;
  while (n >= 10) n /= 10, ++d;
  return d;
}

void Put(std::vector<uint8_t>& out, size_t& at, char prefix, uint64_t n) {
  out[at++] = static_cast<uint8_t>(prefix);
  auto [end, ec] =
      std::to_chars(reinterpret_cast<char*>(&out[at]), reinterpret_cast<char*>(&out[at]) + 20, n);
  (void)ec;
  at = static_cast<size_t>(reinterpret_cast<uint8_t*>(end) - out.data());
  out[at++] = '\r';
  out[at++] = '\n';
}

}  // namespace

void EncodeCommand(std::span<const std::string_view> args, std::vector<uint8_t>& out) {
  size_t size = 1 + Digits(args.size()) + 2;
  for (std::string_view a : args) size += 1 + Digits(a.size()) + 2 + a.size() + 2;
  size_t at = out.size();
  out.resize(at + size + 20);  // to_chars writes into a 20-byte window
  Put(out, at, '*', args.size());
  for (std::string_view a : args) {
    Put(out, at, '$', a.size());
    // An empty argument may have no data at all: memcpy from null is undefined even for 0 bytes.
    if (!a.empty()) std::memcpy(&out[at], a.data(), a.size());
    at += a.size();
    out[at++] = '\r';
    out[at++] = '\n';
  }
  out.resize(at);
}

}  // namespace resp

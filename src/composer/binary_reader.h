// A bounds-checked cursor over untrusted bytes. Every read checks against the end of the current
// scope before touching memory, every error carries the absolute byte offset where it happened,
// and LEB128 encodings that are too long or overflow are rejected, as the wasm spec requires.
#ifndef COMPOSER_BINARY_READER_H_
#define COMPOSER_BINARY_READER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "kv/util/result.h"

namespace composer {

class BinaryReader {
 public:
  // `base` is the absolute offset of data[0] in the file, for error messages.
  explicit BinaryReader(std::span<const uint8_t> data, uint64_t base = 0)
      : data_(data), base_(base) {}

  bool done() const { return pos_ >= data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }
  // Absolute offset of the next byte.
  uint64_t offset() const { return base_ + pos_; }

  util::Result<uint8_t> ReadByte(std::string_view what);
  util::Result<uint8_t> PeekByte(std::string_view what) const;
  util::Result<uint32_t> ReadU32(std::string_view what);
  util::Result<int64_t> ReadS33(std::string_view what);
  // A length-prefixed UTF-8 string.
  util::Result<std::string> ReadName(std::string_view what);
  util::Result<std::span<const uint8_t>> ReadBytes(size_t n, std::string_view what);
  // A reader over the next `n` bytes, which this reader skips.
  util::Result<BinaryReader> Sub(size_t n, std::string_view what);
  // A count prefix, checked against the bytes left (each element takes at least `min_size`).
  util::Result<uint32_t> ReadCount(std::string_view what, size_t min_size = 1);

  // An error at the current offset: "<what>: <why> (at offset 0x..)".
  util::Status Error(std::string_view what, std::string_view why) const;
  util::Status ErrorAt(uint64_t offset, std::string_view what, std::string_view why) const;

 private:
  std::span<const uint8_t> data_;
  uint64_t base_;
  size_t pos_ = 0;
};

}  // namespace composer

#endif  // COMPOSER_BINARY_READER_H_

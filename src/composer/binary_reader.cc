#include "composer/binary_reader.h"

namespace composer {

util::Status BinaryReader::ErrorAt(uint64_t offset, std::string_view what,
                                   std::string_view why) const {
  std::string m(what);
  m.append(": ").append(why);
  return util::Corruption(std::move(m)).AtOffset(offset);
}

util::Status BinaryReader::Error(std::string_view what, std::string_view why) const {
  return ErrorAt(offset(), what, why);
}

util::Result<uint8_t> BinaryReader::ReadByte(std::string_view what) {
  if (pos_ >= data_.size()) return Error(what, "unexpected end of input");
  return data_[pos_++];
}

util::Result<uint8_t> BinaryReader::PeekByte(std::string_view what) const {
  if (pos_ >= data_.size()) return Error(what, "unexpected end of input");
  return data_[pos_];
}

util::Result<uint32_t> BinaryReader::ReadU32(std::string_view what) {
  uint64_t start = offset();
  uint32_t value = 0;
  for (int shift = 0;; shift += 7) {
    if (pos_ >= data_.size()) return ErrorAt(start, what, "unexpected end of input in LEB128");
    uint8_t b = data_[pos_++];
    if (shift == 28 && (b & 0x70) != 0) return ErrorAt(start, what, "u32 LEB128 out of range");
    value |= uint32_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) return value;
    if (shift == 28) return ErrorAt(start, what, "u32 LEB128 longer than 5 bytes");
  }
}

util::Result<int64_t> BinaryReader::ReadS33(std::string_view what) {
  uint64_t start = offset();
  uint64_t value = 0;
  int shift = 0;
  uint8_t b;
  do {
    if (pos_ >= data_.size()) return ErrorAt(start, what, "unexpected end of input in LEB128");
    if (shift >= 35) return ErrorAt(start, what, "s33 LEB128 longer than 5 bytes");
    b = data_[pos_++];
    if (shift == 28) {
      // 5th byte: bits beyond 33 must be a sign extension of bit 32.
      uint8_t rest = b & 0x70;
      bool negative = (b & 0x10) != 0;
      if ((b & 0x80) != 0 || (negative ? rest != 0x70 : rest != 0)) {
        return ErrorAt(start, what, "s33 LEB128 out of range");
      }
    }
    value |= uint64_t{b & 0x7fu} << shift;
    shift += 7;
  } while ((b & 0x80) != 0);
  if (shift < 64 && (b & 0x40) != 0) value |= ~uint64_t{0} << shift;
  return static_cast<int64_t>(value);
}

util::Result<std::span<const uint8_t>> BinaryReader::ReadBytes(size_t n, std::string_view what) {
  if (n > remaining()) {
    return Error(what,
                 "needs " + std::to_string(n) + " bytes, " + std::to_string(remaining()) + " left");
  }
  auto bytes = data_.subspan(pos_, n);
  pos_ += n;
  return bytes;
}

namespace {

bool IsUtf8(std::span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    uint8_t c = s[i];
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // needs s[i + 1] .. s[i + n]
    for (size_t k = 1; k <= n; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace

util::Result<std::string> BinaryReader::ReadName(std::string_view what) {
  uint64_t start = offset();
  ASSIGN_OR_RETURN(uint32_t len, ReadU32(what));
  ASSIGN_OR_RETURN(auto bytes, ReadBytes(len, what));
  if (!IsUtf8(bytes)) return ErrorAt(start, what, "name is not valid UTF-8");
  return std::string(bytes.begin(), bytes.end());
}

util::Result<BinaryReader> BinaryReader::Sub(size_t n, std::string_view what) {
  uint64_t start = offset();
  ASSIGN_OR_RETURN(auto bytes, ReadBytes(n, what));
  return BinaryReader(bytes, start);
}

util::Result<uint32_t> BinaryReader::ReadCount(std::string_view what, size_t min_size) {
  uint64_t start = offset();
  ASSIGN_OR_RETURN(uint32_t n, ReadU32(what));
  if (uint64_t{n} * min_size > remaining()) {
    return ErrorAt(start, what,
                   "count " + std::to_string(n) + " is larger than the bytes left allow");
  }
  return n;
}

}  // namespace composer

#include "composer/binary_writer.h"

namespace composer {

void BinaryWriter::U32(uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v != 0) b |= 0x80;
    bytes_.push_back(b);
  } while (v != 0);
}

void BinaryWriter::S33(int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;  // arithmetic shift
    bool done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
    if (!done) b |= 0x80;
    bytes_.push_back(b);
    if (done) return;
  }
}

void BinaryWriter::Name(std::string_view s) {
  U32(static_cast<uint32_t>(s.size()));
  bytes_.insert(bytes_.end(), s.begin(), s.end());
}

void BinaryWriter::Section(uint8_t id, const BinaryWriter& payload) {
  Byte(id);
  U32(static_cast<uint32_t>(payload.bytes_.size()));
  Bytes(payload.bytes_);
}

}  // namespace composer

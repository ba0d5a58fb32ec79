// Appends wasm binary encodings to a byte vector. Sections are built in their own writer and
// framed once with their exact size: no back-patching.
#ifndef COMPOSER_BINARY_WRITER_H_
#define COMPOSER_BINARY_WRITER_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace composer {

class BinaryWriter {
 public:
  void Byte(uint8_t b) { bytes_.push_back(b); }
  void U32(uint32_t v);
  void S33(int64_t v);
  void Name(std::string_view s);
  void Bytes(std::span<const uint8_t> b) { bytes_.insert(bytes_.end(), b.begin(), b.end()); }
  // id, size, payload.
  void Section(uint8_t id, const BinaryWriter& payload);

  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t> Take() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace composer

#endif  // COMPOSER_BINARY_WRITER_H_

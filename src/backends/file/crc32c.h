// CRC-32C (Castagnoli), the checksum of the file store's records, in software so that it builds
// for wasm32 as well. Stored checksums are masked (rotated and offset, as leveldb does) so that a
// checksum of data that itself holds checksums stays well distributed.
#ifndef BACKENDS_FILE_CRC32C_H_
#define BACKENDS_FILE_CRC32C_H_

#include <cstdint>
#include <span>

namespace kv::file {

// CRC-32C of `data`, continuing from `crc` (0 to start).
uint32_t Crc32c(std::span<const uint8_t> data, uint32_t crc = 0);

inline constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t MaskCrc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t UnmaskCrc(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace kv::file

#endif  // BACKENDS_FILE_CRC32C_H_

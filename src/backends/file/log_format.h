// The on-disk format of one bucket's log (docs/file-format.md is the full description):
//
//   file    := header record* zero*
//   header  := magic[8] version:u32 name_len:u32 name[name_len] crc:u32
//   record  := crc:u32 length:u32 type:u8 payload[length]
//   payload := PUT    key_len:u32 key value            (the value runs to the end of the payload)
//            | DELETE key
//            | BATCH  count:u32 (op:u8 key_len:u32 key [value_len:u32 value])*
//
// Integers are little-endian. Checksums are masked CRC-32C: the header's covers everything before
// it, a record's covers length, type and payload.
#ifndef BACKENDS_FILE_LOG_FORMAT_H_
#define BACKENDS_FILE_LOG_FORMAT_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kv/engine/types.h"
#include "kv/util/result.h"

namespace kv::file {

inline constexpr uint8_t kMagic[8] = {0x89, 'K', 'V', 'L', '\r', '\n', 0x1a, '\n'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kRecordHeaderSize = 9;
// No record is larger than this; a length above it is damage, not data.
inline constexpr uint32_t kMaxRecordPayload = 1u << 30;

enum class RecordType : uint8_t { kPut = 1, kDelete = 2, kBatch = 3 };

std::vector<uint8_t> EncodeHeader(std::string_view bucket);

// One change, as a batch carries it.
struct Change {
  bool put;
  std::string_view key;
  ByteView value;
};

// Appends one record to `out`.
void AppendPut(std::vector<uint8_t>& out, std::string_view key, ByteView value);
void AppendDelete(std::vector<uint8_t>& out, std::string_view key);
void AppendBatch(std::vector<uint8_t>& out, std::span<const Change> changes);

// What the scan of a log found, change by change, with where each value lies in the file and how
// many bytes of the file the change accounts for.
struct ScannedChange {
  bool put;
  std::string_view key;
  uint64_t value_offset;
  uint32_t value_len;
  uint32_t bytes;
};

struct ScanResult {
  uint64_t valid_end;   // where the last complete record ends
  uint64_t torn_bytes;  // bytes after valid_end: an incomplete last write, to discard
  uint64_t zero_tail;   // or zeros after valid_end: space written ahead for records to come
};

// The size of the header of a log of `bucket`.
uint64_t HeaderSize(std::string_view bucket);

// Checks the header of a log of `bucket` whose file is `file_size` bytes long, from `f`, its first
// bytes (at least HeaderSize(bucket) of them when the file has that many). Returns where the
// records start, or 0 when the file is shorter than the header: a creation that never completed.
// A damaged header, or one that names another bucket, is kCorruption naming `path` and the offset.
util::Result<uint64_t> ScanHeader(std::span<const uint8_t> f, uint64_t file_size,
                                  const std::string& path, std::string_view bucket);

// Reads a whole log of `bucket`. A file shorter than that bucket's header is a creation that never
// completed (all of it in torn_bytes); a header that is damaged or names a bucket of another
// length is corruption. Zero bytes from a record boundary to the end are space the writer
// preallocated (no record starts with a zero header: type 0 does not exist). A damaged last record
// is a torn write and is reported in torn_bytes; damage followed by a valid record is corruption:
// kCorruption naming `path` and the offset.
util::Result<ScanResult> ScanLog(std::span<const uint8_t> file, const std::string& path,
                                 std::string_view bucket,
                                 const std::function<void(const ScannedChange&)>& visit);

// The payload length a record states in its header (its first kRecordHeaderSize bytes).
uint32_t StatedLength(std::span<const uint8_t> record_header);

// How ScanRecords takes the end of the bytes it is given.
enum class End {
  // They are a window of a longer file: the scan stops at the first record that is not whole and
  // valid inside them, with valid_end there, and judges nothing.
  kWindow,
  // They run to the end of the file, read by a holder of the directory lock, so no write is in
  // progress: a damaged last record is judged, a torn write or damage.
  kJudged,
  // They run to the end of the file, read without the lock: a damaged last record may be another
  // process's write in progress, seen half done; it is reported as torn (for a holder of the
  // lock to judge), never as damage.
  kUnjudged,
};

// The same for the records of `tail`, bytes of the log that start at file offset `base` on a record
// boundary (what another process appended since we last looked). Offsets are file offsets.
util::Result<ScanResult> ScanRecords(std::span<const uint8_t> tail, uint64_t base,
                                     const std::string& path,
                                     const std::function<void(const ScannedChange&)>& visit,
                                     End end = End::kJudged);

}  // namespace kv::file

#endif  // BACKENDS_FILE_LOG_FORMAT_H_

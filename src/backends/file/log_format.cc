#include "backends/file/log_format.h"

#include <algorithm>
#include <cstring>

#include "backends/file/crc32c.h"

namespace kv::file {
namespace {

void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint32_t GetU32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
void SetU32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutBytes(std::vector<uint8_t>& out, const void* data, size_t n) {
  const auto* b = static_cast<const uint8_t*>(data);
  out.insert(out.end(), b, b + n);
}

// Opens a record in `out`; Finish() fills in its length and checksum.
size_t Begin(std::vector<uint8_t>& out, RecordType type) {
  size_t start = out.size();
  out.resize(start + 8);
  out.push_back(static_cast<uint8_t>(type));
  return start;
}
void Finish(std::vector<uint8_t>& out, size_t start) {
  uint32_t length = static_cast<uint32_t>(out.size() - start - kRecordHeaderSize);
  SetU32(&out[start + 4], length);
  uint32_t crc = Crc32c(std::span<const uint8_t>(&out[start + 4], out.size() - start - 4));
  SetU32(&out[start], MaskCrc(crc));
}

util::Status Damage(const std::string& path, uint64_t offset, std::string_view why) {
  return util::Corruption("the store file " + util::Quoted(path, util::kWhole) +
                          " is damaged: " + std::string(why) + "; it was left untouched")
      .AtOffset(offset);
}

// Whether a complete record with a correct checksum starts at `pos`; its end in `*end`.
bool ValidRecordAt(std::span<const uint8_t> f, uint64_t pos, uint64_t* end) {
  if (f.size() - pos < kRecordHeaderSize) return false;
  uint32_t length = GetU32(&f[pos + 4]);
  if (length > kMaxRecordPayload || f.size() - pos - kRecordHeaderSize < length) return false;
  uint32_t crc = Crc32c(f.subspan(pos + 4, 5 + length));
  if (UnmaskCrc(GetU32(&f[pos])) != crc) return false;
  *end = pos + kRecordHeaderSize + length;
  return true;
}

// Whether the record at `pos`, read with payload length `length` instead of the one it states,
// has a correct checksum: a complete record whose length field alone was damaged.
bool ValidWithLength(std::span<const uint8_t> f, uint64_t pos, uint64_t length) {
  if (length > kMaxRecordPayload || f.size() - pos - kRecordHeaderSize < length) return false;
  uint8_t fields[5];
  for (int i = 0; i < 4; ++i) fields[i] = static_cast<uint8_t>(length >> (8 * i));
  fields[4] = f[pos + 8];
  uint32_t crc = Crc32c(f.subspan(pos + kRecordHeaderSize, length), Crc32c(fields));
  return UnmaskCrc(GetU32(&f[pos])) == crc;
}

// Whether damage in the last record at `pos` (no valid record follows it; `data_end` is after the
// last byte that is not zero; `base` is the file offset of f[0]) can be an interrupted write
// rather than damage to a record that was written whole. An interrupted write reaches the disk in
// pieces of a sector or more, not always in order, over what the file held there before: nothing,
// or zeros written ahead. So it is torn when the file ends inside the record, when its last byte
// is zero, or when a sector inside it (512 bytes, aligned in the file) is all zeros; but not when
// the record is whole with another length than it states (its length field was damaged).
// Otherwise a whole record that fails its checksum is damage: an acknowledged change must not be
// thrown away as torn. (What stays ambiguous: a damaged last record that ends in a zero byte or
// holds a zero sector is taken for a torn write; its bytes are kept aside.)
bool TornAt(std::span<const uint8_t> f, uint64_t base, uint64_t pos, uint64_t data_end) {
  if (f.size() - pos < kRecordHeaderSize) return true;
  const uint64_t first = std::max(data_end, pos + kRecordHeaderSize);
  for (uint64_t e = first; e <= std::min<uint64_t>(f.size(), first + 16); ++e) {
    if (ValidWithLength(f, pos, e - pos - kRecordHeaderSize)) return false;
  }
  const uint64_t end = pos + kRecordHeaderSize + uint64_t{GetU32(&f[pos + 4])};
  if (end > f.size() || f[end - 1] == 0) return true;
  constexpr uint64_t kSector = 512;
  for (uint64_t s = (base + pos + kSector - 1) / kSector * kSector - base; s + kSector <= end;
       s += kSector) {
    auto sector = f.subspan(s, kSector);
    if (std::all_of(sector.begin(), sector.end(), [](uint8_t b) { return b == 0; })) return true;
  }
  return false;
}

// Whether valid records, one after another, lead from `pos` to `data_end` or past it into the
// zeros that follow it to the end of the file.
bool ChainReachesEnd(std::span<const uint8_t> f, uint64_t pos, uint64_t data_end) {
  while (pos < data_end) {
    uint64_t end;
    if (!ValidRecordAt(f, pos, &end)) return false;
    pos = end;
  }
  return true;
}

}  // namespace

std::vector<uint8_t> EncodeHeader(std::string_view bucket) {
  std::vector<uint8_t> out(std::begin(kMagic), std::end(kMagic));
  PutU32(out, kFormatVersion);
  PutU32(out, static_cast<uint32_t>(bucket.size()));
  PutBytes(out, bucket.data(), bucket.size());
  PutU32(out, MaskCrc(Crc32c(out)));
  return out;
}

void AppendPut(std::vector<uint8_t>& out, std::string_view key, ByteView value) {
  size_t start = Begin(out, RecordType::kPut);
  PutU32(out, static_cast<uint32_t>(key.size()));
  PutBytes(out, key.data(), key.size());
  PutBytes(out, value.data(), value.size());
  Finish(out, start);
}

void AppendDelete(std::vector<uint8_t>& out, std::string_view key) {
  size_t start = Begin(out, RecordType::kDelete);
  PutBytes(out, key.data(), key.size());
  Finish(out, start);
}

void AppendBatch(std::vector<uint8_t>& out, std::span<const Change> changes) {
  size_t start = Begin(out, RecordType::kBatch);
  PutU32(out, static_cast<uint32_t>(changes.size()));
  for (const Change& c : changes) {
    out.push_back(c.put ? 1 : 0);
    PutU32(out, static_cast<uint32_t>(c.key.size()));
    PutBytes(out, c.key.data(), c.key.size());
    if (c.put) {
      PutU32(out, static_cast<uint32_t>(c.value.size()));
      PutBytes(out, c.value.data(), c.value.size());
    }
  }
  Finish(out, start);
}

uint32_t StatedLength(std::span<const uint8_t> record_header) { return GetU32(&record_header[4]); }

uint64_t HeaderSize(std::string_view bucket) { return sizeof kMagic + 8 + bucket.size() + 4; }

util::Result<uint64_t> ScanHeader(std::span<const uint8_t> f, uint64_t file_size,
                                  const std::string& path, std::string_view bucket) {
  // A file shorter than the header of `bucket` is a creation that never completed: the header is
  // synced before any record is written, so nothing acknowledged can be in it. Judged by the size
  // `bucket` needs, never by the name length the file claims (one flipped bit there must not make
  // a whole log look unfinished).
  constexpr size_t kFixed = sizeof kMagic + 8;
  const uint64_t header_end = HeaderSize(bucket);
  if (f.size() > 0 && std::memcmp(f.data(), kMagic, std::min(f.size(), sizeof kMagic)) != 0) {
    return Damage(path, 0, "it is not a store file (bad magic number)");
  }
  if (file_size < header_end) return uint64_t{0};
  if (f.size() < header_end) return util::InvalidArgument("ScanHeader: the header was not read");
  uint32_t version = GetU32(&f[8]);
  if (version != kFormatVersion) {
    return util::Unsupported("the store file " + util::Quoted(path, util::kWhole) + " has format version " +
                             std::to_string(version) + "; this build reads version " +
                             std::to_string(kFormatVersion))
        .AtOffset(8);
  }
  uint32_t name_len = GetU32(&f[12]);
  if (name_len != bucket.size()) {
    return Damage(path, 12, "the header names a bucket of " + std::to_string(name_len) +
                                " bytes, not the " + std::to_string(bucket.size()) +
                                " of this file's bucket");
  }
  if (UnmaskCrc(GetU32(&f[kFixed + name_len])) != Crc32c(f.subspan(0, kFixed + name_len))) {
    return Damage(path, 0, "the header checksum does not match");
  }
  std::string_view named(reinterpret_cast<const char*>(&f[kFixed]), name_len);
  if (named != bucket) {
    return util::Corruption("the store file " + util::Quoted(path, util::kWhole) + " belongs to bucket " +
                            util::Quoted(named) + ", not " + util::Quoted(bucket))
        .AtOffset(kFixed);
  }
  return header_end;
}

util::Result<ScanResult> ScanLog(std::span<const uint8_t> f, const std::string& path,
                                 std::string_view bucket,
                                 const std::function<void(const ScannedChange&)>& visit) {
  ASSIGN_OR_RETURN(uint64_t header_end, ScanHeader(f, f.size(), path, bucket));
  if (header_end == 0) {
    ScanResult unfinished{};
    unfinished.torn_bytes = f.size();
    return unfinished;
  }
  return ScanRecords(f.subspan(header_end), header_end, path, visit);
}

util::Result<ScanResult> ScanRecords(std::span<const uint8_t> tail, uint64_t base,
                                     const std::string& path,
                                     const std::function<void(const ScannedChange&)>& visit,
                                     End end_kind) {
  // Offsets below are into `f`, which starts at file offset `base`.
  std::span<const uint8_t> f = tail;
  ScanResult result{};
  auto Damage = [&](const std::string& p, uint64_t offset, std::string_view why) {
    return file::Damage(p, base + offset, why);
  };
  uint64_t pos = 0;
  while (pos < f.size()) {
    uint64_t end;
    if (!ValidRecordAt(f, pos, &end)) {
      if (end_kind == End::kWindow) {  // the caller reads on from here
        result.valid_end = base + pos;
        return result;
      }
      if (std::all_of(f.begin() + static_cast<std::ptrdiff_t>(pos), f.end(),
                      [](uint8_t b) { return b == 0; })) {
        // Zeros from a record boundary to the end: space written ahead, not yet used.
        result.valid_end = base + pos;
        result.zero_tail = f.size() - pos;
        return result;
      }
      // Damage at the very end is an interrupted write. Damage with valid records after it is
      // not: look for a chain of records from some later offset to the end of the file, or to
      // zeros that run to the end (space written ahead). Lengths are followed backwards once
      // (reach[i]: the lengths from pos + i lead to that end), so only offsets that can lead
      // there get their checksums verified.
      uint64_t data_end = f.size();  // after the last byte that is not zero
      while (data_end > pos && f[data_end - 1] == 0) --data_end;
      uint64_t n = data_end - pos;
      std::vector<uint8_t> reach(n, 0);
      for (uint64_t i = n; i-- > 1;) {
        uint64_t q = pos + i;
        if (f.size() - q < kRecordHeaderSize) continue;
        uint64_t next = q + kRecordHeaderSize + GetU32(&f[q + 4]);
        reach[i] = (next >= data_end && next <= f.size()) || (next < data_end && reach[next - pos]);
      }
      for (uint64_t i = 1; i < n; ++i) {
        if (reach[i] && ChainReachesEnd(f, pos + i, data_end)) {
          return Damage(path, pos, "a record fails its checksum and valid records follow it");
        }
      }
      if (end_kind == End::kJudged && !TornAt(f, base, pos, data_end)) {
        return Damage(path, pos, "the last record was written whole and fails its checksum");
      }
      result.valid_end = base + pos;
      result.torn_bytes = f.size() - pos;
      return result;
    }
    auto type = static_cast<RecordType>(f[pos + 8]);
    std::span<const uint8_t> p = f.subspan(pos + kRecordHeaderSize, end - pos - kRecordHeaderSize);
    uint64_t payload = base + pos + kRecordHeaderSize;
    auto key_at = [&](size_t off, size_t len) {
      return std::string_view(reinterpret_cast<const char*>(p.data() + off), len);
    };
    uint32_t record_bytes = static_cast<uint32_t>(end - pos);
    switch (type) {
      case RecordType::kPut: {
        if (p.size() < 4 || p.size() - 4 < GetU32(p.data())) {
          return Damage(path, pos, "a record is malformed");
        }
        uint32_t klen = GetU32(p.data());
        visit({true, key_at(4, klen), payload + 4 + klen,
               static_cast<uint32_t>(p.size() - 4 - klen), record_bytes});
        break;
      }
      case RecordType::kDelete:
        visit({false, key_at(0, p.size()), 0, 0, record_bytes});
        break;
      case RecordType::kBatch: {
        if (p.size() < 4) return Damage(path, pos, "a batch record is malformed");
        uint32_t count = GetU32(p.data());
        // Read whole before any of it is applied: a malformed item must leave nothing half done.
        std::vector<ScannedChange> items;
        items.reserve(std::min<size_t>(count, p.size() / 5));
        size_t off = 4;
        for (uint32_t i = 0; i < count; ++i) {
          size_t item = off;
          if (p.size() - off < 5) return Damage(path, pos, "a batch record is malformed");
          bool put = p[off] != 0;
          uint32_t klen = GetU32(&p[off + 1]);
          off += 5;
          if (p.size() - off < klen) return Damage(path, pos, "a batch record is malformed");
          std::string_view key = key_at(off, klen);
          off += klen;
          uint32_t vlen = 0;
          uint64_t voff = 0;
          if (put) {
            if (p.size() - off < 4) return Damage(path, pos, "a batch record is malformed");
            vlen = GetU32(&p[off]);
            off += 4;
            if (p.size() - off < vlen) return Damage(path, pos, "a batch record is malformed");
            voff = payload + off;
            off += vlen;
          }
          items.push_back({put, key, voff, vlen, static_cast<uint32_t>(off - item)});
        }
        if (off != p.size()) return Damage(path, pos, "a batch record is malformed");
        for (const ScannedChange& c : items) visit(c);
        break;
      }
      default:
        return Damage(path, pos, "a record has an unknown type");
    }
    pos = end;
  }
  result.valid_end = base + pos;
  return result;
}

}  // namespace kv::file

#include "backends/redis_list_cursor.h"

#include <algorithm>
#include <utility>

namespace kv {
namespace {

constexpr uint64_t kScanLimit = uint64_t{1} << 32;
constexpr uint32_t kMarkBits = 24;
constexpr uint32_t kMarkMask = (uint32_t{1} << kMarkBits) - 1;

}  // namespace

RedisListCursor RedisListCursor::Decode(uint64_t cursor) {
  RedisListCursor c;
  c.scan = cursor & (kScanLimit - 1);
  uint32_t mark = static_cast<uint32_t>(cursor >> 32) & kMarkMask;
  if (mark != 0) c.after = mark - 1;
  c.check = static_cast<uint8_t>(cursor >> 56);
  return c;
}

uint64_t RedisListCursor::Encode() const {
  if (!after) return scan;
  return scan | (uint64_t{*after + 1} << 32) | (uint64_t{check} << 56);
}

uint32_t RedisKeyMark(std::string_view key) {
  uint32_t h = 2166136261u;
  for (unsigned char c : key) h = (h ^ c) * 16777619u;
  // Folded to 24 bits and kept below 2^24 - 1, so that mark + 1 fits the cursor's field.
  return (((h >> kMarkBits) ^ h) & kMarkMask) % kMarkMask;
}

uint8_t RedisScanCheck(uint64_t next_scan) {
  return static_cast<uint8_t>((next_scan * 0x9E3779B97F4A7C15ull) >> 56);
}

util::Result<KeyPage> PageOfBatch(const RedisListCursor& at, std::vector<std::string> batch,
                                  uint64_t next_scan, const Limits& limits) {
  if (at.scan >= kScanLimit || next_scan >= kScanLimit) {
    return util::Unsupported("list-keys: the hash is too large to walk (an HSCAN cursor of 2^32 "
                             "or more)");
  }
  std::vector<std::pair<uint32_t, std::string>> marked;
  marked.reserve(batch.size());
  const bool resume = at.after && at.check == RedisScanCheck(next_scan);
  for (std::string& key : batch) {
    uint32_t mark = RedisKeyMark(key);
    if (resume && mark <= *at.after) continue;
    marked.emplace_back(mark, std::move(key));
  }
  std::sort(marked.begin(), marked.end());

  KeyPage page;
  uint64_t bytes = 0;
  size_t taken = 0;
  while (taken < marked.size()) {
    // The keys of one mark, all or none.
    size_t end = taken;
    uint64_t group_bytes = 0;
    while (end < marked.size() && marked[end].first == marked[taken].first) {
      group_bytes += marked[end].second.size();
      ++end;
    }
    bool fits = page.keys.size() + (end - taken) <= limits.list_page_keys &&
                bytes + group_bytes <= limits.list_page_bytes;
    if (!fits && !page.keys.empty()) break;
    for (size_t i = taken; i < end; ++i) page.keys.push_back(std::move(marked[i].second));
    bytes += group_bytes;
    taken = end;
  }
  if (taken < marked.size()) {
    page.cursor = RedisListCursor{at.scan, marked[taken - 1].first, RedisScanCheck(next_scan)}
                      .Encode();
  } else if (next_scan != 0) {
    page.cursor = next_scan;
  }
  return page;
}

}  // namespace kv

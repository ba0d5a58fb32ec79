#include "backends/redis_list_cursor.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace kv {
namespace {

constexpr uint64_t kInsideFlag = uint64_t{1} << 63;
constexpr uint64_t kRestartedFlag = uint64_t{1} << 62;
constexpr uint32_t kFieldBits = 57;   // for the two cursors and the mark
constexpr uint32_t kMaxCursorBits = 28;
// Asking for ever more keys past empty batches reaches the end of any table within this many
// round trips; a server whose cursor never reaches it is an error, not a loop.
constexpr int kMaxScans = 10000;
constexpr uint32_t kMaxCount = 1 << 16;

uint64_t Low(uint64_t v, uint32_t bits) { return bits == 0 ? 0 : v & (~uint64_t{0} >> (64 - bits)); }

uint32_t CursorBits(uint64_t scan, uint64_t next) {
  return static_cast<uint32_t>(std::bit_width(std::max(scan, next)));
}

uint64_t Reversed(uint64_t v) {
  uint64_t r = 0;
  for (int i = 0; i < 64; ++i, v >>= 1) r = (r << 1) | (v & 1);
  return r;
}

// Whether a walk stopping at cursor `a` has gone no further than one stopping at `b`. Redis walks
// a table in the order of the hash's bits reversed, so a batch read from cursor c up to cursor n
// holds exactly the keys whose reversed hash lies between Reversed(c) and Reversed(n), whatever
// the table's size; 0, the end, comes last.
bool EndsNoLater(uint64_t a, uint64_t b) {
  if (b == 0) return true;
  if (a == 0) return false;
  return Reversed(a) <= Reversed(b);
}

struct Marked {
  uint64_t mark;
  std::string key;
  bool operator<(const Marked& o) const { return mark != o.mark ? mark < o.mark : key < o.key; }
};

bool Fits(const std::vector<std::string>& keys, const Limits& limits, size_t* fitting) {
  uint64_t bytes = 0;
  size_t n = 0;
  for (const std::string& k : keys) {
    if (n + 1 > limits.list_page_keys || bytes + k.size() > limits.list_page_bytes) break;
    bytes += k.size();
    ++n;
  }
  *fitting = n;
  return n == keys.size();
}

// A page of all of `keys`, going on at `next`.
KeyPage Whole(std::vector<std::string> keys, uint64_t next) {
  KeyPage page;
  page.keys = std::move(keys);
  if (next != 0) page.cursor = next;
  return page;
}

// The page of a batch that does not fit (or is resumed): `keys` sorted by mark, cut between two
// marks; all of them when they fit.
KeyPage Cut(std::vector<std::string> keys, uint64_t scan, uint64_t next, bool restarted,
            const Limits& limits) {
  RedisListCursor at{scan, RedisListCursor::Inside{next, 0, restarted}};
  if (CursorBits(scan, next) > kMaxCursorBits) return Whole(std::move(keys), next);  // no room
  KeyPage page;
  const uint32_t bits = at.MarkBits();
  std::vector<Marked> marked;
  marked.reserve(keys.size());
  for (std::string& k : keys) marked.push_back({RedisKeyMark(k, bits), std::move(k)});
  std::sort(marked.begin(), marked.end());
  uint64_t bytes = 0;
  size_t taken = 0;
  while (taken < marked.size()) {
    size_t end = taken;  // the keys of one mark: all or none
    uint64_t group_bytes = 0;
    for (; end < marked.size() && marked[end].mark == marked[taken].mark; ++end) {
      group_bytes += marked[end].key.size();
    }
    bool fits = page.keys.size() + (end - taken) <= limits.list_page_keys &&
                bytes + group_bytes <= limits.list_page_bytes;
    if (!fits && !page.keys.empty()) break;
    for (size_t i = taken; i < end; ++i) page.keys.push_back(std::move(marked[i].key));
    bytes += group_bytes;
    taken = end;
  }
  if (taken < marked.size()) {
    at.inside->after = marked[taken - 1].mark;
    page.cursor = at.Encode();
  } else if (next != 0) {
    page.cursor = next;
  }
  return page;
}

}  // namespace

RedisListCursor RedisListCursor::Decode(uint64_t cursor) {
  RedisListCursor c;
  if ((cursor & kInsideFlag) == 0) {
    c.scan = cursor;
    return c;
  }
  const uint32_t k = static_cast<uint32_t>(cursor >> kFieldBits) & 31;
  if (k > kMaxCursorBits) return c;  // not one we hand out: the start
  const uint32_t mark_bits = kFieldBits - 2 * k;
  c.scan = Low(cursor >> (kFieldBits - k), k);
  c.inside = Inside{Low(cursor >> mark_bits, k), Low(cursor, mark_bits),
                    (cursor & kRestartedFlag) != 0};
  return c;
}

std::optional<uint64_t> RedisListCursor::Encode() const {
  if (!inside) return scan;
  const uint32_t k = CursorBits(scan, inside->next);
  if (k > kMaxCursorBits) return std::nullopt;
  const uint32_t mark_bits = kFieldBits - 2 * k;
  return kInsideFlag | (inside->restarted ? kRestartedFlag : 0) | (uint64_t{k} << kFieldBits) |
         (scan << (kFieldBits - k)) | (inside->next << mark_bits) | Low(inside->after, mark_bits);
}

uint32_t RedisListCursor::MarkBits() const {
  return kFieldBits - 2 * std::min(kMaxCursorBits, CursorBits(scan, inside ? inside->next : 0));
}

uint64_t RedisKeyMark(std::string_view key, uint32_t bits) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : key) h = (h ^ c) * 0x100000001b3ull;
  // FNV-1a leaves its top bits unmixed by the last bytes (keys `k0` to `k9` share them): a
  // finalizer spreads every bit of the hash over all 64.
  h ^= h >> 33, h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33, h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return bits == 0 ? 0 : h >> (64 - bits);
}

util::Result<KeyPage> RedisListPage(const RedisScan& scan, std::optional<uint64_t> cursor,
                                    const Limits& limits) {
  RedisListCursor at = RedisListCursor::Decode(cursor.value_or(0));
  // COUNT is a hint to Redis: half the page leaves room for what it adds.
  const uint32_t page_count = std::max<uint32_t>(1, limits.list_page_keys / 2);
  uint32_t count = page_count;
  for (int scans = 0; scans < kMaxScans; ++scans) {
    if (at.inside) {
      // A cut batch, read again as it was read: a small hash whole, a bucket with COUNT 1.
      const bool whole = at.scan == 0 && at.inside->next == 0;
      ASSIGN_OR_RETURN(RedisScanBatch batch, scan(at.scan, whole ? page_count : 1));
      if (batch.next & kInsideFlag) break;
      std::vector<std::string> keys;
      bool restarted = at.inside->restarted;
      if (EndsNoLater(batch.next, at.inside->next)) {
        // It ends where it ended or earlier (keys added, the table larger): it holds no key after
        // those it held, and every key before its cursor came on earlier pages, so those marked
        // up to `after` have come.
        const uint32_t bits = at.MarkBits();
        for (std::string& k : batch.keys) {
          if (RedisKeyMark(k, bits) > at.inside->after) keys.push_back(std::move(k));
        }
      } else if (!restarted) {
        // It ends later (its buckets emptied, the table smaller): it holds keys not seen yet, so
        // it is cut again from its start, once.
        keys = std::move(batch.keys);
        restarted = true;
      } else {
        // Again: a table that keeps resizing while the walk is in one bucket. The bucket comes
        // whole, over the limits if it must, so that the walk goes on.
        return Whole(std::move(batch.keys), batch.next);
      }
      KeyPage page = Cut(std::move(keys), at.scan, batch.next, restarted, limits);
      if (!page.keys.empty() || !page.cursor) return page;
      at = RedisListCursor{*page.cursor, std::nullopt};
      continue;
    }
    ASSIGN_OR_RETURN(RedisScanBatch batch, scan(at.scan, count));
    if (batch.next & kInsideFlag) break;
    size_t fitting;
    if (Fits(batch.keys, limits, &fitting)) {
      KeyPage page = Whole(std::move(batch.keys), batch.next);
      if (!page.keys.empty() || !page.cursor) return page;
      at.scan = batch.next;  // nothing here: on, asking for more at once
      count = std::min(kMaxCount, count * 2);
      continue;
    }
    // Cut at COUNT 1 (one bucket), or a whole hash that a smaller COUNT did not make smaller
    // (the compact encoding, which ignores COUNT).
    if (count == 1 || (at.scan == 0 && batch.next == 0 && count < page_count)) {
      return Cut(std::move(batch.keys), at.scan, batch.next, false, limits);
    }
    count = std::max<uint32_t>(1, std::min<uint64_t>(count / 2, fitting));  // a smaller batch
  }
  return util::Unsupported("list-keys: HSCAN gave a cursor this store cannot walk (2^63 or more), "
                           "or found no key in " + std::to_string(kMaxScans) + " round trips");
}

}  // namespace kv

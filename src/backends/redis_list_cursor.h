// list-keys over Redis's HSCAN, cut to the page limits (list_page_keys and list_page_bytes).
//
// HSCAN hands out batches that cannot be resumed in the middle: a small hash (Redis's compact
// encoding) comes back whole, a larger one in batches of the hash table's buckets holding about
// COUNT keys. A batch that does not fit the page is asked for again with a smaller COUNT, down to
// 1 (one non-empty bucket). What still does not fit, the whole of a small hash or one bucket, is
// cut: its keys are sorted by a mark (the top bits of a hash of the key) and the page ends between
// two marks. The cursor then holds the batch's HSCAN cursor, the cursor HSCAN gave after it, and
// the last mark returned; the next page reads the batch again and leaves out the keys marked at
// or below it.
//
// Why that loses no key present for the whole walk. Redis walks a table in the order of the
// hash's bits reversed, so a batch read up to cursor n holds no key past n in that order, whatever
// the table's size and also while it is being resized; and every key before the batch's own
// cursor came on earlier pages (a smaller table may make the batch read again start earlier, with
// keys that came already). So when the batch, read again, ends where it ended or earlier (keys
// added, a larger table), its keys marked up to the last mark have all come: they are left out.
// When it ends later (its buckets emptied, a smaller table), it holds keys not seen yet, and is
// cut again from its start, so a key may come twice, as in Redis's own walk.
//
// Why a walk ends: each page either moves the cursor on or returns keys marked above the last
// mark. The one way to go round in circles, a table that grows and shrinks while the walk is in
// one bucket, is cut short: a batch found to end later a second time comes whole, over the
// limits if it must, and the walk moves past it.
//
// Layout of the u64 (draft2's cursor is its decimal text):
//   bit 63 = 0: a plain HSCAN cursor, where the walk goes on.
//   bit 63 = 1: inside a batch. Bit 62: it was cut again from its start once. Bits 57-61: K, the
//     bit length of the larger of the two cursors; then the batch's cursor (K bits), the cursor
//     after it (K bits), and the last mark in the remaining 57 - 2K bits (57 for a small hash,
//     whose cursors are both 0). With K over 28 (cursors of 2^28 or more: a table of more than
//     2^28 buckets) there is no room for a mark, and the batch comes whole, over the limits.
// Pages also pass the limits when one mark's keys alone do: a key longer than list_page_bytes, or
// keys whose marks are equal (for a table of 2^20 buckets the mark has 17 bits, for one bucket of
// a few keys).
#ifndef BACKENDS_REDIS_LIST_CURSOR_H_
#define BACKENDS_REDIS_LIST_CURSOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kv/engine/limits.h"
#include "kv/engine/types.h"
#include "kv/util/result.h"

namespace kv {

struct RedisListCursor {
  // Where a cut batch goes on: the cursor HSCAN gave after the batch, and the last mark returned.
  struct Inside {
    uint64_t next = 0;
    uint64_t after = 0;
    bool restarted = false;  // the batch was found to end later once and cut again from its start
  };
  uint64_t scan = 0;  // the HSCAN cursor of the batch to read
  std::optional<Inside> inside;

  // Total: any number decodes (an invented one to some place in the walk).
  static RedisListCursor Decode(uint64_t cursor);
  // None when the cursors are too long to leave room for a mark (K > 28).
  std::optional<uint64_t> Encode() const;
  // The width of the mark a cut of this batch uses: 57 - 2K bits.
  uint32_t MarkBits() const;
};

// The top `bits` bits (at most 57) of a 64-bit hash of `key` (FNV-1a, then mixed).
uint64_t RedisKeyMark(std::string_view key, uint32_t bits);

// One HSCAN reply: the keys (field names) of the batch and the cursor after it (0: the end).
struct RedisScanBatch {
  std::vector<std::string> keys;
  uint64_t next = 0;
};
// Runs `HSCAN <hash> <cursor> COUNT <count>`.
using RedisScan = std::function<util::Result<RedisScanBatch>(uint64_t cursor, uint32_t count)>;

// One list-keys page from `cursor` (none: the start), read with `scan`. Batches with no key left
// are passed over (asking for more keys each time), so a page holds at least one key when any
// remain. Errors: `scan`'s, and kUnsupported for an HSCAN cursor of 2^63 or more, or for a server
// whose walk finds no key in 10,000 round trips.
util::Result<KeyPage> RedisListPage(const RedisScan& scan, std::optional<uint64_t> cursor,
                                    const Limits& limits);

}  // namespace kv

#endif  // BACKENDS_REDIS_LIST_CURSOR_H_

// The Redis backend's list-keys cursor: Redis's HSCAN cursor, extended so that a page can end
// inside one of HSCAN's batches and still honour the page limits (list_page_keys and
// list_page_bytes). HSCAN's COUNT is only a hint: a small hash comes back whole in one batch, a
// large one in batches of about COUNT keys, and a batch cannot be resumed in the middle by Redis.
//
// A batch too large for one page is sorted by a 24-bit mark of each key (FNV-1a) and cut between
// two marks; the cursor then names the batch again (its HSCAN cursor) and the last mark returned,
// and the next page is the same batch read again without the keys marked at or below it. Keys
// added to or deleted from the batch between the two reads do not disturb this. What would is the
// hash table shrinking in between (the batch read again then holds buckets not yet seen, whose
// keys the mark would wrongly skip): so the cursor also keeps a check of the HSCAN cursor that
// followed the batch, which a resize changes, and when it differs the batch is returned whole
// again. A walk so keeps Redis's guarantee: every key present for the whole walk, at least once.
//
// Layout of the u64: bits 0-31 the HSCAN cursor, 32-55 the mark + 1 (0: start of the batch),
// 56-63 the check. A plain HSCAN cursor below 2^32 is its own encoding; Redis hands out larger
// ones only for a hash of more than 2^31 keys, which is refused (kUnsupported) rather than walked
// wrongly. Pure functions; no state.
#ifndef BACKENDS_REDIS_LIST_CURSOR_H_
#define BACKENDS_REDIS_LIST_CURSOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kv/engine/limits.h"
#include "kv/engine/types.h"
#include "kv/util/result.h"

namespace kv {

struct RedisListCursor {
  uint64_t scan = 0;             // the HSCAN cursor of the batch to read
  std::optional<uint32_t> after;  // skip the batch's keys marked at or below this
  uint8_t check = 0;             // with `after`: the check of the cursor that followed the batch

  static RedisListCursor Decode(uint64_t cursor);
  uint64_t Encode() const;
};

// The mark a batch is cut by (24 bits).
uint32_t RedisKeyMark(std::string_view key);
// The check kept of the HSCAN cursor that followed a cut batch (8 bits).
uint8_t RedisScanCheck(uint64_t next_scan);

// The page that reading batch `at.scan` gave: `batch` is what HSCAN returned for it and
// `next_scan` the cursor it returned with it (0: the last batch). Takes the keys left after
// `at.after` (when `at.check` matches) while they fit `limits`, always at least one mark's keys
// when any remain; the page's cursor resumes inside this batch, or at `next_scan`, or is none at
// the end. Keys sharing a mark are never split, so a page can pass the limits only when its first
// mark alone does (one key larger than list_page_bytes, or keys whose marks collide).
// Errors: kUnsupported for an HSCAN cursor of 2^32 or more.
util::Result<KeyPage> PageOfBatch(const RedisListCursor& at, std::vector<std::string> batch,
                                  uint64_t next_scan, const Limits& limits);

}  // namespace kv

#endif  // BACKENDS_REDIS_LIST_CURSOR_H_

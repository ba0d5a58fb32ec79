// The list-keys cursor of the Redis backend, offline: batches as HSCAN would return them.
#include "backends/redis_list_cursor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "backends/key_page_check.h"

namespace kv {
namespace {

std::vector<std::string> Keys(int n, const std::string& prefix = "k", size_t pad = 0) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back(prefix + std::to_string(i) + std::string(pad, 'x'));
  return keys;
}

// Reads batch 7 (followed by batch 9) again and again until the cursor leaves it; `change` may
// alter the batch between reads. Returns how often each key came, and checks the limits.
std::map<std::string, int> ReadBatch(std::vector<std::string> batch, const Limits& limits,
                                     const std::function<void(std::vector<std::string>&)>& change,
                                     uint64_t next = 9) {
  std::map<std::string, int> seen;
  RedisListCursor at{7, std::nullopt, 0};
  for (int reads = 0; reads < 10000; ++reads) {
    auto page = PageOfBatch(at, batch, next, limits);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) break;
    CountPage(*page, limits, seen);
    EXPECT_TRUE(page->cursor.has_value());
    if (!page->cursor || *page->cursor == next) break;
    at = RedisListCursor::Decode(*page->cursor);
    EXPECT_EQ(at.scan, 7u);
    if (change) change(batch);
  }
  return seen;
}

TEST(RedisListCursorTest, APlainHscanCursorIsItsOwnEncoding) {
  for (uint64_t scan : {uint64_t{0}, uint64_t{1}, uint64_t{123456}, (uint64_t{1} << 32) - 1}) {
    RedisListCursor c = RedisListCursor::Decode(scan);
    EXPECT_EQ(c.scan, scan);
    EXPECT_FALSE(c.after);
    EXPECT_EQ(c.Encode(), scan);
  }
  RedisListCursor cut{42, RedisKeyMark("some key"), RedisScanCheck(99)};
  RedisListCursor back = RedisListCursor::Decode(cut.Encode());
  EXPECT_EQ(back.scan, 42u);
  EXPECT_EQ(back.after, cut.after);
  EXPECT_EQ(back.check, cut.check);
  EXPECT_NE(cut.Encode(), 0u) << "a cut cursor is never `none`";
}

TEST(RedisListCursorTest, ABatchLargerThanAPageIsCutAndEachKeyComesOnce) {
  Limits limits;
  limits.list_page_keys = 10;
  auto seen = ReadBatch(Keys(100), limits, {});
  EXPECT_EQ(seen.size(), 100u);
  for (auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
}

TEST(RedisListCursorTest, PagesAreCutByBytesToo) {
  Limits limits;
  limits.list_page_bytes = 1000;
  auto seen = ReadBatch(Keys(60, "k", 200), limits, {});
  EXPECT_EQ(seen.size(), 60u);
  for (auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
}

TEST(RedisListCursorTest, KeysAddedAndDeletedBetweenReadsDoNotDisturbTheOthers) {
  Limits limits;
  limits.list_page_keys = 7;
  std::vector<std::string> stable = Keys(50, "stable");
  std::vector<std::string> batch = stable;
  int round = 0;
  auto seen = ReadBatch(batch, limits, [&](std::vector<std::string>& b) {
    b = stable;
    for (auto& k : Keys(30, "new" + std::to_string(++round) + "-")) b.push_back(k);
  });
  for (auto& k : stable) EXPECT_EQ(seen[k], 1) << k;
}

// A resize shows in the cursor that follows the batch: the batch is then given whole again, so
// that keys of buckets merged into it are not skipped.
TEST(RedisListCursorTest, AfterAResizeTheBatchComesWholeAgain) {
  Limits limits;
  limits.list_page_keys = 10;
  std::vector<std::string> batch = Keys(30);
  auto first = PageOfBatch({7, std::nullopt, 0}, batch, 9, limits);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->keys.size(), 10u);
  RedisListCursor at = RedisListCursor::Decode(*first->cursor);
  ASSERT_TRUE(at.after);
  for (auto& k : Keys(5, "merged")) batch.push_back(k);
  auto again = PageOfBatch(at, batch, 3, limits);  // the table shrank: 3 follows now, not 9
  ASSERT_TRUE(again.ok());
  auto unresized = PageOfBatch(at, batch, 9, limits);
  ASSERT_TRUE(unresized.ok());
  // Whole again: the page starts over, so the first page's keys (those still sorted first) come
  // again; without the resize the page resumes after them.
  int repeated = 0;
  for (auto& k : again->keys) repeated += std::count(first->keys.begin(), first->keys.end(), k);
  EXPECT_GT(repeated, 0);
  for (auto& k : unresized->keys) {
    EXPECT_EQ(std::count(first->keys.begin(), first->keys.end(), k), 0) << k << " came twice";
  }
}

TEST(RedisListCursorTest, AKeyLargerThanThePageBytesStillComesAlone) {
  Limits limits;
  limits.list_page_bytes = 100;
  std::vector<std::string> batch = {std::string(500, 'a'), "b", std::string(300, 'c')};
  std::map<std::string, int> seen;
  RedisListCursor at{7, std::nullopt, 0};
  for (int reads = 0; reads < 10; ++reads) {
    auto page = PageOfBatch(at, batch, 0, limits);
    ASSERT_TRUE(page.ok());
    ASSERT_FALSE(page->keys.empty());
    uint64_t bytes = 0;
    for (auto& k : page->keys) bytes += k.size(), ++seen[k];
    if (bytes > limits.list_page_bytes) {
      EXPECT_EQ(page->keys.size(), 1u);
    }
    if (!page->cursor) break;
    at = RedisListCursor::Decode(*page->cursor);
  }
  EXPECT_EQ(seen.size(), 3u);
}

TEST(RedisListCursorTest, TheLastBatchEndsTheWalk) {
  auto page = PageOfBatch({0, std::nullopt, 0}, Keys(3), 0, Limits{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->keys.size(), 3u);
  EXPECT_FALSE(page->cursor);
  auto empty = PageOfBatch({0, std::nullopt, 0}, {}, 0, Limits{});
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->cursor);
}

TEST(RedisListCursorTest, AnHscanCursorBeyond32BitsIsRefusedNotMisread) {
  auto page = PageOfBatch({0, std::nullopt, 0}, Keys(3), uint64_t{1} << 40, Limits{});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), util::Code::kUnsupported);
}

}  // namespace
}  // namespace kv

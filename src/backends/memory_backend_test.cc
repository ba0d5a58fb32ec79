#include "backends/memory_backend.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace kv {
namespace {

Limits PageOf(uint32_t keys, uint32_t bytes = 1 << 20) {
  Limits l;
  l.list_page_keys = keys;
  l.list_page_bytes = bytes;
  return l;
}

// Walks the whole bucket; returns how often each key was seen. `between` runs after each page.
std::map<std::string, int> Walk(MemoryBucket& b, const Limits& limits,
                                const std::function<void(int page)>& between = {}) {
  std::map<std::string, int> seen;
  std::optional<uint64_t> cursor;
  for (int page = 0;; ++page) {
    auto r = b.ListKeys(cursor, limits);
    EXPECT_TRUE(r.ok());
    EXPECT_LE(r->keys.size(), limits.list_page_keys);
    for (auto& k : r->keys) ++seen[k];
    if (!r->cursor) break;
    EXPECT_FALSE(r->keys.empty()) << "a page that continues must make progress";
    cursor = r->cursor;
    if (between) between(page);
    if (page > 100000) {
      ADD_FAILURE() << "walk does not end";
      break;
    }
  }
  return seen;
}

void Fill(MemoryBucket& b, int n, const std::string& prefix = "k") {
  for (int i = 0; i < n; ++i) ASSERT_TRUE(b.Set(prefix + std::to_string(i), AsBytes("v")).ok());
}

TEST(MemoryBucketTest, EmptyBucketGivesEmptyPageAndNoCursor) {
  MemoryBucket b;
  auto r = b.ListKeys(std::nullopt, PageOf(10));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->keys.empty());
  EXPECT_FALSE(r->cursor.has_value());
}

TEST(MemoryBucketTest, WalksReturnEveryKeyOnce) {
  constexpr uint32_t kPage = 7;
  for (int n : {0, 1, 6, 7, 8, 70}) {
    MemoryBucket b;
    Fill(b, n);
    auto seen = Walk(b, PageOf(kPage));
    EXPECT_EQ(seen.size(), static_cast<size_t>(n)) << n;
    for (auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
  }
}

TEST(MemoryBucketTest, PagesAreBoundedByBytesButAlwaysProgress) {
  MemoryBucket b;
  ASSERT_TRUE(b.Set(std::string(100, 'a'), AsBytes("v")).ok());
  ASSERT_TRUE(b.Set(std::string(100, 'b'), AsBytes("v")).ok());
  ASSERT_TRUE(b.Set("c", AsBytes("v")).ok());
  auto first = b.ListKeys(std::nullopt, PageOf(100, 150));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->keys.size(), 1u);
  auto seen = Walk(b, PageOf(100, 50));  // each long key alone exceeds the byte bound
  EXPECT_EQ(seen.size(), 3u);
}

TEST(MemoryBucketTest, StableKeysSeenOnceWhileOthersComeAndGo) {
  MemoryBucket b;
  Fill(b, 50, "stable");
  Fill(b, 50, "doomed");
  int added = 0;
  auto seen = Walk(b, PageOf(5), [&](int page) {
    // Delete some keys, add new ones, overwrite stable ones, delete and re-add one.
    ASSERT_TRUE(b.Delete("doomed" + std::to_string(page)).ok());
    ASSERT_TRUE(b.Set("new" + std::to_string(added++), AsBytes("v")).ok());
    ASSERT_TRUE(b.Set("stable" + std::to_string(page % 50), AsBytes("changed")).ok());
    ASSERT_TRUE(b.Delete("doomed49").ok());
    ASSERT_TRUE(b.Set("doomed49", AsBytes("back")).ok());
  });
  for (int i = 0; i < 50; ++i) EXPECT_EQ(seen["stable" + std::to_string(i)], 1) << i;
}

TEST(MemoryBucketTest, InventedCursorsGiveCleanPages) {
  MemoryBucket b;
  Fill(b, 10);
  for (uint64_t cursor : {uint64_t{0}, uint64_t{5}, uint64_t{11}, uint64_t{1000}, UINT64_MAX}) {
    auto r = b.ListKeys(cursor, PageOf(3));
    ASSERT_TRUE(r.ok()) << cursor;
    EXPECT_LE(r->keys.size(), 3u);
  }
  auto past = b.ListKeys(UINT64_MAX, PageOf(3));
  EXPECT_TRUE(past->keys.empty());
  EXPECT_FALSE(past->cursor.has_value());
}

TEST(MemoryStoreTest, SameNameSameBucket) {
  MemoryStore store;
  auto a = store.OpenBucket("x");
  auto b = store.OpenBucket("x");
  auto c = store.OpenBucket("y");
  EXPECT_EQ(a->get(), b->get());
  EXPECT_NE(a->get(), c->get());
}

}  // namespace
}  // namespace kv

namespace kv {
namespace {

// Deleting most keys compacts the index; a walk that was going on keeps its place and still sees
// every key that stayed, once.
TEST(MemoryBucketTest, AWalkSurvivesCompaction) {
  MemoryBucket b;
  Fill(b, 20000);
  Limits page = PageOf(100);
  auto first = b.ListKeys(std::nullopt, page);
  ASSERT_TRUE(first.ok() && first->cursor);
  std::map<std::string, int> seen;
  for (auto& k : first->keys) ++seen[k];
  // Delete every key but the multiples of 7 that the first page did not cover.
  for (int i = 0; i < 20000; ++i) {
    if (i % 7 != 0) {
      ASSERT_TRUE(b.Delete("k" + std::to_string(i)).ok());
    }
  }
  std::optional<uint64_t> cursor = first->cursor;
  while (cursor) {
    auto r = b.ListKeys(cursor, page);
    ASSERT_TRUE(r.ok());
    for (auto& k : r->keys) ++seen[k];
    cursor = r->cursor;
  }
  for (int i = 0; i < 20000; i += 7) EXPECT_EQ(seen["k" + std::to_string(i)], 1) << i;
  EXPECT_EQ(b.size(), 20000u / 7 + 1);
}

}  // namespace
}  // namespace kv

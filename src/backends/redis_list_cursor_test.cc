// The Redis backend's list-keys paging, offline, against a model of how HSCAN walks a hash: the
// compact encoding (every key in one batch) while the hash is small, then a table of 2^k buckets
// walked in Redis's reverse-binary order, about COUNT keys at a time, resized at once when it
// fills up or empties.
#include "backends/redis_list_cursor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "backends/key_page_check.h"

namespace kv {
namespace {

class FakeHash {
 public:
  void Add(const std::string& key) {
    if (!keys_.insert(key).second) return;
    if (!compact_) buckets_[Bucket(key)].push_back(key);
    if (compact_ && (keys_.size() > 128 || key.size() > 64)) compact_ = false, Resize(keys_.size());
    if (!compact_ && keys_.size() > Size()) Resize(keys_.size());
  }
  void Remove(const std::string& key) {
    if (keys_.erase(key) == 0) return;
    if (!compact_) std::erase(buckets_[Bucket(key)], key);
    // Redis shrinks a table under a tenth full to the smallest power of two that holds it.
    if (!compact_ && Size() > 4 && keys_.size() * 10 < Size()) Resize(keys_.size());
  }
  bool compact() const { return compact_; }
  // Where a key goes: bucket Hash(key) mod the table's size.
  static uint64_t Hash(const std::string& k) {
    uint64_t h = 1469598103934665603ull ^ 0x5bd1e995;  // another hash than the marks'
    for (unsigned char c : k) h = (h ^ c) * 1099511628211ull, h ^= h >> 29;
    return h;
  }
  uint64_t Size() const { return uint64_t{1} << bits_; }
  const std::set<std::string>& keys() const { return keys_; }

  RedisScanBatch Scan(uint64_t cursor, uint32_t count) {
    RedisScanBatch batch;
    if (compact_) {  // the cursor is ignored; everything comes at once
      batch.keys.assign(keys_.begin(), keys_.end());
      return batch;
    }
    uint64_t v = cursor;
    int64_t budget = int64_t{count} * 10;
    do {
      for (const std::string& k : buckets_[v & (Size() - 1)]) batch.keys.push_back(k);
      v |= ~(Size() - 1);  // the next cursor in reverse-binary order
      v = Reverse(v) + 1;
      v = Reverse(v);
    } while (v != 0 && budget-- > 0 && batch.keys.size() < count);
    batch.next = v;
    return batch;
  }

 private:
  void Resize(size_t used) {
    bits_ = 2;
    while (Size() < used) ++bits_;
    buckets_.assign(Size(), {});
    for (const std::string& k : keys_) buckets_[Bucket(k)].push_back(k);
  }
  uint64_t Bucket(const std::string& k) const { return Hash(k) & (Size() - 1); }
  static uint64_t Reverse(uint64_t v) {
    uint64_t r = 0;
    for (int i = 0; i < 64; ++i) r = (r << 1) | ((v >> i) & 1);
    return r;
  }

  bool compact_ = true;
  uint32_t bits_ = 2;
  std::set<std::string> keys_;
  std::vector<std::vector<std::string>> buckets_;  // the table's, when not compact
};

// Walks `hash` to the end; `between` may change it after each page. Counts how often each key
// came. Checks every page of more than one key against the limits, unless `within_limits` is off.
std::map<std::string, int> Walk(FakeHash& hash, const Limits& limits,
                                const std::function<void(int page)>& between = {},
                                bool within_limits = true) {
  RedisScan scan = [&hash](uint64_t cursor, uint32_t count) -> util::Result<RedisScanBatch> {
    return hash.Scan(cursor, count);
  };
  std::map<std::string, int> seen;
  std::optional<uint64_t> cursor;
  int pages = 0;
  do {
    auto page = RedisListPage(scan, cursor, limits);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) break;
    if (page->keys.size() > 1 && within_limits) {
      CountPage(*page, limits, seen);
    } else {
      for (auto& k : page->keys) ++seen[k];  // one key may pass the byte bound
    }
    if (page->cursor) {
      EXPECT_FALSE(page->keys.empty()) << "an empty page with a cursor";
    }
    cursor = page->cursor;
    if (between) between(++pages);
  } while (cursor && pages < 100000);
  EXPECT_FALSE(cursor) << "the walk did not end";
  return seen;
}

std::vector<std::string> Keys(int n, const std::string& prefix, size_t pad = 0) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back(prefix + std::to_string(i) + std::string(pad, 'x'));
  return keys;
}

TEST(RedisListCursorTest, APlainHscanCursorIsItsOwnEncoding) {
  for (uint64_t scan : {uint64_t{0}, uint64_t{1}, uint64_t{123456}, (uint64_t{1} << 63) - 1}) {
    RedisListCursor c = RedisListCursor::Decode(scan);
    EXPECT_EQ(c.scan, scan);
    EXPECT_FALSE(c.inside);
    EXPECT_EQ(c.Encode(), scan);
  }
}

TEST(RedisListCursorTest, ACutCursorKeepsBothCursorsAndTheMarkExactly) {
  for (auto [scan, next] : {std::pair<uint64_t, uint64_t>{0, 0}, {5, 3}, {1000, 24}, {0, 1},
                            {(uint64_t{1} << 28) - 1, 12345}}) {
    RedisListCursor c{scan, RedisListCursor::Inside{next, 0, scan % 2 == 1}};
    const uint32_t bits = c.MarkBits();
    c.inside->after = RedisKeyMark("some key", bits);
    auto encoded = c.Encode();
    ASSERT_TRUE(encoded) << scan;
    EXPECT_NE(*encoded, 0u) << "a cut cursor is never the end";
    RedisListCursor back = RedisListCursor::Decode(*encoded);
    EXPECT_EQ(back.scan, scan);
    ASSERT_TRUE(back.inside);
    EXPECT_EQ(back.inside->next, next);
    EXPECT_EQ(back.inside->after, c.inside->after);
    EXPECT_EQ(back.inside->restarted, c.inside->restarted);
    EXPECT_EQ(back.MarkBits(), bits);
  }
  EXPECT_EQ(RedisListCursor({0, RedisListCursor::Inside{0, 0}}).MarkBits(), 57u);
  // Cursors of 2^28 or more leave no room for a mark.
  EXPECT_FALSE((RedisListCursor{uint64_t{1} << 28, RedisListCursor::Inside{1, 0}}.Encode()));
}

TEST(RedisListCursorTest, AnInventedCursorDecodesToSomePlace) {
  for (uint64_t c : {~uint64_t{0}, uint64_t{1} << 63, (uint64_t{31} << 57) | (uint64_t{1} << 63),
                     uint64_t{0x8123456789abcdef}}) {
    RedisListCursor at = RedisListCursor::Decode(c);
    if (at.inside) {
      EXPECT_LE(at.MarkBits(), 57u);
    }
  }
}

// Any cursor gives a clean page within the limits: the conformance suite's invented ones too.
TEST(RedisListCursorTest, AnInventedCursorGivesAPageWithinTheLimits) {
  FakeHash hash;
  for (auto& k : Keys(10, "k")) hash.Add(k);
  RedisScan scan = [&hash](uint64_t cursor, uint32_t count) -> util::Result<RedisScanBatch> {
    return hash.Scan(cursor, count);
  };
  Limits limits;
  limits.list_page_keys = 7;
  limits.list_page_bytes = 40;
  for (uint64_t c : {uint64_t{7}, uint64_t{123456789}, uint64_t{18446744073709551614u},
                     ~uint64_t{0}, uint64_t{1} << 63, uint64_t{0x8123456789abcdef}}) {
    auto page = RedisListPage(scan, c, limits);
    ASSERT_TRUE(page.ok()) << c;
    EXPECT_LE(page->keys.size(), 7u) << c;
  }
}

// Without changes, a walk gives each key exactly once: a small hash cut into pages, a table
// walked within the page bytes, and a table walked one key at a time.
TEST(RedisListCursorTest, WithoutChangesEveryKeyComesExactlyOnce) {
  struct Case {
    int keys;
    size_t pad;  // key bytes beyond `k<n>`
    uint32_t page_keys, page_bytes;
    bool compact;
  };
  for (const Case& c : {Case{100, 0, 7, 262144, true}, Case{3000, 70, 1000, 500, false},
                        Case{500, 0, 1, 262144, false}}) {
    FakeHash hash;
    for (auto& k : Keys(c.keys, "k", c.pad)) hash.Add(k);
    ASSERT_EQ(hash.compact(), c.compact) << c.keys;
    Limits limits;
    limits.list_page_keys = c.page_keys;
    limits.list_page_bytes = c.page_bytes;
    auto seen = Walk(hash, limits);
    EXPECT_EQ(seen.size(), static_cast<size_t>(c.keys));
    for (auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
  }
}

TEST(RedisListCursorTest, AKeyLongerThanThePageBytesComesAlone) {
  FakeHash hash;
  for (auto& k : {std::string(500, 'a'), std::string("b"), std::string(300, 'c')}) hash.Add(k);
  Limits limits;
  limits.list_page_bytes = 100;
  auto seen = Walk(hash, limits);
  EXPECT_EQ(seen.size(), 3u);
}

// While the hash changes between pages (keys added and deleted, the table growing, shrinking, and
// growing out of the compact encoding), every key present for the whole walk comes at least once.
TEST(RedisListCursorTest, NoKeyPresentForTheWholeWalkIsLostWhateverChanges) {
  int duplicates = 0, walks = 0;
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    std::mt19937 rng(seed);
    FakeHash hash;
    std::vector<std::string> stable = Keys(20 + rng() % 300, "stable-" + std::to_string(seed) + "-");
    for (auto& k : stable) hash.Add(k);
    std::vector<std::string> churn;
    int added = 0;
    Limits limits;
    // Pages of one or two keys cut buckets often, which is where the cursor is most exposed.
    limits.list_page_keys = seed % 2 == 0 ? 1 + rng() % 2 : 1 + rng() % 20;
    limits.list_page_bytes = 30 + rng() % 400;
    auto seen = Walk(hash, limits, [&](int) {
      switch (rng() % 4) {
        case 0:  // a burst of new keys: the table grows
          for (uint32_t i = rng() % 400; i > 0; --i) {
            churn.push_back("churn-" + std::to_string(added++));
            hash.Add(churn.back());
          }
          break;
        case 1:  // most of them gone again: the table shrinks
          while (churn.size() > 2) hash.Remove(churn.back()), churn.pop_back();
          break;
        case 2:  // a key too long for the compact encoding
          hash.Add(std::string(80, 'L') + std::to_string(added++));
          break;
        default:  // a few changes
          if (!churn.empty()) hash.Remove(churn.front()), churn.erase(churn.begin());
          churn.push_back("churn-" + std::to_string(added++));
          hash.Add(churn.back());
      }
    });
    for (auto& k : stable) {
      EXPECT_GE(seen[k], 1) << k << " (seed " << seed << ")";
      duplicates += seen[k] > 1 ? seen[k] - 1 : 0;
    }
    ++walks;
  }
  // Repeats are allowed (Redis's walk has them too), but they stay the exception.
  EXPECT_LT(duplicates, walks * 100) << duplicates << " repeats in " << walks << " walks";
}

// Three keys stay in bucket 0 whatever the table's size, read in pages of one key, while between
// pages 60 keys come and go, so that the table grows and shrinks every time: the walk, which
// would go round between the two sizes, ends, and the three keys come.
TEST(RedisListCursorTest, AWalkEndsWhileTheTableSwingsBetweenTwoSizes) {
  std::vector<std::string> three;
  for (int i = 0; three.size() < 3; ++i) {
    std::string k = "s" + std::to_string(i);
    if ((FakeHash::Hash(k) & 63) == 0) three.push_back(k);
  }
  FakeHash hash;
  for (auto& k : three) hash.Add(k);
  for (int i = 0; i < 200; ++i) hash.Add("c" + std::to_string(i));  // out of the compact encoding
  for (int i = 0; i < 200; ++i) hash.Remove("c" + std::to_string(i));
  ASSERT_FALSE(hash.compact());
  Limits limits;
  limits.list_page_keys = 1;
  int swings = 0;
  auto seen = Walk(hash, limits, [&](int page) {
    if (page > 1000) return;  // Walk reports a walk that does not end
    ++swings;
    for (int i = 0; i < 60; ++i) {
      std::string k = "g" + std::to_string(i);
      if (page % 2 == 1) {
        hash.Add(k);
      } else {
        hash.Remove(k);
      }
    }
  }, /*within_limits=*/false);  // the bucket that breaks the circle comes whole
  EXPECT_LT(swings, 1000) << "the walk did not end while the table swung";
  for (auto& k : three) EXPECT_GE(seen[k], 1) << k;
}

TEST(RedisListCursorTest, AServerCursorBeyond63BitsIsAnErrorNotAMisreadPlace) {
  RedisScan scan = [](uint64_t, uint32_t) -> util::Result<RedisScanBatch> {
    return RedisScanBatch{{"a"}, uint64_t{1} << 63};
  };
  auto page = RedisListPage(scan, std::nullopt, Limits{});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), util::Code::kUnsupported);
}

TEST(RedisListCursorTest, AServerThatNeverEndsItsWalkIsAnErrorNotALoop) {
  RedisScan scan = [](uint64_t, uint32_t) -> util::Result<RedisScanBatch> {
    return RedisScanBatch{{}, 7};  // empty batches, for ever
  };
  auto page = RedisListPage(scan, std::nullopt, Limits{});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), util::Code::kUnsupported);
}

}  // namespace
}  // namespace kv

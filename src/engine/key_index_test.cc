#include "engine/key_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace kv {
namespace {

// Random puts and erases against std::map, through many growths and tombstones.
TEST(KeyIndexTest, AgreesWithAMapThroughGrowthAndDeletion) {
  KeyIndex index;
  std::map<std::string, uint64_t> model;
  std::mt19937 rng(11);
  for (int step = 0; step < 200000; ++step) {
    std::string key = "k" + std::to_string(rng() % 5000);
    if (rng() % 3 == 0) {
      uint32_t had = index.Erase(key);
      EXPECT_EQ(had != 0, model.erase(key) == 1);
    } else {
      uint64_t offset = step + 1;
      index.Put(key, offset, 1, 10, 0);
      model[key] = offset;
    }
  }
  EXPECT_EQ(index.live(), model.size());
  for (const auto& [key, offset] : model) {
    size_t i = index.Find(key);
    ASSERT_NE(i, KeyIndex::kNone) << key;
    EXPECT_EQ(index.entries()[i].value_offset, offset);
    EXPECT_EQ(index.KeyOf(index.entries()[i]), key);
  }
  EXPECT_EQ(index.Find("absent"), KeyIndex::kNone);
  size_t live = 0;
  for (const auto& e : index.entries()) live += e.live;
  EXPECT_EQ(live, model.size());
}

TEST(KeyIndexTest, AnOverwriteKeepsTheEntryAndReportsTheOldSize) {
  KeyIndex index;
  EXPECT_EQ(index.Put("a", 1, 1, 20, 0), 0u);
  EXPECT_EQ(index.Put("b", 2, 1, 20, 0), 0u);
  size_t entry = KeyIndex::kNone;
  EXPECT_EQ(index.Put("a", 3, 5, 30, 7, &entry), 20u);
  EXPECT_EQ(entry, 0u);
  EXPECT_EQ(index.Find("a"), 0u);
  EXPECT_EQ(index.entries()[0].value_offset, 3u);
  EXPECT_EQ(index.entries()[0].stamp, 7u);
  index.Put("c", 4, 1, 20, 8, &entry);
  EXPECT_EQ(entry, 2u);
  EXPECT_EQ(index.Erase("a"), 30u);
  EXPECT_EQ(index.Erase("a"), 0u);
  EXPECT_EQ(index.Put("", 9, 0, 5, 0), 0u);  // the empty key
  EXPECT_NE(index.Find(""), KeyIndex::kNone);
}

}  // namespace
}  // namespace kv

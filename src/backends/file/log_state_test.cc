#include "backends/file/log_state.h"

#include <gtest/gtest.h>

namespace kv::file {
namespace {

using Kind = LogState::Kind;

TEST(LogStateTest, StartsUnreadAndIsCurrentOnceReadWhole) {
  LogState s;
  EXPECT_EQ(s.kind(), Kind::kUnread);
  EXPECT_EQ(s.epoch(), 0u);
  s.ReadWhole();
  EXPECT_EQ(s.kind(), Kind::kCurrent);
  s.KeptAt(7);
  EXPECT_EQ(s.epoch(), 7u);
}

TEST(LogStateTest, OnlyACurrentIndexIsTiedToAnEpoch) {
  LogState s;
  s.KeptAt(3);  // unread: nothing to tie
  EXPECT_EQ(s.epoch(), 0u);
  s.ReadToTornWrite();
  s.KeptAt(4);  // a torn tail waits for a holder of the lock: never skip catching up
  EXPECT_EQ(s.kind(), Kind::kTorn);
  EXPECT_EQ(s.epoch(), 0u);
  s.Repaired();
  EXPECT_EQ(s.epoch(), 0u);  // repaired, but not yet tied
  s.KeptAt(5);
  EXPECT_EQ(s.epoch(), 5u);
  s.Unread();  // a catch-up begins: the tie ends with it
  EXPECT_EQ(s.epoch(), 0u);
}

TEST(LogStateTest, BrokenIsFinal) {
  LogState s;
  s.ReadWhole();
  s.Break(util::IOError("a sync failed"));
  EXPECT_TRUE(s.broken());
  EXPECT_EQ(s.failure().message(), "a sync failed");
  s.ReadWhole();
  s.Repaired();
  s.Unread();
  s.KeptAt(9);
  EXPECT_TRUE(s.broken());
  EXPECT_EQ(s.epoch(), 0u);
}

}  // namespace
}  // namespace kv::file

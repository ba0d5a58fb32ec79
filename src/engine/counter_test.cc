#include "engine/counter.h"

#include <gtest/gtest.h>

#include "engine/types.h"

namespace kv {
namespace {

TEST(CounterTest, ParsesDecimal) {
  EXPECT_EQ(*ParseCounter("k", AsBytes("0")), 0u);
  EXPECT_EQ(*ParseCounter("k", AsBytes("42")), 42u);
  EXPECT_EQ(*ParseCounter("k", AsBytes("18446744073709551615")), UINT64_MAX);
}

TEST(CounterTest, RejectsWhatIsNotAnUnsignedDecimal) {
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "01", "1.0", "abc",
                          "18446744073709551616", "99999999999999999999999"}) {
    auto r = ParseCounter("key", AsBytes(bad));
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), util::Code::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("`key`"), std::string::npos) << r.status().message();
  }
  const uint8_t binary[] = {0, 1, 2};
  EXPECT_FALSE(ParseCounter("k", binary).ok());
}

TEST(CounterTest, AddDetectsOverflow) {
  EXPECT_EQ(*AddToCounter("k", 1, 2), 3u);
  EXPECT_EQ(*AddToCounter("k", UINT64_MAX - 1, 1), UINT64_MAX);
  auto r = AddToCounter("k", UINT64_MAX, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("overflow"), std::string::npos);
}

TEST(CounterTest, FormatsDecimal) {
  EXPECT_EQ(FormatCounter(0), "0");
  EXPECT_EQ(FormatCounter(UINT64_MAX), "18446744073709551615");
}

}  // namespace
}  // namespace kv

#include "kv/engine/counter.h"

#include <gtest/gtest.h>

#include "kv/engine/types.h"

namespace kv {
namespace {

TEST(CounterTest, ParsesDecimal) {
  EXPECT_EQ(*ParseCounter("k", AsBytes("0")), 0);
  EXPECT_EQ(*ParseCounter("k", AsBytes("42")), 42);
  EXPECT_EQ(*ParseCounter("k", AsBytes("-42")), -42);
  EXPECT_EQ(*ParseCounter("k", AsBytes("18446744073709551615")), kCounterMax);
  EXPECT_EQ(*ParseCounter("k", AsBytes("-9223372036854775808")), kCounterMin);
}

TEST(CounterTest, RejectsWhatIsNotADecimalInteger) {
  for (const char* bad : {"", "-", "-0", "--1", "+1", " 1", "1 ", "0x10", "01", "-01", "1.0",
                          "abc", "18446744073709551616", "-9223372036854775809",
                          "99999999999999999999999", "-99999999999999999999999999999999999999999"}) {
    auto r = ParseCounter("key", AsBytes(bad));
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), util::Code::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("`key`"), std::string::npos) << r.status().message();
  }
  const uint8_t binary[] = {0, 1, 2};
  EXPECT_FALSE(ParseCounter("k", binary).ok());
}

TEST(CounterTest, EachRangeRefusesWhatItsTypeCannotCarry) {
  using enum CounterRange;
  EXPECT_EQ(*AddToCounter("k", 1, 2, kUnsigned64), 3);
  EXPECT_EQ(*AddToCounter("k", -5, 7, kUnsigned64), 2);
  EXPECT_EQ(*AddToCounter("k", kCounterMax - 1, 1, kUnsigned64), kCounterMax);
  EXPECT_FALSE(AddToCounter("k", kCounterMax, 1, kUnsigned64).ok());
  EXPECT_FALSE(AddToCounter("k", -5, 4, kUnsigned64).ok());

  EXPECT_EQ(*AddToCounter("k", 5, -7, kSigned64), -2);
  EXPECT_EQ(*AddToCounter("k", INT64_MAX, 0, kSigned64), INT64_MAX);
  EXPECT_EQ(*AddToCounter("k", INT64_MIN, 0, kSigned64), INT64_MIN);
  // A draft counter above 2^63-1 can be brought back into range, not read as it is.
  EXPECT_EQ(*AddToCounter("k", CounterValue(INT64_MAX) + 1, -1, kSigned64), INT64_MAX);
  auto r = AddToCounter("k", CounterValue(INT64_MAX) + 1, 0, kSigned64);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("overflow"), std::string::npos);
  EXPECT_NE(r.status().message().find("9223372036854775808"), std::string::npos);
  EXPECT_FALSE(AddToCounter("k", INT64_MIN, -1, kSigned64).ok());
  EXPECT_FALSE(AddToCounter("k", INT64_MAX, 1, kSigned64).ok());
}

TEST(CounterTest, FormatsDecimal) {
  EXPECT_EQ(FormatCounter(0), "0");
  EXPECT_EQ(FormatCounter(-1), "-1");
  EXPECT_EQ(FormatCounter(kCounterMax), "18446744073709551615");
  EXPECT_EQ(FormatCounter(kCounterMin), "-9223372036854775808");
  for (const char* text : {"0", "7", "-7", "18446744073709551615", "-9223372036854775808"}) {
    EXPECT_EQ(FormatCounter(*ParseCounter("k", AsBytes(text))), text);
  }
}

}  // namespace
}  // namespace kv

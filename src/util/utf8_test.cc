#include "util/utf8.h"

#include <gtest/gtest.h>

#include "kv/util/status.h"

namespace util {
namespace {

TEST(Utf8, ValidAndInvalid) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("ключ-鍵-🔑"));
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));    // U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xC3"));               // cut
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));           // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));       // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));       // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));   // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\x80"));               // a lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(Utf8, PrefixNeverEndsInsideACharacter) {
  const std::string text = "ab\xC3\xA9" "cd\xF0\x9F\x94\x91";  // a b é c d 🔑
  EXPECT_EQ(Utf8PrefixLength(text, 100), text.size());
  EXPECT_EQ(Utf8PrefixLength(text, 2), 2u);
  EXPECT_EQ(Utf8PrefixLength(text, 3), 2u);  // inside é
  EXPECT_EQ(Utf8PrefixLength(text, 4), 4u);
  for (size_t n = 7; n < 10; ++n) EXPECT_EQ(Utf8PrefixLength(text, n), 6u);  // inside 🔑
  for (size_t n = 0; n <= text.size(); ++n) {
    EXPECT_TRUE(IsValidUtf8(std::string_view(text).substr(0, Utf8PrefixLength(text, n)))) << n;
  }
}

TEST(Utf8, ReplacesEachInvalidSubpart) {
  EXPECT_EQ(ToValidUtf8("fine é"), "fine é");
  EXPECT_EQ(ToValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  // A truncated three-byte sequence is one invalid subpart, then `b`.
  EXPECT_EQ(ToValidUtf8("a\xE2\x82" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ToValidUtf8("\xC3"), "\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(ToValidUtf8("\xED\xA0\x80\xC0\xAF\xF4\x90")));
}

TEST(Utf8, QuotedCutsAtACharacterBoundary) {
  // `é` spans bytes 63 and 64 of the name: the quoted form keeps 63 bytes and says it was cut.
  const std::string name = std::string(63, 'k') + "\xC3\xA9" + std::string(10, 'k');
  const std::string q = Quoted(name);
  EXPECT_TRUE(IsValidUtf8(q)) << q;
  EXPECT_EQ(q, "`" + std::string(63, 'k') + "...`");
  EXPECT_EQ(Quoted("short"), "`short`");
}

}  // namespace
}  // namespace util

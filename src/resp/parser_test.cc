#include "kv/resp/parser.h"

#include <gtest/gtest.h>

#include "kv/resp/encoder.h"

namespace resp {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A reply stream with every type, nesting, empty and binary bulk strings.
const std::string kStream =
    "+OK\r\n"
    "-ERR wrong type\r\n"
    ":-42\r\n"
    "$5\r\nhe\r\no\r\n"
    "$0\r\n\r\n"
    "$-1\r\n"
    "*2\r\n$1\r\n0\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n:7\r\n"
    "*0\r\n"
    "*-1\r\n";

void CheckStream(std::vector<Reply>& got) {
  ASSERT_EQ(got.size(), 9u);
  EXPECT_EQ(got[0].type, Reply::Type::kSimple);
  EXPECT_EQ(got[0].text, "OK");
  EXPECT_TRUE(got[1].is_error());
  EXPECT_EQ(got[1].text, "ERR wrong type");
  EXPECT_EQ(got[2].integer, -42);
  EXPECT_EQ(got[3].text, "he\r\no");
  EXPECT_EQ(got[4].type, Reply::Type::kBulk);
  EXPECT_EQ(got[4].text, "");
  EXPECT_EQ(got[5].type, Reply::Type::kNil);
  ASSERT_EQ(got[6].elements.size(), 2u);
  EXPECT_EQ(got[6].elements[1].elements[2].integer, 7);
  EXPECT_EQ(got[7].type, Reply::Type::kArray);
  EXPECT_TRUE(got[7].elements.empty());
  EXPECT_EQ(got[8].type, Reply::Type::kNil);
}

TEST(ReplyParserTest, ParsesEveryTypeAtOnce) {
  ReplyParser p;
  p.Feed(Bytes(kStream));
  std::vector<Reply> got;
  Reply r;
  while (p.Next(&r) == ParseState::kComplete) got.push_back(r);
  CheckStream(got);
  EXPECT_EQ(p.buffered(), 0u);
}

TEST(ReplyParserTest, EverySplitPointGivesTheSameReplies) {
  for (size_t cut = 0; cut <= kStream.size(); ++cut) {
    ReplyParser p;
    std::vector<Reply> got;
    Reply r;
    p.Feed(Bytes(std::string_view(kStream).substr(0, cut)));
    while (p.Next(&r) == ParseState::kComplete) got.push_back(r);
    p.Feed(Bytes(std::string_view(kStream).substr(cut)));
    ParseState s;
    while ((s = p.Next(&r)) == ParseState::kComplete) got.push_back(r);
    ASSERT_EQ(s, ParseState::kNeedMore) << cut;
    CheckStream(got);
  }
}

TEST(ReplyParserTest, ByteByByte) {
  ReplyParser p;
  std::vector<Reply> got;
  Reply r;
  for (char c : kStream) {
    p.Feed(Bytes(std::string_view(&c, 1)));
    while (p.Next(&r) == ParseState::kComplete) got.push_back(r);
  }
  CheckStream(got);
}

// Parse, fed in pieces of every size, with the replies wanted one at a time or all at once, gives
// the same replies as the whole stream.
TEST(ReplyParserTest, ParseInPiecesGivesTheSameReplies) {
  for (size_t piece = 1; piece <= kStream.size(); ++piece) {
    for (size_t want_step : {size_t{1}, size_t{9}}) {
      ReplyParser p;
      std::vector<Reply> got;
      size_t want = want_step;
      for (size_t at = 0; at < kStream.size(); at += piece) {
        auto bytes = Bytes(std::string_view(kStream).substr(at, piece));
        while (p.Parse(bytes, &got, want) == ParseState::kComplete && want < 9) {
          want += want_step;
          bytes = {};
        }
      }
      while (got.size() < 9 && p.Parse({}, &got, got.size() + 1) == ParseState::kComplete) {
      }
      CheckStream(got);
      EXPECT_EQ(p.buffered(), 0u) << piece;
    }
  }
}

// A large reply fed in reads of 16 KiB is taken in as it arrives: the parser keeps at most an
// unfinished header line between reads, not the reply so far (which it used to parse again from
// its start at every read: quadratic in the reply's size).
TEST(ReplyParserTest, ALargeReplyIsNotKeptWholeBetweenReads) {
  const size_t kValues = 2000;
  std::string stream = "*" + std::to_string(kValues) + "\r\n";
  for (size_t i = 0; i < kValues; ++i) stream += "$1024\r\n" + std::string(1024, 'a' + i % 26) + "\r\n";
  ReplyParser p;
  std::vector<Reply> got;
  size_t most_kept = 0;
  for (size_t at = 0; at < stream.size(); at += 16384) {
    p.Feed(Bytes(std::string_view(stream).substr(at, 16384)));
    Reply r;
    ParseState s = p.Next(&r);
    if (s == ParseState::kComplete) got.push_back(std::move(r));
    most_kept = std::max(most_kept, p.buffered());
    EXPECT_EQ(s, at + 16384 >= stream.size() ? ParseState::kComplete : ParseState::kNeedMore);
  }
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].elements.size(), kValues);
  EXPECT_EQ(got[0].elements[kValues - 1].text, std::string(1024, 'a' + (kValues - 1) % 26));
  EXPECT_LT(most_kept, 16u) << "the parser kept bytes it had already read";
}

TEST(ReplyParserTest, MalformedInputIsAnErrorNotACrash) {
  for (std::string bad : {"?x\r\n", ":12a\r\n", "$-2\r\n", "$3\r\nabcXY", "*-5\r\n", ":\r\n"}) {
    ReplyParser p;
    p.Feed(Bytes(bad));
    Reply r;
    EXPECT_EQ(p.Next(&r), ParseState::kError) << bad;
    EXPECT_FALSE(p.error().empty());
    EXPECT_EQ(p.Next(&r), ParseState::kError) << "an error is final";
  }
}

TEST(ReplyParserTest, LimitsAreEnforced) {
  ParserLimits limits;
  limits.max_depth = 2;
  limits.max_elements = 3;
  limits.max_bulk_bytes = 4;
  limits.max_line_bytes = 10;
  for (std::string bad : std::vector<std::string>{"*1\r\n*1\r\n*1\r\n:1\r\n", "*4\r\n", "$5\r\n",
                                                  "+" + std::string(20, 'x')}) {
    ReplyParser p(limits);
    p.Feed(Bytes(bad));
    Reply r;
    EXPECT_EQ(p.Next(&r), ParseState::kError) << bad;
  }
  // The line limit counts a line's text, not its type byte; fed in pieces as well as whole.
  for (size_t piece : {size_t{1}, size_t{64}}) {
    for (size_t text : {size_t{10}, size_t{11}}) {
      ReplyParser p(limits);
      std::string line = "+" + std::string(text, 'x') + "\r\n";
      std::vector<Reply> got;
      ParseState s = ParseState::kNeedMore;
      for (size_t at = 0; at < line.size() && s == ParseState::kNeedMore; at += piece) {
        s = p.Parse(Bytes(std::string_view(line).substr(at, piece)), &got, 1);
      }
      EXPECT_EQ(s, text <= 10 ? ParseState::kComplete : ParseState::kError) << text << " " << piece;
    }
  }
  ReplyParser huge;  // a count far above what follows allocates nothing up front
  huge.Feed(Bytes("*1000000\r\n"));
  Reply r;
  EXPECT_EQ(huge.Next(&r), ParseState::kNeedMore);
}

TEST(EncoderTest, EncodesBulkStringArrays) {
  std::vector<uint8_t> out;
  const std::string_view args[] = {"HSET", "wasi-kv:", "", std::string_view("a\0b", 3)};
  EncodeCommand(args, out);
  static const char kWant[] = "*4\r\n$4\r\nHSET\r\n$8\r\nwasi-kv:\r\n$0\r\n\r\n$3\r\na\0b\r\n";
  EXPECT_EQ(std::string(out.begin(), out.end()), std::string(kWant, sizeof kWant - 1));
}

}  // namespace
}  // namespace resp

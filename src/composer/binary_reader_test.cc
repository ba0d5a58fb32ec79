#include "composer/binary_reader.h"

#include <gtest/gtest.h>

#include <vector>

#include "composer/binary_writer.h"

namespace composer {
namespace {

BinaryReader Over(const std::vector<uint8_t>& bytes, uint64_t base = 0) {
  return BinaryReader(bytes, base);
}

TEST(BinaryReaderTest, U32RoundTripsThroughTheWriter) {
  for (uint32_t v : {0u, 1u, 127u, 128u, 300u, 0xffffu, 0x0fffffffu, 0xffffffffu}) {
    BinaryWriter w;
    w.U32(v);
    std::vector<uint8_t> bytes = w.bytes();
    BinaryReader r = Over(bytes);
    auto got = r.ReadU32("v");
    ASSERT_TRUE(got.ok()) << v;
    EXPECT_EQ(*got, v);
    EXPECT_TRUE(r.done());
  }
}

TEST(BinaryReaderTest, S33RoundTripsThroughTheWriter) {
  for (int64_t v : {int64_t{0}, int64_t{63}, int64_t{64}, int64_t{-1}, int64_t{-64}, int64_t{-65},
                    int64_t{4294967295}, int64_t{-4294967296}}) {
    BinaryWriter w;
    w.S33(v);
    std::vector<uint8_t> bytes = w.bytes();
    BinaryReader r = Over(bytes);
    auto got = r.ReadS33("v");
    ASSERT_TRUE(got.ok()) << v << ": " << got.status().ToString();
    EXPECT_EQ(*got, v);
  }
  // A type index of 64 needs two bytes: a single 0x40 would read as a negative opcode.
  BinaryWriter w;
  w.S33(64);
  EXPECT_EQ(w.bytes(), (std::vector<uint8_t>{0xc0, 0x00}));
}

TEST(BinaryReaderTest, RejectsOverlongAndOutOfRangeLeb) {
  std::vector<uint8_t> six = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  EXPECT_FALSE(Over(six).ReadU32("v").ok());
  std::vector<uint8_t> too_big = {0xff, 0xff, 0xff, 0xff, 0x1f};  // 2^35 - 1
  EXPECT_FALSE(Over(too_big).ReadU32("v").ok());
  std::vector<uint8_t> s33_too_big = {0xff, 0xff, 0xff, 0xff, 0x3f};
  EXPECT_FALSE(Over(s33_too_big).ReadS33("v").ok());
}

TEST(BinaryReaderTest, ErrorsCarryTheAbsoluteOffset) {
  std::vector<uint8_t> bytes = {0x05, 'a', 'b'};  // a name of 5 bytes with 2 present
  BinaryReader r = Over(bytes, 0x100);
  auto name = r.ReadName("import name");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.status().offset(), 0x101u);
  EXPECT_NE(name.status().ToString().find("import name"), std::string::npos);
  EXPECT_NE(name.status().ToString().find("(at offset 0x101)"), std::string::npos);
}

TEST(BinaryReaderTest, NamesMustBeUtf8) {
  std::vector<uint8_t> ok = {0x03, 0xe2, 0x82, 0xac};  // "€"
  EXPECT_TRUE(Over(ok).ReadName("n").ok());
  for (std::vector<uint8_t> bad : {std::vector<uint8_t>{0x01, 0xff},
                                   {0x02, 0xc0, 0x80},
                                   {0x01, 0xe2},
                                   {0x03, 0xed, 0xa0, 0x80}}) {
    EXPECT_FALSE(Over(bad).ReadName("n").ok());
  }
}

TEST(BinaryReaderTest, CountsAreCheckedAgainstTheBytesLeft) {
  std::vector<uint8_t> bytes = {0xff, 0xff, 0x03, 0x00};  // 65535 elements in 1 byte
  EXPECT_FALSE(Over(bytes).ReadCount("items").ok());
}

}  // namespace
}  // namespace composer

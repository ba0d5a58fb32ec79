#include "kv/util/status.h"

#include <gtest/gtest.h>

#include "kv/util/result.h"

namespace util {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, OffsetAndContextAppearInText) {
  Status s = Corruption("bad section").AtOffset(0x1a).WithContext("reading `x.wasm`");
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_EQ(s.offset(), 0x1au);
  EXPECT_EQ(s.ToString(), "reading `x.wasm`: bad section (at offset 0x1a)");
}

TEST(StatusTest, ContextLeavesOkAlone) { EXPECT_TRUE(Status::Ok().WithContext("anything").ok()); }

TEST(StatusTest, QuotedCutsLongNames) {
  EXPECT_EQ(Quoted("a"), "`a`");
  EXPECT_EQ(Quoted(std::string(100, 'k')), "`" + std::string(64, 'k') + "...`");
}

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument("odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  ASSIGN_OR_RETURN(int half, Half(n));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(ResultTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd");
}

TEST(ResultTest, OkStatusIsNotAValue) {
  Result<int> r(Status::Ok());
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.status().ok());
}

}  // namespace
}  // namespace util

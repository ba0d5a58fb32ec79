// Built with assertions on (CMakeLists.txt: -UNDEBUG for this file), so that the debug check of
// Result's constructor runs here whatever the build type.
#include "kv/util/result.h"

#include <gtest/gtest.h>

#include <string>

namespace util {
namespace {

TEST(ResultTest, HoldsAValueOrAnError) {
  Result<std::string> value(std::string("v"));
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "v");
  EXPECT_TRUE(value.status().ok());
  Result<std::string> error(NotFound("gone"));
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), Code::kNotFound);
  EXPECT_EQ(std::move(error).take_status().message(), "gone");
}

TEST(ResultDeathTest, AnOkStatusIsAProgrammingError) {
  EXPECT_DEATH({ Result<int> r(Status::Ok()); (void)r; }, "OK status");
}

TEST(ResultDeathTest, TheValueOfAnErrorIsNeverRead) {
  EXPECT_DEATH({ Result<int> r(IOError("x")); (void)*r; }, "");
}

}  // namespace
}  // namespace util

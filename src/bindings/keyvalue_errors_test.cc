#include "bindings/keyvalue_errors.h"

#include <gtest/gtest.h>

namespace bindings::keyvalue {
namespace {

TEST(KeyValueErrors, NotFoundIsNoSuchStoreOnlyWhenOpeningABucket) {
  util::Status missing = util::NotFound("open `x`: not in the bucket allow-list");
  EXPECT_EQ(ToWitError(missing, Call::kOpenBucket).index(), kNoSuchStore);
  // From a get or a set, a missing thing is the provider's own failure.
  Error::Value other = ToWitError(missing, Call::kOther);
  ASSERT_EQ(other.index(), kOther);
  EXPECT_EQ(std::get<kOther>(other), missing.ToString());
}

TEST(KeyValueErrors, PermissionDeniedIsAccessDenied) {
  util::Status refused(util::Code::kPermissionDenied, "redis 127.0.0.1:6379: WRONGPASS");
  EXPECT_EQ(ToWitError(refused, Call::kOpenBucket).index(), kAccessDenied);
  EXPECT_EQ(ToWitError(refused, Call::kOther).index(), kAccessDenied);
}

TEST(KeyValueErrors, EveryOtherCodeIsOtherWithValidUtf8Text) {
  Error::Value other = ToWitError(util::Corruption("log `a\xff`: bad record"), Call::kOpenBucket);
  ASSERT_EQ(other.index(), kOther);
  EXPECT_EQ(std::get<kOther>(other).find('\xff'), std::string::npos);
  EXPECT_NE(std::get<kOther>(other).find("bad record"), std::string::npos);
}

TEST(KeyValueErrors, WitErrorsComeBackAsGenericCodes) {
  EXPECT_EQ(FromWitError(Error::Value(std::in_place_index<kNoSuchStore>)).code(),
            util::Code::kNotFound);
  EXPECT_EQ(FromWitError(Error::Value(std::in_place_index<kAccessDenied>)).code(),
            util::Code::kPermissionDenied);
  util::Status other = FromWitError(Error::Value(std::in_place_index<kOther>, "disk full"));
  EXPECT_EQ(other.code(), util::Code::kUnknown);
  EXPECT_EQ(other.message(), "disk full");
}

}  // namespace
}  // namespace bindings::keyvalue

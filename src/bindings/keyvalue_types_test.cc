// The wasi:keyvalue@0.2.0-draft layouts, checked against the WIT by the canonical ABI's rules (docs/canonical-abi.md, "Values").
#include "bindings/keyvalue_types.h"

#include <gtest/gtest.h>

namespace bindings::keyvalue {
namespace {

using cabi::Layout;

TEST(KeyValueTypesTest, Layouts) {
  EXPECT_EQ(Error::kLayout, (Layout{12, 4}));
  EXPECT_EQ(Error::kVariant.payload_offset, 4u);
  EXPECT_EQ(cabi::Option<cabi::U64>::kLayout, (Layout{16, 8}));
  EXPECT_EQ(cabi::Option<Bytes>::kLayout, (Layout{12, 4}));
  EXPECT_EQ(KeyResponse::kLayout, (Layout{24, 8}));
  EXPECT_EQ(KeyResponse::kOffset<1>, 8u);
  EXPECT_EQ(OpenResult::kLayout, (Layout{16, 4}));
  EXPECT_EQ(GetResult::kLayout, (Layout{16, 4}));
  EXPECT_EQ(UnitResult::kLayout, (Layout{16, 4}));
  EXPECT_EQ(BoolResult::kLayout, (Layout{16, 4}));
  EXPECT_EQ(ListKeysResult::kLayout, (Layout{32, 8}));
  EXPECT_EQ(ListKeysResult::kVariant.payload_offset, 8u);
  EXPECT_EQ(IncrementResult::kLayout, (Layout{24, 8}));
  EXPECT_EQ(KeyValue::kLayout, (Layout{16, 4}));
  EXPECT_EQ(cabi::Option<KeyValue>::kLayout, (Layout{20, 4}));
  // draft2
  EXPECT_EQ(KeyResponse2::kLayout, (Layout{20, 4}));
  EXPECT_EQ(KeyResponse2::kOffset<1>, 8u);
  EXPECT_EQ(ListKeysResult2::kLayout, (Layout{24, 4}));
  EXPECT_EQ(IncrementResult2::kLayout, (Layout{24, 8}));
  EXPECT_EQ(CasError::kLayout, (Layout{16, 4}));
  EXPECT_EQ(CasError::kVariant.payload_offset, 4u);
  EXPECT_EQ(SwapResult::kLayout, (Layout{20, 4}));
  EXPECT_EQ(SwapResult::kVariant.payload_offset, 4u);
}

TEST(KeyValueTypesTest, EveryResultReturnsThroughMemoryAndFitsTheReturnArea) {
  auto fits = [](Layout l) { return l.size <= kReturnAreaSize && l.align <= kReturnAreaAlign; };
  EXPECT_TRUE(fits(OpenResult::kLayout));
  EXPECT_TRUE(fits(GetResult::kLayout));
  EXPECT_TRUE(fits(ListKeysResult::kLayout));
  EXPECT_TRUE(fits(IncrementResult::kLayout));
  EXPECT_TRUE(fits(GetManyResult::kLayout));
  EXPECT_TRUE(fits(ListKeysResult2::kLayout));
  EXPECT_TRUE(fits(IncrementResult2::kLayout));
  EXPECT_TRUE(fits(SwapResult::kLayout));
  EXPECT_TRUE(cabi::kReturnsThroughMemory<SwapResult>);
  // draft2's list-keys takes (self, option<string>) flat: 1 + 3 values.
  EXPECT_EQ(cabi::Option<cabi::String>::kFlat, 3u);
  EXPECT_TRUE(cabi::kReturnsThroughMemory<OpenResult>);
  EXPECT_TRUE(cabi::kReturnsThroughMemory<UnitResult>);
  EXPECT_TRUE(cabi::kReturnsThroughMemory<ListKeysResult>);
  // list-keys takes (self, option<u64>) flat: 1 + 2 values.
  EXPECT_EQ(cabi::Option<cabi::U64>::kFlat, 2u);
}

}  // namespace
}  // namespace bindings::keyvalue

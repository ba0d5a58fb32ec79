#include "abi/layout.h"

#include <gtest/gtest.h>

namespace cabi {
namespace {

TEST(LayoutTest, Scalars) {
  EXPECT_EQ(Bool::kLayout, (Layout{1, 1}));
  EXPECT_EQ(U16::kLayout, (Layout{2, 2}));
  EXPECT_EQ(U64::kLayout, (Layout{8, 8}));
  EXPECT_EQ(Handle::kLayout, (Layout{4, 4}));
  EXPECT_EQ(String::kLayout, (Layout{8, 4}));
  EXPECT_EQ(List<U64>::kLayout, (Layout{8, 4}));
  EXPECT_EQ(String::kFlat, 2u);
}

TEST(LayoutTest, RecordsAlignEachFieldAndPadTheEnd) {
  using R = Tuple<U8, U64, U16>;
  EXPECT_EQ(R::kOffset<0>, 0u);
  EXPECT_EQ(R::kOffset<1>, 8u);
  EXPECT_EQ(R::kOffset<2>, 16u);
  EXPECT_EQ(R::kLayout, (Layout{24, 8}));
  EXPECT_EQ(R::kFlat, 3u);
  using Packed = Tuple<U8, U8, U16>;
  EXPECT_EQ(Packed::kOffset<2>, 2u);
  EXPECT_EQ(Packed::kLayout, (Layout{4, 2}));
  EXPECT_EQ(Tuple<>::kLayout, (Layout{0, 1}));
}

TEST(LayoutTest, VariantsPutThePayloadAtTheLargestCaseAlignment) {
  using V = Variant<Unit, U8, U64>;
  EXPECT_EQ(V::kVariant.discriminant_size, 1u);
  EXPECT_EQ(V::kVariant.payload_offset, 8u);
  EXPECT_EQ(V::kLayout, (Layout{16, 8}));
  using Small = Variant<Unit, U8>;
  EXPECT_EQ(Small::kVariant.payload_offset, 1u);
  EXPECT_EQ(Small::kLayout, (Layout{2, 1}));
  using Enum = Variant<Unit, Unit, Unit>;
  EXPECT_EQ(Enum::kLayout, (Layout{1, 1}));
  EXPECT_EQ(Enum::kFlat, 1u);
}

TEST(LayoutTest, DiscriminantGrowsWithCaseCount) {
  EXPECT_EQ(DiscriminantSize(2), 1u);
  EXPECT_EQ(DiscriminantSize(256), 1u);
  EXPECT_EQ(DiscriminantSize(257), 2u);
  EXPECT_EQ(DiscriminantSize(65536), 2u);
  EXPECT_EQ(DiscriminantSize(65537), 4u);
}

TEST(LayoutTest, OptionAndResult) {
  EXPECT_EQ(Option<U64>::kLayout, (Layout{16, 8}));
  EXPECT_EQ(Option<U64>::kVariant.payload_offset, 8u);
  EXPECT_EQ(Option<U64>::kFlat, 2u);
  EXPECT_EQ(Option<String>::kLayout, (Layout{12, 4}));
  EXPECT_EQ((Result<Unit, Unit>::kLayout), (Layout{1, 1}));
  EXPECT_EQ((Result<U32, String>::kFlat), 3u);
}

TEST(LayoutTest, FlattenedVariantsTakeTheWidestCase) {
  // 1 discriminant + max(0, 2, 3) case values.
  using V = Variant<Unit, String, Tuple<U32, U32, U32>>;
  EXPECT_EQ(V::kFlat, 4u);
  EXPECT_TRUE(kReturnsThroughMemory<V>);
  EXPECT_FALSE(kReturnsThroughMemory<U64>);
}

}  // namespace
}  // namespace cabi

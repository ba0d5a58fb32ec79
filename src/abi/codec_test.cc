#include "abi/codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "abi/test_memory.h"

namespace cabi {
namespace {

// Stores `value` at a fresh address, loads it back, checks it, then releases it and checks that
// every allocation Store made was freed.
template <class D>
void RoundTrip(const typename D::Value& value) {
  TestMemory mem;
  uint32_t addr = mem.Allocate(D::kLayout.align, std::max(D::kLayout.size, 1u));
  Codec<D>::Store(mem, addr, value);
  EXPECT_EQ(Codec<D>::Load(mem, addr), value);
  Codec<D>::Release(mem, addr);
  EXPECT_EQ(mem.live_allocations(), 1u) << "Release left buffers allocated";
}

TEST(CodecTest, Scalars) {
  RoundTrip<Bool>(true);
  RoundTrip<U8>(200);
  RoundTrip<U32>(0xDEADBEEF);
  RoundTrip<S64>(-5);
  RoundTrip<U64>(UINT64_MAX);
}

TEST(CodecTest, StringsAndLists) {
  RoundTrip<String>("hello");
  RoundTrip<String>("");
  RoundTrip<String>(std::string("\0x\0", 3));
  RoundTrip<List<U8>>({0, 1, 255});
  RoundTrip<List<U8>>({});
  RoundTrip<List<String>>({"a", "", "ccc"});
  RoundTrip<List<U64>>({1, 2, 3});
}

TEST(CodecTest, NestedValues) {
  using KV = Tuple<String, List<U8>>;
  RoundTrip<List<Option<KV>>>({KV::Value{"k", {1, 2}}, std::nullopt, KV::Value{"", {}}});
  using Err = Variant<Unit, Unit, String>;
  RoundTrip<Result<Option<List<U8>>, Err>>(Result<Option<List<U8>>, Err>::Value(
      std::in_place_index<0>, std::optional<std::vector<uint8_t>>(std::vector<uint8_t>{9})));
  RoundTrip<Result<Unit, Err>>(
      Result<Unit, Err>::Value(std::in_place_index<1>, Err::Value(std::in_place_index<2>, "bad")));
  RoundTrip<Result<Unit, Err>>(
      Result<Unit, Err>::Value(std::in_place_index<1>, Err::Value(std::in_place_index<1>)));
  RoundTrip<Tuple<List<String>, Option<U64>>>({{"x", "y"}, 77});
}

TEST(CodecTest, EmptyBuffersUseTheAlignmentAsAddressAndAllocateNothing) {
  TestMemory mem;
  uint32_t addr = mem.Allocate(4, 8);
  Codec<String>::Store(mem, addr, "");
  EXPECT_EQ(LoadU32(mem, addr), 1u);
  EXPECT_EQ(LoadU32(mem, addr + 4), 0u);
  Codec<List<U64>>::Store(mem, addr, {});
  EXPECT_EQ(LoadU32(mem, addr), 8u);
  EXPECT_EQ(mem.live_allocations(), 1u);
  Codec<List<U64>>::Release(mem, addr);  // must not free address 8
  EXPECT_EQ(mem.live_allocations(), 1u);
}

TEST(CodecTest, PlacedBytesHandOverTheirBufferAndAreFreedLikeAList) {
  // option<list<u8>> whose bytes the producer already placed: storing copies nothing, the
  // buffer stays allocated for the caller, and the List<U8> release frees it.
  using Placed = Option<PlacedBytes>;
  static_assert(PlacedBytes::kLayout.size == List<U8>::kLayout.size);
  static_assert(PlacedBytes::kLayout.align == List<U8>::kLayout.align);
  TestMemory mem;
  uint32_t area = mem.Allocate(4, Placed::kLayout.size);
  uint32_t bytes = mem.Allocate(1, 3);
  std::memcpy(mem.At(bytes, 3), "abc", 3);
  Codec<Placed>::Store(mem, area, PlacedBytes::Value{bytes, 3});
  EXPECT_EQ(mem.live_allocations(), 2u);
  auto back = Codec<Option<List<U8>>>::Load(mem, area);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(std::string(back->begin(), back->end()), "abc");
  Codec<Option<List<U8>>>::Release(mem, area);
  EXPECT_EQ(mem.live_allocations(), 1u);
  Codec<Placed>::Store(mem, area, PlacedBytes::Value{});  // empty: nothing allocated or freed
  Codec<Placed>::Release(mem, area);
  EXPECT_EQ(mem.live_allocations(), 1u);
}

TEST(CodecTest, TakeLoadsAndReleases) {
  using R = Option<List<U8>>;
  TestMemory mem;
  uint32_t area = mem.Allocate(4, R::kLayout.size);
  Codec<R>::Store(mem, area, std::vector<uint8_t>{1, 2, 3});
  EXPECT_EQ(mem.live_allocations(), 2u);
  auto taken = Take<R>(mem, area);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(*taken, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(mem.live_allocations(), 1u);  // only the area itself
}

TEST(CodecTest, BytesLandWhereTheLayoutSays) {
  // result<u64, error>: discriminant at 0, payload at 8.
  using R = Result<U64, Variant<Unit, Unit, String>>;
  TestMemory mem;
  uint32_t addr = mem.Allocate(8, R::kLayout.size);
  Codec<R>::Store(mem, addr, R::Value(std::in_place_index<0>, uint64_t{0x0102030405060708}));
  const uint8_t* p = mem.At(addr, R::kLayout.size);
  EXPECT_EQ(p[0], 0);
  EXPECT_EQ(p[8], 0x08);
  EXPECT_EQ(p[15], 0x01);
  Codec<R>::Store(mem, addr,
                  R::Value(std::in_place_index<1>,
                           Variant<Unit, Unit, String>::Value(std::in_place_index<2>, "ab")));
  EXPECT_EQ(p[0], 1);
  EXPECT_EQ(p[8], 2);  // error::other
  uint32_t str = LoadU32(mem, addr + 12);
  EXPECT_EQ(LoadU32(mem, addr + 16), 2u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(mem.At(str, 2)), 2), "ab");
}

TEST(CodecTest, FlatListsLoadAndRelease) {
  TestMemory mem;
  using L = List<String>;
  uint32_t slot = mem.Allocate(4, 8);
  Codec<L>::Store(mem, slot, {"one", "two"});
  uint32_t ptr = LoadU32(mem, slot), len = LoadU32(mem, slot + 4);
  EXPECT_EQ(Codec<L>::LoadElements(mem, ptr, len), (L::Value{"one", "two"}));
  Codec<L>::ReleaseElements(mem, ptr, len);
  EXPECT_EQ(mem.live_allocations(), 1u);
}

}  // namespace
}  // namespace cabi

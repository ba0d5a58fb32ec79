// Canonical ABI type descriptors for wasm32, with their memory layout and flattened size.
//
// A descriptor is an empty struct naming a WIT type: cabi::String, cabi::List<cabi::U8>,
// cabi::Result<cabi::Option<cabi::List<cabi::U8>>, Error>. Each has
//   Value      the owning C++ type a lifted value becomes (std::string, std::vector, ...);
//   kLayout    its size and alignment in linear memory;
//   kFlat      how many core values it flattens to (docs/canonical-abi.md, "Values").
// Layouts are computed here, at compile time, for wasm32 whatever the host: pointers are 32-bit
// addresses. So the same numbers hold natively (unit tests) and in a component.
//
// Records are Tuples (identical layout); enums are Variants of Unit cases.
#ifndef ABI_LAYOUT_H_
#define ABI_LAYOUT_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace cabi {

struct Layout {
  uint32_t size;
  uint32_t align;
  friend constexpr bool operator==(Layout, Layout) = default;
};

constexpr uint32_t AlignTo(uint32_t offset, uint32_t align) {
  return (offset + align - 1) / align * align;
}

// Core value count above which the ABI passes parameters through memory.
inline constexpr uint32_t kMaxFlatParams = 16;
// Core value count above which the ABI returns results through memory.
inline constexpr uint32_t kMaxFlatResults = 1;

// ---- scalars ----

template <class T, uint32_t kSize>
struct Scalar {
  using Value = T;
  static constexpr Layout kLayout{kSize, kSize};
  static constexpr uint32_t kFlat = 1;
};
struct Bool : Scalar<bool, 1> {};
struct U8 : Scalar<uint8_t, 1> {};
struct U16 : Scalar<uint16_t, 2> {};
struct U32 : Scalar<uint32_t, 4> {};
struct S32 : Scalar<int32_t, 4> {};
struct U64 : Scalar<uint64_t, 8> {};
struct S64 : Scalar<int64_t, 8> {};

// The empty payload: a variant case without a type, or the `_` of result<_, E>.
struct Unit {
  using Value = std::monostate;
  static constexpr Layout kLayout{0, 1};
  static constexpr uint32_t kFlat = 0;
};

// A resource handle: own<R> and borrow<R> are both one i32 (an index into the handle table, or
// for a borrow of a resource the component itself implements, the representation).
struct Handle : Scalar<uint32_t, 4> {};

// ---- strings and lists: {ptr: u32, len: u32} ----

struct String {
  using Value = std::string;
  static constexpr Layout kLayout{8, 4};
  static constexpr uint32_t kFlat = 2;
};

template <class E>
struct List {
  using Element = E;
  using Value = std::vector<typename E::Value>;
  static constexpr Layout kLayout{8, 4};
  static constexpr uint32_t kFlat = 2;
};

// A list<u8> whose bytes are already in guest memory, allocated there by the producer: the same
// layout as List<U8>, but storing it hands the buffer over instead of copying it.
struct PlacedBytes {
  struct Value {
    uint32_t ptr = 1;  // for an empty list, any aligned address; nothing is allocated
    uint32_t len = 0;
  };
  static constexpr Layout kLayout{8, 4};
  static constexpr uint32_t kFlat = 2;
};

// ---- tuples and records ----

// Offsets of fields laid out in order, each aligned to its own alignment.
template <size_t N>
struct RecordLayout {
  std::array<uint32_t, N> offsets{};
  Layout layout{0, 1};
};

template <size_t N>
constexpr RecordLayout<N> ComputeRecordLayout(const std::array<Layout, N>& fields) {
  RecordLayout<N> r;
  uint32_t offset = 0;
  for (size_t i = 0; i < N; ++i) {
    offset = AlignTo(offset, fields[i].align);
    r.offsets[i] = offset;
    offset += fields[i].size;
    r.layout.align = std::max(r.layout.align, fields[i].align);
  }
  r.layout.size = AlignTo(offset, r.layout.align);
  return r;
}

template <class... Fields>
struct Tuple {
  using Value = std::tuple<typename Fields::Value...>;
  static constexpr RecordLayout<sizeof...(Fields)> kRecord =
      ComputeRecordLayout<sizeof...(Fields)>({Fields::kLayout...});
  static constexpr Layout kLayout = kRecord.layout;
  static constexpr uint32_t kFlat = (0 + ... + Fields::kFlat);
  template <size_t I>
  static constexpr uint32_t kOffset = kRecord.offsets[I];
};

// ---- variants: discriminant, then the payload at the largest case alignment ----

struct VariantLayout {
  uint32_t discriminant_size;
  uint32_t payload_offset;
  Layout layout;
};

constexpr uint32_t DiscriminantSize(size_t cases) {
  return cases <= (1u << 8) ? 1 : cases <= (1u << 16) ? 2 : 4;
}

template <size_t N>
constexpr VariantLayout ComputeVariantLayout(const std::array<Layout, N>& cases) {
  uint32_t disc = DiscriminantSize(N);
  uint32_t payload_align = 1, payload_size = 0;
  for (const Layout& c : cases) {
    payload_align = std::max(payload_align, c.align);
    payload_size = std::max(payload_size, c.size);
  }
  uint32_t align = std::max(disc, payload_align);
  uint32_t offset = AlignTo(disc, payload_align);
  return {disc, offset, {AlignTo(offset + payload_size, align), align}};
}

template <class... Cases>
struct Variant {
  using Value = std::variant<typename Cases::Value...>;
  static constexpr VariantLayout kVariant =
      ComputeVariantLayout<sizeof...(Cases)>({Cases::kLayout...});
  static constexpr Layout kLayout = kVariant.layout;
  static constexpr uint32_t kFlat = 1 + std::max({0u, Cases::kFlat...});
};

// option<T> = variant { none, some(T) }, lifted to std::optional.
template <class T>
struct Option {
  using Some = T;
  using Value = std::optional<typename T::Value>;
  static constexpr VariantLayout kVariant = Variant<Unit, T>::kVariant;
  static constexpr Layout kLayout = kVariant.layout;
  static constexpr uint32_t kFlat = Variant<Unit, T>::kFlat;
};

// result<T, E> = variant { ok(T), error(E) }, lifted to std::variant<T, E> by index: 0 is ok.
template <class T, class E>
struct Result {
  using Ok = T;
  using Err = E;
  using Value = std::variant<typename T::Value, typename E::Value>;
  static constexpr VariantLayout kVariant = Variant<T, E>::kVariant;
  static constexpr Layout kLayout = kVariant.layout;
  static constexpr uint32_t kFlat = Variant<T, E>::kFlat;
};

// Whether a function result of type T comes back through a return pointer.
template <class T>
inline constexpr bool kReturnsThroughMemory = T::kFlat > kMaxFlatResults;

}  // namespace cabi

#endif  // ABI_LAYOUT_H_

// Storing, loading and releasing canonical ABI values in linear memory.
//
//   Codec<D>::Store(mem, addr, value)  writes `value` at addr, allocating its strings and lists
//                                      with mem.Allocate (as cabi_realloc would);
//   Codec<D>::Load(mem, addr)          copies the value at addr into an owning D::Value;
//   Codec<D>::Release(mem, addr)       frees every buffer reachable from the value at addr;
//   Take<D>(mem, addr)                 Load, then Release: an import's result, taken.
//
// The three cover both directions of a call:
//   export results: Store into a return area; the post-return function Releases it;
//   import results: the callee wrote into our return area; Load, then Release what it allocated.
//
// `Mem` is a memory policy with
//   uint8_t* At(uint32_t addr, uint32_t size);       // `size` bytes at addr
//   uint32_t Allocate(uint32_t align, uint32_t size); // never called with size 0
//   void Free(uint32_t addr);                         // never called for an empty buffer
// abi/guest.h has the policy over a component's own linear memory; abi/test_memory.h a checked
// arena for native tests. Empty strings and lists get address `align`, as cabi_realloc returns for
// size 0, and are never freed (docs/toolchain.md: freeing address 1 traps).
//
// Memory written by the runtime is well-formed (it validated what it lifted); Load aborts on a
// discriminant out of range rather than read undefined memory.
#ifndef ABI_CODEC_H_
#define ABI_CODEC_H_

#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include "abi/layout.h"

namespace cabi {

template <class D>
struct Codec;

template <class Mem>
uint32_t LoadU32(Mem& mem, uint32_t addr) {
  uint32_t v;
  std::memcpy(&v, mem.At(addr, 4), 4);
  return v;
}
template <class Mem>
void StoreU32(Mem& mem, uint32_t addr, uint32_t v) {
  std::memcpy(mem.At(addr, 4), &v, 4);
}

// Bytes copied into a fresh allocation; returns its address (`align` when empty).
template <class Mem>
uint32_t StoreBuffer(Mem& mem, const void* data, uint32_t size, uint32_t align) {
  if (size == 0) return align;
  uint32_t addr = mem.Allocate(align, size);
  std::memcpy(mem.At(addr, size), data, size);
  return addr;
}

template <class D>
requires requires {
  typename D::Value;
} &&(D::kFlat == 1) && std::is_arithmetic_v<typename D::Value> struct Codec<D> {
  using Value = typename D::Value;
  template <class Mem>
  static void Store(Mem& mem, uint32_t addr, Value v) {
    if constexpr (std::is_same_v<Value, bool>) {
      *mem.At(addr, 1) = v ? 1 : 0;
    } else {
      std::memcpy(mem.At(addr, sizeof v), &v, sizeof v);
    }
  }
  template <class Mem>
  static Value Load(Mem& mem, uint32_t addr) {
    if constexpr (std::is_same_v<Value, bool>) {
      return *mem.At(addr, 1) != 0;
    } else {
      Value v;
      std::memcpy(&v, mem.At(addr, sizeof v), sizeof v);
      return v;
    }
  }
  template <class Mem>
  static void Release(Mem&, uint32_t) {}
};

template <>
struct Codec<Unit> {
  template <class Mem>
  static void Store(Mem&, uint32_t, std::monostate) {}
  template <class Mem>
  static std::monostate Load(Mem&, uint32_t) {
    return {};
  }
  template <class Mem>
  static void Release(Mem&, uint32_t) {}
};

template <>
struct Codec<String> {
  template <class Mem>
  static void Store(Mem& mem, uint32_t addr, std::string_view s) {
    uint32_t len = static_cast<uint32_t>(s.size());
    StoreU32(mem, addr, StoreBuffer(mem, s.data(), len, 1));
    StoreU32(mem, addr + 4, len);
  }
  template <class Mem>
  static std::string Load(Mem& mem, uint32_t addr) {
    uint32_t ptr = LoadU32(mem, addr), len = LoadU32(mem, addr + 4);
    if (len == 0) return {};
    return std::string(reinterpret_cast<const char*>(mem.At(ptr, len)), len);
  }
  template <class Mem>
  static void Release(Mem& mem, uint32_t addr) {
    if (LoadU32(mem, addr + 4) != 0) mem.Free(LoadU32(mem, addr));
  }
};

template <class E>
struct Codec<List<E>> {
  using Value = typename List<E>::Value;
  static constexpr Layout kElement = E::kLayout;

  template <class Mem>
  static void Store(Mem& mem, uint32_t addr, const Value& items) {
    uint32_t len = static_cast<uint32_t>(items.size());
    uint32_t ptr;
    if constexpr (std::is_same_v<E, U8>) {
      ptr = StoreBuffer(mem, items.data(), len, 1);
    } else {
      ptr = len == 0 ? kElement.align : mem.Allocate(kElement.align, len * kElement.size);
      for (uint32_t i = 0; i < len; ++i) Codec<E>::Store(mem, ptr + i * kElement.size, items[i]);
    }
    StoreU32(mem, addr, ptr);
    StoreU32(mem, addr + 4, len);
  }
  template <class Mem>
  static Value Load(Mem& mem, uint32_t addr) {
    return LoadElements(mem, LoadU32(mem, addr), LoadU32(mem, addr + 4));
  }
  template <class Mem>
  static void Release(Mem& mem, uint32_t addr) {
    ReleaseElements(mem, LoadU32(mem, addr), LoadU32(mem, addr + 4));
  }

  // The same for a list passed flat, as (ptr, len) parameters.
  template <class Mem>
  static Value LoadElements(Mem& mem, uint32_t ptr, uint32_t len) {
    Value items;
    if (len == 0) return items;
    if constexpr (std::is_same_v<E, U8>) {
      const uint8_t* bytes = mem.At(ptr, len);
      items.assign(bytes, bytes + len);
    } else {
      mem.At(ptr, len * kElement.size);  // checks the whole range once
      items.reserve(len);
      for (uint32_t i = 0; i < len; ++i)
        items.push_back(Codec<E>::Load(mem, ptr + i * kElement.size));
    }
    return items;
  }
  template <class Mem>
  static void ReleaseElements(Mem& mem, uint32_t ptr, uint32_t len) {
    if (len == 0) return;
    for (uint32_t i = 0; i < len; ++i) Codec<E>::Release(mem, ptr + i * kElement.size);
    mem.Free(ptr);
  }
};

template <>
struct Codec<PlacedBytes> {
  using Value = PlacedBytes::Value;
  template <class Mem>
  static void Store(Mem& mem, uint32_t addr, const Value& v) {
    StoreU32(mem, addr, v.ptr);
    StoreU32(mem, addr + 4, v.len);
  }
  template <class Mem>
  static void Release(Mem& mem, uint32_t addr) {
    Codec<List<U8>>::Release(mem, addr);
  }
};

template <class... Fields>
struct Codec<Tuple<Fields...>> {
  using T = Tuple<Fields...>;
  using Value = typename T::Value;

  template <class Mem>
  static void Store(Mem& mem, uint32_t addr, const Value& v) {
    StoreAll(mem, addr, v, std::index_sequence_for<Fields...>());
  }
  template <class Mem>
  static Value Load(Mem& mem, uint32_t addr) {
    return LoadAll(mem, addr, std::index_sequence_for<Fields...>());
  }
  template <class Mem>
  static void Release(Mem& mem, uint32_t addr) {
    ReleaseAll(mem, addr, std::index_sequence_for<Fields...>());
  }

 private:
  template <class Mem, size_t... I>
  static void StoreAll(Mem& mem, uint32_t addr, const Value& v, std::index_sequence<I...>) {
    (Codec<Fields>::Store(mem, addr + T::template kOffset<I>, std::get<I>(v)), ...);
  }
  template <class Mem, size_t... I>
  static Value LoadAll(Mem& mem, uint32_t addr, std::index_sequence<I...>) {
    return Value(Codec<Fields>::Load(mem, addr + T::template kOffset<I>)...);
  }
  template <class Mem, size_t... I>
  static void ReleaseAll(Mem& mem, uint32_t addr, std::index_sequence<I...>) {
    (Codec<Fields>::Release(mem, addr + T::template kOffset<I>), ...);
  }
};

// Discriminants are stored in 1, 2 or 4 bytes.
template <class Mem>
uint32_t LoadDiscriminant(Mem& mem, uint32_t addr, uint32_t size) {
  const uint8_t* p = mem.At(addr, size);
  uint32_t v = 0;
  for (uint32_t i = 0; i < size; ++i) v |= uint32_t{p[i]} << (8 * i);
  return v;
}
template <class Mem>
void StoreDiscriminant(Mem& mem, uint32_t addr, uint32_t size, uint32_t v) {
  uint8_t* p = mem.At(addr, size);
  for (uint32_t i = 0; i < size; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// Shared by Variant, Option and Result: cases by index, Value a std::variant-like with index().
template <class V, class... Cases>
struct VariantCodec {
  static constexpr VariantLayout kV = V::kVariant;

  template <class Mem, class Value>
  static void Store(Mem& mem, uint32_t addr, const Value& v) {
    StoreDiscriminant(mem, addr, kV.discriminant_size, static_cast<uint32_t>(v.index()));
    StoreCase(mem, addr + kV.payload_offset, v, std::index_sequence_for<Cases...>());
  }
  template <class Mem, class Value>
  static Value Load(Mem& mem, uint32_t addr) {
    uint32_t disc = LoadDiscriminant(mem, addr, kV.discriminant_size);
    if (disc >= sizeof...(Cases)) std::abort();
    Value out;
    LoadCase(mem, addr + kV.payload_offset, disc, out, std::index_sequence_for<Cases...>());
    return out;
  }
  template <class Mem>
  static void Release(Mem& mem, uint32_t addr) {
    uint32_t disc = LoadDiscriminant(mem, addr, kV.discriminant_size);
    ReleaseCase(mem, addr + kV.payload_offset, disc, std::index_sequence_for<Cases...>());
  }

 private:
  template <class Mem, class Value, size_t... I>
  static void StoreCase(Mem& mem, uint32_t at, const Value& v, std::index_sequence<I...>) {
    ((v.index() == I ? (Codec<Cases>::Store(mem, at, std::get<I>(v)), 0) : 0), ...);
  }
  template <class Mem, class Value, size_t... I>
  static void LoadCase(Mem& mem, uint32_t at, uint32_t disc, Value& out,
                       std::index_sequence<I...>) {
    ((disc == I ? (out.template emplace<I>(Codec<Cases>::Load(mem, at)), 0) : 0), ...);
  }
  template <class Mem, size_t... I>
  static void ReleaseCase(Mem& mem, uint32_t at, uint32_t disc, std::index_sequence<I...>) {
    ((disc == I ? (Codec<Cases>::Release(mem, at), 0) : 0), ...);
  }
};

template <class... Cases>
struct Codec<Variant<Cases...>> {
  using V = Variant<Cases...>;
  using Impl = VariantCodec<V, Cases...>;
  template <class Mem>
  static void Store(Mem& mem, uint32_t addr, const typename V::Value& v) {
    Impl::Store(mem, addr, v);
  }
  template <class Mem>
  static typename V::Value Load(Mem& mem, uint32_t addr) {
    return Impl::template Load<Mem, typename V::Value>(mem, addr);
  }
  template <class Mem>
  static void Release(Mem& mem, uint32_t addr) {
    Impl::Release(mem, addr);
  }
};

template <class T, class E>
struct Codec<Result<T, E>> : Codec<Variant<T, E>> {
  static_assert(Result<T, E>::kVariant.payload_offset == Variant<T, E>::kVariant.payload_offset);
};

template <class T>
struct Codec<Option<T>> {
  using O = Option<T>;
  using Value = typename O::Value;
  template <class Mem>
  static void Store(Mem& mem, uint32_t addr, const Value& v) {
    StoreDiscriminant(mem, addr, 1, v.has_value() ? 1 : 0);
    if (v) Codec<T>::Store(mem, addr + O::kVariant.payload_offset, *v);
  }
  template <class Mem>
  static Value Load(Mem& mem, uint32_t addr) {
    uint32_t disc = LoadDiscriminant(mem, addr, 1);
    if (disc > 1) std::abort();
    if (disc == 0) return std::nullopt;
    return Codec<T>::Load(mem, addr + O::kVariant.payload_offset);
  }
  template <class Mem>
  static void Release(Mem& mem, uint32_t addr) {
    if (LoadDiscriminant(mem, addr, 1) == 1)
      Codec<T>::Release(mem, addr + O::kVariant.payload_offset);
  }
};

// The value at `addr`, loaded, and everything it points to released: how a caller takes the
// result an import wrote into its return area.
template <class D, class Mem>
typename D::Value Take(Mem& mem, uint32_t addr) {
  typename D::Value value = Codec<D>::Load(mem, addr);
  Codec<D>::Release(mem, addr);
  return value;
}

}  // namespace cabi

#endif  // ABI_CODEC_H_

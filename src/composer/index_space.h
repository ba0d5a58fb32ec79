// Typed indices into a component's index spaces: a type index cannot be written where an
// instance index is meant, and every index comes from the space that counted it.
#ifndef COMPOSER_INDEX_SPACE_H_
#define COMPOSER_INDEX_SPACE_H_

#include <array>
#include <cstdint>

#include "composer/binary_writer.h"
#include "kv/composer/types.h"

namespace composer {

template <Sort S>
class Index {
 public:
  uint32_t value() const { return value_; }
  friend bool operator==(Index, Index) = default;

 private:
  friend class IndexSpaces;
  explicit Index(uint32_t value) : value_(value) {}
  uint32_t value_;
};

using TypeIndex = Index<Sort::kType>;
using FuncIndex = Index<Sort::kFunc>;
using InstanceIndex = Index<Sort::kInstance>;
using ComponentIndex = Index<Sort::kComponent>;

// An index of a sort known only when the component is written (an instantiation argument, an
// export): made only from a typed index or by IndexSpaces, so it still names its space.
class ItemRef {
 public:
  template <Sort S>
  ItemRef(Index<S> index) : sort_(S), value_(index.value()) {}  // NOLINT: implicit by design

  Sort sort() const { return sort_; }
  uint32_t value() const { return value_; }

 private:
  friend class IndexSpaces;
  ItemRef(Sort sort, uint32_t value) : sort_(sort), value_(value) {}
  Sort sort_;
  uint32_t value_;
};

// The component-level index spaces of one component being written. Each Add returns the index of
// the item that the caller writes next in that space (an import, an alias, a definition, an
// export).
class IndexSpaces {
 public:
  template <Sort S>
  Index<S> Add() {
    return Index<S>(counts_[static_cast<size_t>(S)]++);
  }
  ItemRef Add(Sort sort) { return ItemRef(sort, counts_[static_cast<size_t>(sort)]++); }

 private:
  std::array<uint32_t, 6> counts_{};
};

// `sort` as an item reference encodes it (core modules: 0x00 0x11).
inline void WriteSort(BinaryWriter& w, Sort sort) {
  switch (sort) {
    case Sort::kCoreModule:
      w.Byte(0x00), w.Byte(0x11);
      return;
    case Sort::kFunc:
      w.Byte(0x01);
      return;
    case Sort::kValue:
      w.Byte(0x02);
      return;
    case Sort::kType:
      w.Byte(0x03);
      return;
    case Sort::kComponent:
      w.Byte(0x04);
      return;
    case Sort::kInstance:
      w.Byte(0x05);
      return;
  }
}
inline void WriteIndex(BinaryWriter& w, ItemRef ref) { w.U32(ref.value()); }

}  // namespace composer

#endif  // COMPOSER_INDEX_SPACE_H_

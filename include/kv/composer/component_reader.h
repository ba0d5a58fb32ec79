// Reads a component binary into the type model: the component's imports and exports with their
// types. Only the top level is interpreted in full; core modules are skipped by size, nested
// components are read for their types (the exports wit-component emits are instances of nested
// shim components), and imports are bound to interned resources so that components read into one
// arena share them.
//
// Untrusted input: every malformed byte gives an error with its offset (kCorruption), constructs
// this reader does not support give kUnsupported naming the construct, and nesting is bounded.
//
// Ownership: the types read are owned by the TypeArena passed in; the result points into it and
// into the bytes, both of which must outlive it. Threads: not thread-safe for one arena; separate
// arenas share nothing.
#ifndef KV_COMPOSER_COMPONENT_READER_H_
#define KV_COMPOSER_COMPONENT_READER_H_

#include <cstdint>
#include <span>
#include <vector>

#include "kv/composer/types.h"
#include "kv/util/result.h"

namespace composer {

// Deepest nesting of components, type scopes and value types accepted.
inline constexpr uint32_t kMaxNesting = 100;

// The effective size of a value or function type must stay below this: the number of type nodes
// it would have written out in full, each use of a shared part counted again (a handle counts as
// one node). A tuple of a tuple of ... doubles it at each level, so a few bytes can describe an
// exponentially large type. wasm-tools' validator counts the same way and refuses the same sizes,
// so no component it accepts is refused for this. Everything the composer does with a type costs
// its number of distinct nodes, not this.
inline constexpr uint64_t kMaxEffectiveTypeSize = 1000000;

// The component's type (kind kComponent): its imports and exports in binary order.
util::Result<const Type*> ReadComponent(TypeArena& arena, std::span<const uint8_t> bytes);

// An instantiation of a component at the top level of the binary read: the component's type,
// the arguments as written and the instance made, for a checker of compositions (output_check.h).
// An argument that is an import or an export of an earlier instance is that item's own entity
// (the same type pointer), so its origin can be told by identity.
struct Instantiation {
  const Type* component;
  EntityMap args;
  const Type* instance;
  uint64_t offset;  // of the instance in the binary
};

struct ReadOptions {
  // Appended with the top-level instantiations in binary order, when set (left partly filled
  // when the read fails).
  std::vector<Instantiation>* instantiations = nullptr;
  // Deepest nesting accepted. A composition embeds its inputs one level down, so reading one
  // back allows one level more than its inputs were allowed.
  uint32_t max_nesting = kMaxNesting;
};

util::Result<const Type*> ReadComponent(TypeArena& arena, std::span<const uint8_t> bytes,
                                        const ReadOptions& options);

}  // namespace composer

#endif  // KV_COMPOSER_COMPONENT_READER_H_

// The checker: reads a written composition back with our reader and verifies it against the graph
// it was written from, so that an output that is wrongly typed, or wired otherwise than planned,
// is never returned:
//  - the output has the graph's imports, each of the same type (resources by identity), and the
//    root's exports, by name and sort;
//  - it instantiates, in order, components with the imports and exports of the graph's
//    components in instantiation order;
//  - every argument of every instantiation is a subtype of the import it satisfies (the rules of
//    type_check.h, resources bound as the instantiation binds them), and is the very item the
//    graph's source for it names: that import of the output, or that export of that earlier
//    instance (by identity of the item the reader made for it).
// This is our reader's verdict; `wasm-tools validate` and the runtimes are independent checks the
// tests add.
#ifndef COMPOSER_OUTPUT_CHECK_H_
#define COMPOSER_OUTPUT_CHECK_H_

#include <cstdint>
#include <span>

#include "kv/composer/graph.h"
#include "kv/composer/types.h"
#include "kv/util/status.h"

namespace composer {

// REQUIRES: `arena` is the arena the graph's types were read into (so that imported resources,
// interned by path, are the same nodes). Errors: kTypeMismatch naming the first difference (or
// kUnsupported from the type checker), kInvalidArgument when the graph has a cycle, or the
// reader's error, with context, when `bytes` do not read. Not thread-safe (it adds to `arena`).
util::Status CheckComposition(TypeArena& arena, const CompositionGraph& graph,
                              std::span<const uint8_t> bytes);

}  // namespace composer

#endif  // COMPOSER_OUTPUT_CHECK_H_

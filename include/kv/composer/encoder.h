// The encoder: writes a composition graph (graph.h) as one component binary.
//
// Layout: for each import of the graph, in its order, the top-level aliases of the types it uses
// from earlier imports, its instance type and the import; then every component, byte for byte, in
// the order of instantiation; then, per component, the aliases of the exports it is given and its
// instantiation; then the root's exports, re-exported; then a `producers` section naming this
// tool. Indices are counted by IndexSpaces, one typed space per sort (src/composer/index_space.h).
//
// The encoder trusts the graph's types: checking the bytes it writes is the checker's job
// (src/composer/output_check.h, which Plug runs). It only reads the graph and returns bytes it
// owns, so calls on separate graphs may run on separate threads.
#ifndef KV_COMPOSER_ENCODER_H_
#define KV_COMPOSER_ENCODER_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "kv/composer/graph.h"
#include "kv/util/result.h"

namespace composer {

inline constexpr std::string_view kToolName = "wasm-fuse";
inline constexpr std::string_view kToolVersion = "0.1.0";

// Errors: an incomplete graph or a cycle (kInvalidArgument: CheckComplete, InstantiationOrder), a
// type or an export that cannot be re-encoded (kUnsupported, naming it). Reads the graph only.
util::Result<std::vector<uint8_t>> Encode(const CompositionGraph& graph);

}  // namespace composer

#endif  // KV_COMPOSER_ENCODER_H_

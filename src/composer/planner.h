// The planner: from the inputs of `wasm-fuse plug` to a composition graph (graph.h), with the
// semantics of `wac plug` and chains:
//  - each import of the socket is satisfied by the first plug, in the order given, with an export
//    whose name matches (names.h) and whose type fits (type_check.h); a name that matches with a
//    type that does not fit is an error naming the difference (wac skips such an export);
//  - a plug used this way has its own imports satisfied the same way by the other plugs (never by
//    itself), so `--plug cache.wasm --plug kv-redis.wasm app.wasm` wires app to cache and cache to
//    kv-redis; components that would import from each other in a cycle are an error naming them;
//  - what stays unsatisfied becomes an import of the result: one per name, the union of what each
//    user needs (a conflict is an error), written after the imports whose types it uses.
#ifndef COMPOSER_PLANNER_H_
#define COMPOSER_PLANNER_H_

#include <span>
#include <string>
#include <vector>

#include "composer/graph.h"
#include "composer/types.h"
#include "util/result.h"

namespace composer {

// A component to compose. The bytes stay owned by the caller; `type` is what ReadComponent gave
// for them, read into the arena passed to PlanPlug.
struct PlanInput {
  std::string name;
  std::span<const uint8_t> bytes;
  const Type* type;
};

struct Plan {
  CompositionGraph graph;              // refers to the inputs' bytes and the arena's types
  std::vector<std::string> plugged;    // the socket's imports that plugs satisfy
  std::vector<std::string> chained;    // a plug's import that another plug satisfies, as text
  std::vector<std::string> warnings;   // for the user; the plan succeeded
};

util::Result<Plan> PlanPlug(TypeArena& arena, std::span<const PlanInput> plugs,
                            const PlanInput& socket);

}  // namespace composer

#endif  // COMPOSER_PLANNER_H_

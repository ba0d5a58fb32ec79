// The planner: from the inputs of `wasm-fuse plug` to a composition graph (graph.h), with the
// semantics of `wac plug` and chains:
//  - each import of the socket is satisfied by the first plug, in the order given, with an export
//    whose name matches (src/composer/names.h: by name, and by semver for versioned interfaces)
//    and whose type fits (src/composer/type_check.h: by subtype); a name that matches with a
//    type that does not fit is an error naming the difference (wac skips such an export);
//  - a plug used this way has its own imports satisfied the same way by the other plugs, those
//    after it in the order given first, then those before it (never by itself), so
//    `--plug cache.wasm --plug kv-redis.wasm app.wasm` wires app to cache and cache to kv-redis,
//    and middlewares listed top to bottom stack; components that would import from each other in
//    a cycle are an error naming them;
//  - what stays unsatisfied becomes an import of the result: one per name, the union of what each
//    user needs (a conflict is an error), written after the imports whose types it uses. An
//    import that stays may not use a resource of an import of the same component that a plug
//    satisfies (outside, it would not be the plug's resource), nor may a plugged import use a
//    resource of one that stays (the plug's export brings its own).
//
// Errors: kNotFound (no import of the socket matches any plug export), kTypeMismatch (a matching
// name with a type that does not fit, an import that cannot stay outside, conflicting merged
// imports), kInvalidArgument (a cycle), kUnsupported (an import that is not an instance, or uses
// a type of an import that is not there). Each names the inputs and interfaces involved.
// Not thread-safe: it adds types to `arena`.
#ifndef KV_COMPOSER_PLANNER_H_
#define KV_COMPOSER_PLANNER_H_

#include <span>
#include <string>
#include <vector>

#include "kv/composer/graph.h"
#include "kv/composer/types.h"
#include "kv/util/result.h"

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

#endif  // KV_COMPOSER_PLANNER_H_

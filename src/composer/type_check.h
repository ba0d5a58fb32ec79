// Type compatibility, with the rules the component model's validator applies at instantiation
// (wasmparser's subtype check): instance types are width-subtyped, everything else must be equal,
// resources by identity. Errors name the path to the difference, outermost first:
//   mismatched type for export `[method]bucket.list-keys`: mismatched type for function parameter
//   `cursor`: mismatched type for option: expected string, found u64
#ifndef COMPOSER_TYPE_CHECK_H_
#define COMPOSER_TYPE_CHECK_H_

#include "kv/composer/types.h"
#include "kv/util/status.h"

namespace composer {

// Whether `actual` can be supplied where `expected` is required. `resources` maps resources of the
// expected side to resources of the actual side; abstract resources that `expected` exports are
// matched by name and added to it, so connections made one after another share one map.
util::Status CheckSubtype(const Entity& expected, const Entity& actual, TypeMap& resources);

// Whether two entities are interchangeable (each a subtype of the other), resources by identity.
util::Status CheckEqual(const Entity& a, const Entity& b);

}  // namespace composer

#endif  // COMPOSER_TYPE_CHECK_H_

// Writes the instance type of one import of a composition (`0x42 vec(instancedecl)`) from the
// type model: its types and functions, its resources as `(sub resource)` exports, and each type of
// another import as an outer alias of the top-level alias the composition made of it.
//
// Inside the instance type, a type is referred to by its first exported name: an imported
// instance may not use an unnamed type, and a second name (`type trailers = fields`) is an alias,
// so `[constructor]fields` must return the type named `fields`. Not thread-safe.
#ifndef COMPOSER_INSTANCE_TYPE_ENCODER_H_
#define COMPOSER_INSTANCE_TYPE_ENCODER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "composer/binary_writer.h"
#include "composer/index_space.h"
#include "kv/composer/types.h"
#include "kv/util/result.h"

namespace composer {

// The composition's top-level aliases of imported types, by owner (import, name).
using TopAliases = std::map<std::pair<std::string, std::string>, TypeIndex>;

// The instance type of the import `self`, whose type is `instance` (kind kInstance). A type of
// another import is an alias of `top_alias`'s entry for it: kUnsupported when there is none.
util::Result<BinaryWriter> EncodeInstanceType(const std::string& self, const Type* instance,
                                              const TopAliases& top_alias);

}  // namespace composer

#endif  // COMPOSER_INSTANCE_TYPE_ENCODER_H_

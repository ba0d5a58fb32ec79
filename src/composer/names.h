// How the composer matches and quotes names.
#ifndef COMPOSER_NAMES_H_
#define COMPOSER_NAMES_H_

#include <string>
#include <string_view>

#include "kv/util/status.h"

namespace composer {

// Whether an export named `provided` can satisfy an import named `wanted`: equal names, or the
// same interface at semver-compatible versions without pre-release parts (as `wac plug` matches:
// 1.x with 1.y, 0.2.x with 0.2.y; 0.2.0-draft only with itself).
bool NamesMatch(std::string_view wanted, std::string_view provided);

// `name` between backquotes, for messages (util::Quoted), never cut: the composer's messages name
// interfaces and files in full.
inline std::string Q(std::string_view name) { return util::Quoted(name, util::kWhole); }

}  // namespace composer

#endif  // COMPOSER_NAMES_H_

// `plug`: fuses provider components ("plugs") into a consumer component ("socket"), with the
// semantics of `wac plug`:
//  - each plug export whose name matches a socket import (exactly for pre-release versions such as
//    0.2.0-draft, semver-compatibly otherwise) and whose type fits is wired to it; unlike wac, a
//    name that matches with a type that does not fit is an error naming the difference;
//  - the remaining imports of the socket and of the plugs used are merged (same name: one import,
//    the union of what each needs), resources shared by path;
//  - the inputs are embedded byte for byte, and the socket's exports are re-exported.
// The output is deterministic, read back and checked by our own reader before it is returned, and
// names this tool in its `producers` section.
#ifndef COMPOSER_PLUG_H_
#define COMPOSER_PLUG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace composer {

inline constexpr std::string_view kToolName = "wasm-fuse";
inline constexpr std::string_view kToolVersion = "0.1.0";

struct Input {
  std::string name;  // shown in messages, usually the file name
  std::vector<uint8_t> bytes;
};

struct PlugOutput {
  std::vector<uint8_t> bytes;
  std::vector<std::string> plugged;   // socket imports that were satisfied
  std::vector<std::string> warnings;  // for the user; the composition succeeded
};

util::Result<PlugOutput> Plug(const std::vector<Input>& plugs, const Input& socket);

// Whether an export named `provided` can satisfy an import named `wanted`: equal names, or the
// same interface at semver-compatible versions without pre-release parts.
bool NamesMatch(std::string_view wanted, std::string_view provided);

}  // namespace composer

#endif  // COMPOSER_PLUG_H_

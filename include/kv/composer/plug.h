// `plug`: fuses provider components ("plugs") into a consumer component ("socket"), as
// `wasm-fuse plug` does: read every input (component_reader.h), plan the composition graph
// (planner.h says how imports are matched, chained and merged), write it (encoder.h) and check
// what was written by type (src/composer/output_check.h) before returning it. The output is
// deterministic.
//
// This is the composer's library entry point; the pieces it joins can be used on their own.
// Errors: the reader's (malformed input, with its byte offset, or an unsupported construct, named),
// the planner's (planner.h), the encoder's (kUnsupported), and "internal error: ..." when the
// written output fails the check, which is a bug of this composer. Plug owns everything it makes;
// separate calls share nothing, so they may run on separate threads.
#ifndef KV_COMPOSER_PLUG_H_
#define KV_COMPOSER_PLUG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "kv/util/result.h"

namespace composer {

struct Input {
  std::string name;  // shown in messages, usually the file name
  std::vector<uint8_t> bytes;
};

struct PlugOutput {
  std::vector<uint8_t> bytes;
  std::vector<std::string> plugged;   // socket imports that were satisfied
  std::vector<std::string> chained;   // plug imports that other plugs satisfy, as text
  std::vector<std::string> warnings;  // for the user; the composition succeeded
};

util::Result<PlugOutput> Plug(const std::vector<Input>& plugs, const Input& socket);

}  // namespace composer

#endif  // KV_COMPOSER_PLUG_H_

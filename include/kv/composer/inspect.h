// `inspect`: what a component imports and exports, so a user can see what will connect before
// fusing. Text for people, JSON for tools.
// Errors: the reader's (component_reader.h). Reads `bytes` only; calls share nothing, so they may
// run on separate threads.
#ifndef KV_COMPOSER_INSPECT_H_
#define KV_COMPOSER_INSPECT_H_

#include <cstdint>
#include <span>
#include <string>

#include "kv/util/result.h"

namespace composer {

enum class InspectFormat { kText, kJson };

util::Result<std::string> Inspect(std::span<const uint8_t> bytes, InspectFormat format);

}  // namespace composer

#endif  // KV_COMPOSER_INSPECT_H_

// `inspect`: what a component imports and exports, so a user can see what will connect before
// fusing. Text for people, JSON for tools.
#ifndef COMPOSER_INSPECT_H_
#define COMPOSER_INSPECT_H_

#include <cstdint>
#include <span>
#include <string>

#include "util/result.h"

namespace composer {

enum class InspectFormat { kText, kJson };

util::Result<std::string> Inspect(std::span<const uint8_t> bytes, InspectFormat format);

}  // namespace composer

#endif  // COMPOSER_INSPECT_H_

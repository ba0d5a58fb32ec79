// libFuzzer target: the component reader and `inspect` on arbitrary bytes. Any input must give a
// result or an error; a crash, a sanitizer report or a hang is a bug.
//
//   make fuzz FUZZ_SECONDS=600        (make test runs a short smoke run)
#include <cstddef>
#include <cstdint>
#include <span>

#include "kv/composer/component_reader.h"
#include "kv/composer/inspect.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  composer::TypeArena arena;
  auto component = composer::ReadComponent(arena, bytes);
  if (!component.ok() && !component.status().offset()) __builtin_trap();  // errors carry offsets
  auto text = composer::Inspect(bytes, composer::InspectFormat::kJson);
  (void)text;
  return 0;
}

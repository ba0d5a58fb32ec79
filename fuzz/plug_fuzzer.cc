// libFuzzer target: the whole composer (reader, planner, encoder, checker) on arbitrary inputs.
// The input is a socket and its plugs, each piece a little-endian u32 length and that many bytes
// (the last piece takes what is left; a single piece is plugged into itself). Any input must give
// a composition or an error; a crash, a sanitizer report, a hang, or an output that fails the
// composer's own check ("internal error") is a bug. fuzz/plug_seeds.mjs writes seeds from real
// components in this format.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "kv/composer/plug.h"

namespace {

constexpr size_t kMaxPieces = 5;

std::vector<composer::Input> Pieces(const uint8_t* data, size_t size) {
  std::vector<composer::Input> out;
  size_t at = 0;
  while (at < size && out.size() < kMaxPieces) {
    uint32_t n = 0;
    if (size - at >= 4) {
      std::memcpy(&n, data + at, 4);
      at += 4;
    } else {
      n = static_cast<uint32_t>(size - at);
    }
    const size_t take = out.size() + 1 == kMaxPieces ? size - at : std::min<size_t>(n, size - at);
    composer::Input in;
    in.name = "piece" + std::to_string(out.size());
    in.bytes.assign(data + at, data + at + take);
    out.push_back(std::move(in));
    at += take;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<composer::Input> pieces = Pieces(data, size);
  if (pieces.empty()) return 0;
  composer::Input socket = pieces.front();
  std::vector<composer::Input> plugs(pieces.begin() + 1, pieces.end());
  if (plugs.empty()) plugs.push_back(socket);
  auto fused = composer::Plug(plugs, socket);
  if (!fused.ok() && std::string_view(fused.status().message()).starts_with("internal error")) {
    __builtin_trap();
  }
  return 0;
}

// Plain value types shared by the engine, its backends and the bindings. The `...View` types
// borrow: what they point to must outlive them; the others own their bytes.
#ifndef KV_ENGINE_TYPES_H_
#define KV_ENGINE_TYPES_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kv {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// One page of a list-keys walk. `cursor` is where the next page starts; none ends the walk.
struct KeyPage {
  std::vector<std::string> keys;
  std::optional<uint64_t> cursor;
};

// A key and its value, as set-many takes them (views: the caller keeps the bytes alive).
struct KeyValueView {
  std::string_view key;
  ByteView value;
};

// A key and its value, as get-many returns them.
using KeyValue = std::pair<std::string, Bytes>;

inline ByteView AsBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace kv

#endif  // KV_ENGINE_TYPES_H_

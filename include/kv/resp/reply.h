// A Redis reply (RESP2): simple string, error, integer, bulk string, nil, or array. A plain value
// that owns its bytes and its elements.
#ifndef KV_RESP_REPLY_H_
#define KV_RESP_REPLY_H_

#include <cstdint>
#include <string>
#include <vector>

namespace resp {

struct Reply {
  enum class Type : uint8_t { kSimple, kError, kInteger, kBulk, kNil, kArray };
  Type type = Type::kNil;
  std::string text;             // simple, error, bulk
  int64_t integer = 0;          // integer
  std::vector<Reply> elements;  // array

  bool is_error() const { return type == Type::kError; }
};

}  // namespace resp

#endif  // KV_RESP_REPLY_H_

// libFuzzer target: the RESP reply parser on arbitrary bytes, fed whole and split in two at a
// point the input chooses. The two must agree; nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kv/resp/parser.h"

namespace {

std::vector<resp::Reply> ParseAll(std::span<const uint8_t> a, std::span<const uint8_t> b,
                                  resp::ParseState* last) {
  resp::ReplyParser p;
  std::vector<resp::Reply> out;
  resp::Reply r;
  p.Feed(a);
  while ((*last = p.Next(&r)) == resp::ParseState::kComplete) out.push_back(r);
  if (*last == resp::ParseState::kError) return out;
  p.Feed(b);
  while ((*last = p.Next(&r)) == resp::ParseState::kComplete) out.push_back(r);
  return out;
}

// The same through Parse, asking for every reply, with the bytes given and not kept by the caller.
std::vector<resp::Reply> ParseEvery(std::span<const uint8_t> a, std::span<const uint8_t> b,
                                    resp::ParseState* last) {
  resp::ReplyParser p;
  std::vector<resp::Reply> out;
  std::vector<uint8_t> copy(a.begin(), a.end());  // freed before b is parsed: nothing may keep it
  *last = p.Parse(copy, &out, SIZE_MAX);
  copy.clear();
  copy.shrink_to_fit();
  if (*last == resp::ParseState::kError) return out;
  *last = p.Parse(b, &out, SIZE_MAX);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t cut = data[0] % size;
  std::span<const uint8_t> input(data + 1, size - 1);
  resp::ParseState whole_state, split_state;
  auto whole = ParseAll(input, {}, &whole_state);
  auto split = ParseAll(input.subspan(0, std::min(cut, input.size())),
                        input.subspan(std::min(cut, input.size())), &split_state);
  if (whole.size() != split.size() || whole_state != split_state) __builtin_trap();
  resp::ParseState every_state;
  auto every = ParseEvery(input.subspan(0, std::min(cut, input.size())),
                          input.subspan(std::min(cut, input.size())), &every_state);
  if (every.size() != whole.size()) __builtin_trap();
  if ((every_state == resp::ParseState::kError) != (whole_state == resp::ParseState::kError)) {
    __builtin_trap();
  }
  return 0;
}

// Encodes a command as a RESP array of bulk strings. The size is computed first and the buffer
// written once. Appends to a buffer the caller owns; no state, so safe from any thread.
#ifndef KV_RESP_ENCODER_H_
#define KV_RESP_ENCODER_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace resp {

// Appends `*N\r\n` and `$len\r\narg\r\n` for each argument to `out`.
void EncodeCommand(std::span<const std::string_view> args, std::vector<uint8_t>& out);

}  // namespace resp

#endif  // KV_RESP_ENCODER_H_

// Encodes a command as a RESP array of bulk strings. The size is computed first and the buffer
// written once.
#ifndef RESP_ENCODER_H_
#define RESP_ENCODER_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace resp {

// Appends `*N\r\n` and `$len\r\narg\r\n` for each argument to `out`.
void EncodeCommand(std::span<const std::string_view> args, std::vector<uint8_t>& out);

}  // namespace resp

#endif  // RESP_ENCODER_H_

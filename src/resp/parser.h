// A push parser for RESP2 replies. Feed bytes as they arrive; Next() answers complete (a reply is
// ready), need-more (wait for bytes), or error (the stream is not RESP, or breaks a limit; the
// connection must be dropped). Bytes of a reply split anywhere are handled.
//
//   reply := '+' line | '-' line | ':' integer CRLF | '$' length CRLF bytes CRLF | '$-1' CRLF
//          | '*' count CRLF reply* | '*-1' CRLF
#ifndef RESP_PARSER_H_
#define RESP_PARSER_H_

#include <cstdint>
#include <span>
#include <string>

#include "resp/reply.h"

namespace resp {

struct ParserLimits {
  uint32_t max_depth = 8;               // nested arrays
  uint64_t max_elements = 1u << 20;     // in one array
  uint64_t max_bulk_bytes = 1u << 29;   // one bulk string (Redis's own cap is 512 MiB)
  uint64_t max_line_bytes = 64 * 1024;  // simple strings, errors, headers
};

enum class ParseState { kComplete, kNeedMore, kError };

class ReplyParser {
 public:
  explicit ReplyParser(ParserLimits limits = {}) : limits_(limits) {}

  void Feed(std::span<const uint8_t> bytes);
  // On kComplete, `*out` is the next reply and its bytes are consumed. On kError, error() says why.
  ParseState Next(Reply* out);
  const std::string& error() const { return error_; }
  size_t buffered() const { return buffer_.size() - pos_; }

 private:
  // Parses one reply at `*at`; advances `*at` past it when complete.
  ParseState Parse(size_t* at, Reply* out, uint32_t depth);
  ParseState Line(size_t* at, std::string_view* line);
  ParseState Fail(std::string why) {
    error_ = std::move(why);
    return ParseState::kError;
  }

  ParserLimits limits_;
  std::string buffer_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace resp

#endif  // RESP_PARSER_H_

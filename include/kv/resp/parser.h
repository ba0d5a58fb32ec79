// A push parser for RESP2 replies. Feed bytes as they arrive, in pieces split anywhere; the parser
// answers complete (a reply is ready), need-more (wait for bytes), or error (the stream is not
// RESP, or breaks a limit; the connection must be dropped).
//
//   reply := '+' line | '-' line | ':' integer CRLF | '$' length CRLF bytes CRLF | '$-1' CRLF
//          | '*' count CRLF reply* | '*-1' CRLF
//
// Cost is linear in the bytes fed, however they are split: the parser resumes where it stopped
// (the arrays under way, the bulk string being filled) instead of parsing a reply again from its
// start. A bulk string's bytes are copied once, from the bytes given to Parse into the reply.
//
// Not thread-safe; one parser per connection.
#ifndef KV_RESP_PARSER_H_
#define KV_RESP_PARSER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kv/resp/reply.h"

namespace resp {

struct ParserLimits {
  uint32_t max_depth = 8;               // nested arrays
  uint64_t max_elements = 1u << 20;     // in one array
  uint64_t max_bulk_bytes = 1u << 29;   // one bulk string (Redis's own cap is 512 MiB)
  uint64_t max_line_bytes = 64 * 1024;  // simple strings, errors, headers
  // Memory reserved for a bulk string on the strength of its header alone; beyond this it grows
  // as its bytes arrive.
  uint64_t max_bulk_reserve = 16u << 20;
};

enum class ParseState { kComplete, kNeedMore, kError };

class ReplyParser {
 public:
  explicit ReplyParser(ParserLimits limits = {}) : limits_(limits) {}

  // Parses what is kept from earlier calls, then `bytes`, appending complete replies to `*out`
  // until it holds `want` of them. Bytes past those, and those of an unfinished line, are kept
  // (copied); `bytes` need not outlive the call. kComplete when `*out` holds `want` replies,
  // kNeedMore when the bytes ran out first, kError (sticky; error() says why) when the stream
  // is not RESP.
  ParseState Parse(std::span<const uint8_t> bytes, std::vector<Reply>* out, size_t want);

  // The same, one reply at a time: Feed keeps `bytes` (a copy); Next parses what is kept. On
  // kComplete, `*out` is the next reply.
  void Feed(std::span<const uint8_t> bytes);
  ParseState Next(Reply* out);

  const std::string& error() const { return error_; }
  // Bytes kept and not yet parsed.
  size_t buffered() const { return kept_.size() - kept_pos_; }

 private:
  class Input;
  // One step: a header line, or as much of a bulk string as is there. Sets `*done` and moves the
  // finished reply to `*ready` when a top-level reply is complete.
  ParseState Step(Input& in, Reply* ready, bool* done);
  ParseState Finish(Reply reply, Reply* ready, bool* done);
  ParseState Fail(std::string why);

  struct Frame {
    Reply array;
    uint64_t remaining;  // elements still to come
  };

  ParserLimits limits_;
  std::string kept_;  // bytes kept for the next call; parsing resumes at kept_pos_
  size_t kept_pos_ = 0;
  std::vector<Frame> frames_;  // arrays under way, outermost first
  Reply bulk_;                 // the bulk string being filled, while bulk_need_ > 0
  uint64_t bulk_need_ = 0;     // its bytes still to come, with the CRLF after them
  std::string line_;           // a header line that spans kept bytes and new ones
  size_t line_searched_ = 0;   // bytes of an unfinished line searched for its CRLF already
  std::string error_;
};

}  // namespace resp

#endif  // KV_RESP_PARSER_H_

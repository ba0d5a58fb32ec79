#include "resp/parser.h"

#include <charconv>

namespace resp {

void ReplyParser::Feed(std::span<const uint8_t> bytes) {
  if (pos_ > 0 && pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ > (1u << 16) && pos_ * 2 > buffer_.size()) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

ParseState ReplyParser::Next(Reply* out) {
  if (!error_.empty()) return ParseState::kError;
  size_t at = pos_;
  Reply r;
  ParseState s = Parse(&at, &r, 0);
  if (s == ParseState::kComplete) {
    pos_ = at;
    *out = std::move(r);
  }
  return s;
}

ParseState ReplyParser::Line(size_t* at, std::string_view* line) {
  size_t end = buffer_.find("\r\n", *at);
  if (end == std::string::npos) {
    if (buffer_.size() - *at > limits_.max_line_bytes) return Fail("a line longer than the limit");
    return ParseState::kNeedMore;
  }
  if (end - *at > limits_.max_line_bytes) return Fail("a line longer than the limit");
  *line = std::string_view(buffer_).substr(*at, end - *at);
  *at = end + 2;
  return ParseState::kComplete;
}

namespace {

bool ToInt(std::string_view s, int64_t* v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

ParseState ReplyParser::Parse(size_t* at, Reply* out, uint32_t depth) {
  if (*at >= buffer_.size()) return ParseState::kNeedMore;
  char kind = buffer_[*at];
  size_t p = *at + 1;
  std::string_view line;
  ParseState s = Line(&p, &line);
  if (s != ParseState::kComplete) return s;
  switch (kind) {
    case '+':
    case '-':
      out->type = kind == '+' ? Reply::Type::kSimple : Reply::Type::kError;
      out->text.assign(line);
      break;
    case ':':
      out->type = Reply::Type::kInteger;
      if (!ToInt(line, &out->integer)) return Fail("a malformed integer");
      break;
    case '$': {
      int64_t n;
      if (!ToInt(line, &n) || n < -1) return Fail("a malformed bulk length");
      if (n == -1) {
        out->type = Reply::Type::kNil;
        break;
      }
      if (static_cast<uint64_t>(n) > limits_.max_bulk_bytes)
        return Fail("a bulk string over the limit");
      if (buffer_.size() - p < static_cast<uint64_t>(n) + 2) return ParseState::kNeedMore;
      if (buffer_[p + n] != '\r' || buffer_[p + n + 1] != '\n')
        return Fail("a bulk string without CRLF");
      out->type = Reply::Type::kBulk;
      out->text.assign(buffer_, p, static_cast<size_t>(n));
      p += static_cast<size_t>(n) + 2;
      break;
    }
    case '*': {
      int64_t n;
      if (!ToInt(line, &n) || n < -1) return Fail("a malformed array length");
      if (n == -1) {
        out->type = Reply::Type::kNil;
        break;
      }
      if (depth + 1 > limits_.max_depth) return Fail("arrays nested deeper than the limit");
      if (static_cast<uint64_t>(n) > limits_.max_elements) return Fail("an array over the limit");
      out->type = Reply::Type::kArray;
      out->elements.clear();
      // Each element takes at least 3 bytes: do not reserve for counts the buffer cannot hold.
      out->elements.reserve(
          std::min<uint64_t>(static_cast<uint64_t>(n), (buffer_.size() - p) / 3 + 1));
      for (int64_t i = 0; i < n; ++i) {
        Reply e;
        ParseState es = Parse(&p, &e, depth + 1);
        if (es != ParseState::kComplete) return es;
        out->elements.push_back(std::move(e));
      }
      break;
    }
    default:
      return Fail(std::string("an unknown reply type byte 0x") +
                  "0123456789abcdef"[(kind >> 4) & 0xf] + "0123456789abcdef"[kind & 0xf]);
  }
  *at = p;
  return ParseState::kComplete;
}

}  // namespace resp

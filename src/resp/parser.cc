#include "kv/resp/parser.h"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace resp {
namespace {

bool ToInt(std::string_view s, int64_t* v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

std::string_view AsText(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace

// The bytes to parse: those kept from earlier calls, then the fresh ones of this call.
class ReplyParser::Input {
 public:
  Input(std::string& kept, size_t& kept_pos, std::span<const uint8_t> fresh)
      : kept_(kept), kept_pos_(kept_pos), fresh_(AsText(fresh)) {}

  size_t size() const { return kept_.size() - kept_pos_ + fresh_.size(); }

  char Front() const { return kept_pos_ < kept_.size() ? kept_[kept_pos_] : fresh_.front(); }

  void Skip(size_t n) {
    size_t from_kept = std::min(n, kept_.size() - kept_pos_);
    kept_pos_ += from_kept;
    fresh_.remove_prefix(n - from_kept);
  }

  // Appends the next `n` bytes (at most size()) to `*out`.
  void Take(size_t n, std::string* out) {
    size_t from_kept = std::min(n, kept_.size() - kept_pos_);
    out->append(kept_, kept_pos_, from_kept);
    kept_pos_ += from_kept;
    out->append(fresh_.substr(0, n - from_kept));
    fresh_.remove_prefix(n - from_kept);
  }

  // The next line, without its CRLF, in `*line` (valid until the next call; `scratch` holds it
  // when it spans kept and fresh bytes). kNeedMore when no CRLF has arrived yet, kError when the
  // line is longer than `max`. `*searched` counts the bytes of an unfinished line already
  // searched for its CRLF, so that a long line arriving in small pieces is searched once.
  ParseState Line(uint64_t max, std::string* scratch, std::string_view* line, size_t* searched) {
    std::string_view kept = std::string_view(kept_).substr(kept_pos_);
    const size_t from = *searched > 0 ? *searched - 1 : 0;  // a CR may end what was searched
    if (size_t end = kept.find("\r\n", std::min(from, kept.size())); end != std::string_view::npos) {
      *searched = 0;
      if (end > max) return ParseState::kError;
      *line = kept.substr(0, end);
      kept_pos_ += end + 2;
      return ParseState::kComplete;
    }
    size_t end = std::string_view::npos, skip = 0;
    if (!kept.empty() && kept.back() == '\r' && !fresh_.empty() && fresh_.front() == '\n') {
      kept.remove_suffix(1);
      end = 0;
      skip = 1;
    } else if (end = fresh_.find("\r\n"); end != std::string_view::npos) {
      skip = end + 2;
    }
    if (end == std::string_view::npos) {
      *searched = size();
      return size() > max + 2 ? ParseState::kError : ParseState::kNeedMore;
    }
    *searched = 0;
    if (kept.size() + end > max) return ParseState::kError;
    if (kept.empty()) {
      *line = fresh_.substr(0, end);
    } else {
      scratch->assign(kept);
      scratch->append(fresh_.substr(0, end));
      *line = *scratch;
    }
    kept_pos_ = kept_.size();
    fresh_.remove_prefix(skip);
    return ParseState::kComplete;
  }

  // Keeps what is left for the next call.
  void Keep() {
    if (kept_pos_ == kept_.size()) {
      kept_.clear();
      kept_pos_ = 0;
    } else if (kept_pos_ > (1u << 16) && kept_pos_ * 2 > kept_.size()) {
      kept_.erase(0, kept_pos_);
      kept_pos_ = 0;
    }
    kept_.append(fresh_);
    fresh_ = {};
  }

 private:
  std::string& kept_;
  size_t& kept_pos_;
  std::string_view fresh_;
};

ParseState ReplyParser::Fail(std::string why) {
  error_ = std::move(why);
  return ParseState::kError;
}

ParseState ReplyParser::Parse(std::span<const uint8_t> bytes, std::vector<Reply>* out,
                              size_t want) {
  if (!error_.empty()) return ParseState::kError;
  Input in(kept_, kept_pos_, bytes);
  while (out->size() < want && in.size() > 0) {
    Reply ready;
    bool done = false;
    ParseState s = Step(in, &ready, &done);
    if (s == ParseState::kError) return s;
    if (s == ParseState::kNeedMore) break;
    if (done) out->push_back(std::move(ready));
  }
  in.Keep();
  return out->size() >= want ? ParseState::kComplete : ParseState::kNeedMore;
}

void ReplyParser::Feed(std::span<const uint8_t> bytes) {
  Input(kept_, kept_pos_, bytes).Keep();
}

ParseState ReplyParser::Next(Reply* out) {
  std::vector<Reply> one;
  ParseState s = Parse({}, &one, 1);
  if (s == ParseState::kComplete) *out = std::move(one.front());
  return s;
}

ParseState ReplyParser::Step(Input& in, Reply* ready, bool* done) {
  if (bulk_need_ > 0) {
    // The bulk string's bytes, then its CRLF.
    if (bulk_need_ > 2) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(bulk_need_ - 2, in.size()));
      in.Take(take, &bulk_.text);
      bulk_need_ -= take;
    }
    while (bulk_need_ <= 2 && bulk_need_ > 0 && in.size() > 0) {
      if (in.Front() != (bulk_need_ == 2 ? '\r' : '\n')) {
        return Fail("a bulk string without CRLF");
      }
      in.Skip(1);
      --bulk_need_;
    }
    if (bulk_need_ > 0) return ParseState::kNeedMore;
    return Finish(std::move(bulk_), ready, done);
  }
  std::string_view line;
  // The limit counts the line's text, not its type byte.
  ParseState s = in.Line(limits_.max_line_bytes + 1, &line_, &line, &line_searched_);
  if (s == ParseState::kError) return Fail("a line longer than the limit");
  if (s == ParseState::kNeedMore) return s;
  char kind = line.empty() ? '\r' : line.front();
  std::string_view rest = line.empty() ? line : line.substr(1);
  Reply r;
  switch (kind) {
    case '+':
    case '-':
      r.type = kind == '+' ? Reply::Type::kSimple : Reply::Type::kError;
      r.text.assign(rest);
      return Finish(std::move(r), ready, done);
    case ':':
      r.type = Reply::Type::kInteger;
      if (!ToInt(rest, &r.integer)) return Fail("a malformed integer");
      return Finish(std::move(r), ready, done);
    case '$': {
      int64_t n;
      if (!ToInt(rest, &n) || n < -1) return Fail("a malformed bulk length");
      if (n == -1) return Finish(std::move(r), ready, done);  // nil
      if (static_cast<uint64_t>(n) > limits_.max_bulk_bytes) {
        return Fail("a bulk string over the limit");
      }
      bulk_ = Reply{};
      bulk_.type = Reply::Type::kBulk;
      bulk_.text.reserve(
          static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(n), limits_.max_bulk_reserve)));
      bulk_need_ = static_cast<uint64_t>(n) + 2;
      return ParseState::kComplete;
    }
    case '*': {
      int64_t n;
      if (!ToInt(rest, &n) || n < -1) return Fail("a malformed array length");
      if (n == -1) return Finish(std::move(r), ready, done);  // nil
      if (frames_.size() + 1 > limits_.max_depth) {
        return Fail("arrays nested deeper than the limit");
      }
      if (static_cast<uint64_t>(n) > limits_.max_elements) return Fail("an array over the limit");
      r.type = Reply::Type::kArray;
      if (n == 0) return Finish(std::move(r), ready, done);
      // Each element takes at least 3 bytes: do not reserve for counts the bytes cannot hold.
      r.elements.reserve(
          static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(n), in.size() / 3 + 1)));
      frames_.push_back({std::move(r), static_cast<uint64_t>(n)});
      return ParseState::kComplete;
    }
    default:
      return Fail(std::string("an unknown reply type byte 0x") +
                  "0123456789abcdef"[(kind >> 4) & 0xf] + "0123456789abcdef"[kind & 0xf]);
  }
}

// `reply` is complete: it is the next element of the innermost array under way, which may
// complete that array in turn, or it is a whole reply.
ParseState ReplyParser::Finish(Reply reply, Reply* ready, bool* done) {
  while (!frames_.empty()) {
    Frame& top = frames_.back();
    top.array.elements.push_back(std::move(reply));
    if (--top.remaining > 0) return ParseState::kComplete;
    reply = std::move(top.array);
    frames_.pop_back();
  }
  *ready = std::move(reply);
  *done = true;
  return ParseState::kComplete;
}

}  // namespace resp

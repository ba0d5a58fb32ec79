#include "kv/util/status.h"

#include <charconv>

#include "util/utf8.h"

namespace util {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kNotFound:
      return "not found";
    case Code::kAlreadyExists:
      return "already exists";
    case Code::kInvalidArgument:
      return "invalid argument";
    case Code::kLimitExceeded:
      return "limit exceeded";
    case Code::kCorruption:
      return "corruption";
    case Code::kIOError:
      return "i/o error";
    case Code::kProtocol:
      return "protocol error";
    case Code::kUnsupported:
      return "unsupported";
    case Code::kTypeMismatch:
      return "type mismatch";
    case Code::kPermissionDenied:
      return "permission denied";
    case Code::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Status Status::AtOffset(uint64_t offset) && {
  offset_ = offset;
  return std::move(*this);
}

Status Status::WithContext(std::string_view context) && {
  if (ok()) return std::move(*this);
  std::string joined;
  joined.reserve(context.size() + 2 + message_.size());
  joined.append(context).append(": ").append(message_);
  message_ = std::move(joined);
  return std::move(*this);
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string text = message_.empty() ? std::string(CodeName(code_)) : message_;
  if (offset_) {
    char hex[17];
    auto [end, ec] = std::to_chars(hex, hex + sizeof hex, *offset_, 16);
    (void)ec;
    text.append(" (at offset 0x").append(hex, end).append(")");
  }
  return text;
}

const Status& OkStatus() {
  static const Status ok;
  return ok;
}

std::string Quoted(std::string_view name, size_t max_bytes) {
  std::string q = "`";
  q.append(name.substr(0, Utf8PrefixLength(name, max_bytes)));
  if (name.size() > max_bytes) q.append("...");
  q.append("`");
  return q;
}

}  // namespace util

// Status: the outcome of an operation that returns nothing else. OK costs nothing: no allocation.
//
// An error carries a code (one per thing a caller can do about it), a message for a person, and
// where it applies the byte offset in the input at which it was found. Messages follow the form
// "<what we were doing> `<name>`: <why>"; callers add context on the way out with WithContext().
//
// The codes are generic: no layer below the bindings knows the wasi:keyvalue `error` variant, and
// the bindings map codes to it in one place (src/bindings/keyvalue_errors.h).
// A Status is a plain value: it owns its message; copies are independent.
#ifndef KV_UTIL_STATUS_H_
#define KV_UTIL_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace util {

enum class Code : uint8_t {
  kOk = 0,
  kNotFound,         // a named thing does not exist
  kAlreadyExists,    // a thing to be created exists already
  kInvalidArgument,  // the caller passed something unusable
  kLimitExceeded,    // a configured limit was passed; the message names the limit
  kCorruption,       // stored or received bytes are malformed
  kIOError,          // the operating system or the network failed
  kProtocol,         // a peer broke its protocol
  kUnsupported,      // a valid construct this software does not handle yet
  kTypeMismatch,     // two types that must agree do not
  kPermissionDenied, // the caller is not allowed this (a refused login)
  kUnknown,          // another party failed and said only why, in its message
};

// A short lower-case name for `code`, e.g. "limit exceeded".
std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // The input offset the error refers to, when it refers to one.
  std::optional<uint64_t> offset() const { return offset_; }

  // Returns this status with the byte offset attached; the text gains " (at offset 0x..)".
  Status AtOffset(uint64_t offset) &&;
  // Returns this status with "<context>: " put before the message. OK stays OK.
  Status WithContext(std::string_view context) &&;

  // The message, with the offset when there is one. "ok" for OK.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::optional<uint64_t> offset_;
};

// One OK status that lives for the whole program, for what returns a status by reference.
const Status& OkStatus();

// Factories, one per code, so call sites read as what went wrong.
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status LimitExceeded(std::string m) { return {Code::kLimitExceeded, std::move(m)}; }
inline Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
inline Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }
inline Status Unsupported(std::string m) { return {Code::kUnsupported, std::move(m)}; }

// `name` in backticks for a message, cut to at most its first `max_bytes` bytes (never inside a
// UTF-8 character) and "..." when longer. Names a consumer chose (keys, buckets) are cut at 64;
// file paths are given whole (kWhole), so that an error names the file.
inline constexpr size_t kQuotedBytes = 64;
inline constexpr size_t kWhole = SIZE_MAX;
std::string Quoted(std::string_view name, size_t max_bytes = kQuotedBytes);

}  // namespace util

#define UTIL_CONCAT_INNER_(a, b) a##b
#define UTIL_CONCAT_(a, b) UTIL_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the enclosing function when it is an error.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::util::Status status_macro_ = (expr);         \
    if (!status_macro_.ok()) return status_macro_; \
  } while (false)

#endif  // KV_UTIL_STATUS_H_

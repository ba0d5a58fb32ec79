// Result<T>: one value that is either a T or a non-OK Status. Absence is not an error: a lookup
// that may miss returns Result<std::optional<T>>.
#ifndef UTIL_RESULT_H_
#define UTIL_RESULT_H_

#include <cassert>
#include <cstdlib>
#include <utility>
#include <variant>

#include "util/status.h"

namespace util {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  // REQUIRES: !status.ok(). An OK status here is a programming error: a debug build stops at
  // once; a release build keeps the Result an error (kInvalidArgument) rather than invent a value.
  Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {  // NOLINT: implicit
    assert(!std::get<1>(v_).ok() && "util::Result built from an OK status");
    if (std::get<1>(v_).ok()) {
      std::get<1>(v_) = Status(Code::kInvalidArgument, "internal error: Result built from an OK status");
    }
  }

  bool ok() const { return v_.index() == 0; }
  // OK when ok(), else the error.
  const Status& status() const { return ok() ? OkStatus() : std::get<1>(v_); }
  Status take_status() && { return ok() ? Status::Ok() : std::move(std::get<1>(v_)); }

  // REQUIRES: ok(). Checked: a violation aborts rather than read garbage.
  T& value() & { return Checked(); }
  const T& value() const& { return const_cast<Result*>(this)->Checked(); }
  T&& value() && { return std::move(Checked()); }
  T& operator*() & { return Checked(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(Checked()); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &value(); }

 private:
  T& Checked() {
    if (!ok()) std::abort();
    return std::get<0>(v_);
  }

  std::variant<T, Status> v_;  // the value, or a non-OK status
};

}  // namespace util

// Evaluates `expr` (a Result); on error returns its status, else moves the value into `lhs`.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(UTIL_CONCAT_(result_macro_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)        \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).take_status(); \
  lhs = std::move(tmp).value()

#endif  // UTIL_RESULT_H_

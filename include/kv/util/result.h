// Result<T>: one value that is either a T or a non-OK Status. Absence is not an error: a lookup
// that may miss returns Result<std::optional<T>>. A plain value that owns what it holds.
// REQUIRES (checked): an error Result is built from a non-OK Status, and value() is read only
// when ok().
#ifndef KV_UTIL_RESULT_H_
#define KV_UTIL_RESULT_H_

#include <cassert>
#include <cstdlib>
#include <utility>
#include <new>

#include "kv/util/status.h"

namespace util {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : ok_(true) { new (&value_) T(std::move(value)); }  // NOLINT: implicit by design
  // REQUIRES: !status.ok(). An OK status here is a programming error: a debug build stops at
  // once; a release build keeps the Result an error (kInvalidArgument) rather than invent a value.
  Result(Status status) : ok_(false) {  // NOLINT: implicit by design
    assert(!status.ok() && "util::Result built from an OK status");
    if (status.ok()) status = Status(Code::kInvalidArgument, "internal error: Result built from an OK status");
    new (&status_) Status(std::move(status));
  }
  Result(Result&& other) noexcept : ok_(other.ok_) { ConstructFrom(std::move(other)); }
  Result(const Result& other) : ok_(other.ok_) { ConstructFrom(other); }
  Result& operator=(Result&& other) noexcept {
    if (this != &other) {
      Destroy();
      ok_ = other.ok_;
      ConstructFrom(std::move(other));
    }
    return *this;
  }
  Result& operator=(const Result& other) {
    if (this != &other) {
      Destroy();
      ok_ = other.ok_;
      ConstructFrom(other);
    }
    return *this;
  }
  ~Result() { Destroy(); }

  bool ok() const { return ok_; }
  // OK when ok(), else the error.
  const Status& status() const { return ok_ ? OkStatus() : status_; }
  Status take_status() && { return ok_ ? Status::Ok() : std::move(status_); }

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
    if (!ok_) std::abort();
    return value_;
  }
  template <class R>
  void ConstructFrom(R&& other) {
    if (ok_) {
      new (&value_) T(std::forward<R>(other).value_);
    } else {
      new (&status_) Status(std::forward<R>(other).status_);
    }
  }
  void Destroy() {
    if (ok_) {
      value_.~T();
    } else {
      status_.~Status();
    }
  }

  // One of the two, as ok_ says: a tagged union rather than std::variant, which made every
  // component about 25 KiB larger.
  bool ok_;
  union {
    T value_;
    Status status_;
  };
};

}  // namespace util

// Evaluates `expr` (a Result); on error returns its status, else moves the value into `lhs`.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(UTIL_CONCAT_(result_macro_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)        \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).take_status(); \
  lhs = std::move(tmp).value()

#endif  // KV_UTIL_RESULT_H_

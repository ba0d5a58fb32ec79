#include "bindings/keyvalue_errors.h"

#include <cassert>
#include <string>
#include <utility>

#include "util/utf8.h"

namespace bindings::keyvalue {

Error::Value ToWitError(const util::Status& status, Call call) {
  assert(!status.ok());
  if (status.code() == util::Code::kNotFound && call == Call::kOpenBucket) {
    return Error::Value(std::in_place_index<kNoSuchStore>);
  }
  if (status.code() == util::Code::kPermissionDenied) {
    return Error::Value(std::in_place_index<kAccessDenied>);
  }
  // Every string we return must be UTF-8: a message can quote what a server or a file held.
  return Error::Value(std::in_place_index<kOther>, util::ToValidUtf8(status.ToString()));
}

util::Status FromWitError(const Error::Value& error) {
  switch (error.index()) {
    case kNoSuchStore:
      return util::Status(util::Code::kNotFound, "no-such-store");
    case kAccessDenied:
      return util::Status(util::Code::kPermissionDenied, "access-denied");
    default:
      return util::Status(util::Code::kUnknown, std::get<kOther>(error));
  }
}

}  // namespace bindings::keyvalue

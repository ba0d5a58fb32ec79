// Where the engine's util::Status meets the contract's `error` variant, in both directions. This
// is the one place that knows both: the layers below report generic codes, and only here do they
// become no-such-store, access-denied or other(message).
//
//   to the WIT (a provider's export):  kNotFound from opening a bucket -> no-such-store (the
//     store does not serve that name); kPermissionDenied -> access-denied; anything else ->
//     other(the status as text, made valid UTF-8). kNotFound from any other call is other too:
//     there it means something the provider itself missed, not an unknown bucket.
//   from the WIT (a consumer's import): no-such-store -> kNotFound, access-denied ->
//     kPermissionDenied, other(message) -> kUnknown with the provider's message.
#ifndef BINDINGS_KEYVALUE_ERRORS_H_
#define BINDINGS_KEYVALUE_ERRORS_H_

#include "bindings/keyvalue_types.h"
#include "kv/util/status.h"

namespace bindings::keyvalue {

// Which call an error answers: opening a bucket by name, or anything else.
enum class Call { kOpenBucket, kOther };

// REQUIRES: !status.ok().
Error::Value ToWitError(const util::Status& status, Call call);

util::Status FromWitError(const Error::Value& error);

}  // namespace bindings::keyvalue

#endif  // BINDINGS_KEYVALUE_ERRORS_H_

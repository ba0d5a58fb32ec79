// The export side of wasi:keyvalue@0.2.0-draft (store, atomics, batch): core functions named as
// wit-component expects (docs/canonical-abi.md, "Names") that lift their arguments, call a
// kv::Store and lower the results. A provider component links keyvalue_exports.cc and defines
// MakeProviderStore(); nothing else.
//
// No input makes these functions trap: engine errors, limits and bad configuration all become
// wasi:keyvalue errors. Only running out of memory traps.
#ifndef BINDINGS_KEYVALUE_EXPORTS_H_
#define BINDINGS_KEYVALUE_EXPORTS_H_

#include <memory>

#include "kv/engine/store.h"
#include "kv/util/result.h"

namespace bindings::keyvalue {

// Defined by each provider component: builds the store its exports serve. Called once, at the
// first `open`; when it fails (a bad setting, say), every `open` returns its message as
// error::other.
util::Result<std::unique_ptr<kv::Store>> MakeProviderStore();

}  // namespace bindings::keyvalue

#endif  // BINDINGS_KEYVALUE_EXPORTS_H_

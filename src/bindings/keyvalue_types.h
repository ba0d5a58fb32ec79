// Canonical ABI descriptors of the wasi:keyvalue@0.2.0-draft and @0.2.0-draft2 types, shared by the export glue
// (providers) and the import glue (consumers). Layouts are checked against the WIT in
// keyvalue_types_test.cc.
#ifndef BINDINGS_KEYVALUE_TYPES_H_
#define BINDINGS_KEYVALUE_TYPES_H_

#include <string_view>

#include "abi/layout.h"

namespace bindings::keyvalue {

inline constexpr std::string_view kStore = "wasi:keyvalue/store@0.2.0-draft";
inline constexpr std::string_view kAtomics = "wasi:keyvalue/atomics@0.2.0-draft";
inline constexpr std::string_view kBatch = "wasi:keyvalue/batch@0.2.0-draft";
inline constexpr std::string_view kStore2 = "wasi:keyvalue/store@0.2.0-draft2";
inline constexpr std::string_view kAtomics2 = "wasi:keyvalue/atomics@0.2.0-draft2";
inline constexpr std::string_view kBatch2 = "wasi:keyvalue/batch@0.2.0-draft2";

// variant error { no-such-store, access-denied, other(string) }
using Error = cabi::Variant<cabi::Unit, cabi::Unit, cabi::String>;
enum ErrorCase : uint32_t { kNoSuchStore = 0, kAccessDenied = 1, kOther = 2 };

using Bytes = cabi::List<cabi::U8>;
// record key-response { keys: list<string>, cursor: option<u64> }
using KeyResponse = cabi::Tuple<cabi::List<cabi::String>, cabi::Option<cabi::U64>>;
using KeyValue = cabi::Tuple<cabi::String, Bytes>;

using OpenResult = cabi::Result<cabi::Handle, Error>;
using GetResult = cabi::Result<cabi::Option<Bytes>, Error>;
// The same result, as a provider returns it: the value already placed in its memory.
using PlacedGetResult = cabi::Result<cabi::Option<cabi::PlacedBytes>, Error>;
using UnitResult = cabi::Result<cabi::Unit, Error>;
using BoolResult = cabi::Result<cabi::Bool, Error>;
using ListKeysResult = cabi::Result<KeyResponse, Error>;
using IncrementResult = cabi::Result<cabi::U64, Error>;
using GetManyResult = cabi::Result<cabi::List<cabi::Option<KeyValue>>, Error>;

// draft2 differs in the cursor, the counter's sign and compare-and-swap; the rest is draft's.
// record key-response { keys: list<string>, cursor: option<string> }
using KeyResponse2 = cabi::Tuple<cabi::List<cabi::String>, cabi::Option<cabi::String>>;
using ListKeysResult2 = cabi::Result<KeyResponse2, Error>;
using IncrementResult2 = cabi::Result<cabi::S64, Error>;
// variant cas-error { store-error(error), cas-failed(cas) }
using CasError = cabi::Variant<Error, cabi::Handle>;
enum CasErrorCase : uint32_t { kStoreError = 0, kCasFailed = 1 };
using CasNewResult = cabi::Result<cabi::Handle, Error>;
using SwapResult = cabi::Result<cabi::Unit, CasError>;

// Room for any of the results above, for a static return area.
inline constexpr uint32_t kReturnAreaSize = 32;
inline constexpr uint32_t kReturnAreaAlign = 8;

}  // namespace bindings::keyvalue

#endif  // BINDINGS_KEYVALUE_TYPES_H_

// The core imports of one contract version, as a table the typed client (keyvalue_imports.h)
// calls through. Each version's table lives in its own file, so that a consumer links the
// imports of the versions its world has and no others: keyvalue_imports_draft.cc holds draft's,
// keyvalue_imports_draft2.cc draft2's. Entries a version lacks are null.
#ifndef BINDINGS_KEYVALUE_IMPORT_TABLE_H_
#define BINDINGS_KEYVALUE_IMPORT_TABLE_H_

#include <cstdint>

namespace bindings::keyvalue {

// Results come back through the trailing return pointer (`ret`).
struct ImportTable {
  void (*open)(uint32_t ptr, uint32_t len, uint32_t ret);
  void (*bucket_drop)(uint32_t handle);
  void (*get)(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
  void (*set)(uint32_t self, uint32_t kptr, uint32_t klen, uint32_t vptr, uint32_t vlen,
              uint32_t ret);
  void (*del)(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
  void (*exists)(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
  // draft: option<u64>; draft2: option<string>.
  void (*list_keys)(uint32_t self, uint32_t is_some, uint64_t cursor, uint32_t ret);
  void (*list_keys_text)(uint32_t self, uint32_t is_some, uint32_t ptr, uint32_t len,
                         uint32_t ret);
  // draft: u64; draft2: s64.
  void (*increment)(uint32_t bucket, uint32_t ptr, uint32_t len, uint64_t delta, uint32_t ret);
  void (*increment_signed)(uint32_t bucket, uint32_t ptr, uint32_t len, int64_t delta,
                           uint32_t ret);
  void (*get_many)(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);
  void (*set_many)(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);
  void (*delete_many)(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);
  // draft2's cas.
  void (*cas_new)(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);
  void (*cas_current)(uint32_t self, uint32_t ret);
  void (*cas_drop)(uint32_t handle);
  void (*swap)(uint32_t cas, uint32_t ptr, uint32_t len, uint32_t ret);
};

// Each version's table, or null in a component built without its file: weak definitions in
// keyvalue_imports.cc return null, and opening a bucket of that version is kUnsupported.
const ImportTable* DraftImports();   // keyvalue_imports_draft.cc
const ImportTable* Draft2Imports();  // keyvalue_imports_draft2.cc

}  // namespace bindings::keyvalue

#endif  // BINDINGS_KEYVALUE_IMPORT_TABLE_H_

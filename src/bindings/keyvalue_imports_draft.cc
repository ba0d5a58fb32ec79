// draft's core imports and their table (keyvalue_import_table.h). Linked into consumers whose
// world imports wasi:keyvalue@0.2.0-draft.
#include "bindings/keyvalue_import_table.h"

#define KV_STORE "wasi:keyvalue/store@0.2.0-draft"
#define KV_ATOMICS "wasi:keyvalue/atomics@0.2.0-draft"
#define KV_BATCH "wasi:keyvalue/batch@0.2.0-draft"
#define KV_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

// draft's core imports, lowered: results come back through the trailing return pointer.
extern "C" {
KV_IMPORT(KV_STORE, "open") void kv_import_open(uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_STORE, "[resource-drop]bucket") void kv_import_bucket_drop(uint32_t handle);
KV_IMPORT(KV_STORE, "[method]bucket.get")
void kv_import_get(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_STORE, "[method]bucket.set")
void kv_import_set(uint32_t self, uint32_t kptr, uint32_t klen, uint32_t vptr, uint32_t vlen,
                   uint32_t ret);
KV_IMPORT(KV_STORE, "[method]bucket.delete")
void kv_import_delete(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_STORE, "[method]bucket.exists")
void kv_import_exists(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_STORE, "[method]bucket.list-keys")
void kv_import_list_keys(uint32_t self, uint32_t is_some, uint64_t cursor, uint32_t ret);
KV_IMPORT(KV_ATOMICS, "increment")
void kv_import_increment(uint32_t bucket, uint32_t ptr, uint32_t len, uint64_t delta, uint32_t ret);
KV_IMPORT(KV_BATCH, "get-many")
void kv_import_get_many(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_BATCH, "set-many")
void kv_import_set_many(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_BATCH, "delete-many")
void kv_import_delete_many(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);

}

namespace bindings::keyvalue {

const ImportTable* DraftImports() {
  static constexpr ImportTable kTable = {
      .open = kv_import_open,
      .bucket_drop = kv_import_bucket_drop,
      .get = kv_import_get,
      .set = kv_import_set,
      .del = kv_import_delete,
      .exists = kv_import_exists,
      .list_keys = kv_import_list_keys,
      .list_keys_text = nullptr,
      .increment = kv_import_increment,
      .increment_signed = nullptr,
      .get_many = kv_import_get_many,
      .set_many = kv_import_set_many,
      .delete_many = kv_import_delete_many,
      .cas_new = nullptr,
      .cas_current = nullptr,
      .cas_drop = nullptr,
      .swap = nullptr,
  };
  return &kTable;
}

}  // namespace bindings::keyvalue

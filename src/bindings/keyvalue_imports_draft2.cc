// draft2's core imports and their table (keyvalue_import_table.h). Linked into consumers whose
// world imports wasi:keyvalue@0.2.0-draft2.
#include "bindings/keyvalue_import_table.h"

#define KV_STORE2 "wasi:keyvalue/store@0.2.0-draft2"
#define KV_ATOMICS2 "wasi:keyvalue/atomics@0.2.0-draft2"
#define KV_BATCH2 "wasi:keyvalue/batch@0.2.0-draft2"
#define KV_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

extern "C" {
KV_IMPORT(KV_STORE2, "open") void kv2_import_open(uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_STORE2, "[resource-drop]bucket") void kv2_import_bucket_drop(uint32_t handle);
KV_IMPORT(KV_STORE2, "[method]bucket.get")
void kv2_import_get(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_STORE2, "[method]bucket.set")
void kv2_import_set(uint32_t self, uint32_t kptr, uint32_t klen, uint32_t vptr, uint32_t vlen,
                    uint32_t ret);
KV_IMPORT(KV_STORE2, "[method]bucket.delete")
void kv2_import_delete(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_STORE2, "[method]bucket.exists")
void kv2_import_exists(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_STORE2, "[method]bucket.list-keys")
void kv2_import_list_keys(uint32_t self, uint32_t is_some, uint32_t ptr, uint32_t len,
                          uint32_t ret);
KV_IMPORT(KV_ATOMICS2, "increment")
void kv2_import_increment(uint32_t bucket, uint32_t ptr, uint32_t len, int64_t delta,
                          uint32_t ret);
KV_IMPORT(KV_ATOMICS2, "[static]cas.new")
void kv2_import_cas_new(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_ATOMICS2, "[method]cas.current") void kv2_import_cas_current(uint32_t self, uint32_t ret);
KV_IMPORT(KV_ATOMICS2, "[resource-drop]cas") void kv2_import_cas_drop(uint32_t handle);
KV_IMPORT(KV_ATOMICS2, "swap")
void kv2_import_swap(uint32_t cas, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_BATCH2, "get-many")
void kv2_import_get_many(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_BATCH2, "set-many")
void kv2_import_set_many(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);
KV_IMPORT(KV_BATCH2, "delete-many")
void kv2_import_delete_many(uint32_t bucket, uint32_t ptr, uint32_t len, uint32_t ret);
}

namespace bindings::keyvalue {

const ImportTable* Draft2Imports() {
  static constexpr ImportTable kTable = {
      .open = kv2_import_open,
      .bucket_drop = kv2_import_bucket_drop,
      .get = kv2_import_get,
      .set = kv2_import_set,
      .del = kv2_import_delete,
      .exists = kv2_import_exists,
      .list_keys = nullptr,
      .list_keys_text = kv2_import_list_keys,
      .increment = nullptr,
      .increment_signed = kv2_import_increment,
      .get_many = kv2_import_get_many,
      .set_many = kv2_import_set_many,
      .delete_many = kv2_import_delete_many,
      .cas_new = kv2_import_cas_new,
      .cas_current = kv2_import_cas_current,
      .cas_drop = kv2_import_cas_drop,
      .swap = kv2_import_swap,
  };
  return &kTable;
}

}  // namespace bindings::keyvalue

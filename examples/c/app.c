// A key-value consumer written in C over the bindings that wit-bindgen's C generator writes
// (examples/README.md), against wasi:keyvalue@0.2.0-draft: the store, atomics and batch, every
// answer checked; a wrong one fails the run. wit-bindgen names everything after the interface
// and its version; the short names below are ours.
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "consumer.h"

typedef consumer_string_t string_t;
typedef consumer_list_u8_t bytes_t;
typedef wasi_keyvalue_0_2_0_draft_store_error_t error_t;
typedef wasi_keyvalue_0_2_0_draft_store_own_bucket_t own_bucket_t;
typedef wasi_keyvalue_0_2_0_draft_store_borrow_bucket_t bucket_t;

static int failed = 0;

static string_t str(const char* s) {
  string_t out = {(uint8_t*)s, strlen(s)};
  return out;
}

static bytes_t bytes(const char* s) {
  bytes_t out = {(uint8_t*)s, strlen(s)};
  return out;
}

// Prints what a failed call returned and marks the run failed.
static void report(const char* what, error_t* err) {
  if (err->tag == WASI_KEYVALUE_0_2_0_DRAFT_STORE_ERROR_OTHER) {
    printf("c consumer: FAILED: %s: %.*s\n", what, (int)err->val.other.len,
           (const char*)err->val.other.ptr);
  } else {
    printf("c consumer: FAILED: %s: error case %d\n", what, (int)err->tag);
  }
  wasi_keyvalue_0_2_0_draft_store_error_free(err);
  failed = 1;
}

static void check_text(const char* what, const consumer_option_list_u8_t* got, const char* want) {
  char shown[128];
  if (got->is_some) {
    snprintf(shown, sizeof shown, "%.*s", (int)got->val.len, (const char*)got->val.ptr);
  } else {
    snprintf(shown, sizeof shown, "none");
  }
  if (strcmp(shown, want) != 0) {
    printf("c consumer: FAILED: %s: got %s, expected %s\n", what, shown, want);
    failed = 1;
    return;
  }
  printf("%s -> %s\n", what, shown);
}

static void get(bucket_t b, const char* key, const char* want) {
  string_t k = str(key);
  consumer_option_list_u8_t value;
  error_t err;
  char what[64];
  snprintf(what, sizeof what, "get %s", key);
  if (!wasi_keyvalue_0_2_0_draft_store_method_bucket_get(b, &k, &value, &err)) {
    report(what, &err);
    return;
  }
  check_text(what, &value, want);
  consumer_option_list_u8_free(&value);
}

static void increment(bucket_t b, uint64_t delta, uint64_t want) {
  string_t key = str("counter");
  uint64_t got;
  error_t err;
  if (!wasi_keyvalue_0_2_0_draft_atomics_increment(b, &key, delta, &got, &err)) {
    report("increment", &err);
    return;
  }
  if (got != want) {
    printf("c consumer: FAILED: increment by %" PRIu64 ": got %" PRIu64 ", expected %" PRIu64 "\n",
           delta, got, want);
    failed = 1;
    return;
  }
  printf("increment counter by %" PRIu64 " -> %" PRIu64 "\n", delta, got);
}

static void delete_many(bucket_t b, const char** keys, size_t n) {
  string_t list[8];
  for (size_t i = 0; i < n; ++i) list[i] = str(keys[i]);
  consumer_list_string_t arg = {list, n};
  error_t err;
  if (!wasi_keyvalue_0_2_0_draft_batch_delete_many(b, &arg, &err)) report("delete-many", &err);
}

static void run_checks(bucket_t b) {
  const char* all[] = {"greeting", "counter", "fruit/a", "fruit/b"};
  delete_many(b, all, 4);

  string_t key = str("greeting");
  bytes_t value = bytes("hello from C");
  error_t err;
  if (!wasi_keyvalue_0_2_0_draft_store_method_bucket_set(b, &key, &value, &err)) {
    report("set greeting", &err);
  }
  get(b, "greeting", "hello from C");
  get(b, "absent", "none");

  increment(b, 5, 5);
  increment(b, 2, 7);
  get(b, "counter", "7");

  consumer_tuple2_string_list_u8_t pairs[] = {{str("fruit/a"), bytes("apple")},
                                              {str("fruit/b"), bytes("banana")}};
  consumer_list_tuple2_string_list_u8_t pair_list = {pairs, 2};
  if (!wasi_keyvalue_0_2_0_draft_batch_set_many(b, &pair_list, &err)) report("set-many", &err);

  string_t keys[] = {str("fruit/a"), str("fruit/missing"), str("fruit/b")};
  consumer_list_string_t key_list = {keys, 3};
  consumer_list_option_tuple2_string_list_u8_t got;
  if (!wasi_keyvalue_0_2_0_draft_batch_get_many(b, &key_list, &got, &err)) {
    report("get-many", &err);
  } else {
    char line[256] = "";
    for (size_t i = 0; i < got.len; ++i) {
      char item[96];
      if (got.ptr[i].is_some) {
        snprintf(item, sizeof item, "%s%.*s=%.*s", i ? " " : "", (int)got.ptr[i].val.f0.len,
                 (const char*)got.ptr[i].val.f0.ptr, (int)got.ptr[i].val.f1.len,
                 (const char*)got.ptr[i].val.f1.ptr);
      } else {
        snprintf(item, sizeof item, "%snone", i ? " " : "");
      }
      strncat(line, item, sizeof line - strlen(line) - 1);
    }
    consumer_list_option_tuple2_string_list_u8_free(&got);
    if (strcmp(line, "fruit/a=apple none fruit/b=banana") != 0) {
      printf("c consumer: FAILED: get-many: got %s\n", line);
      failed = 1;
    } else {
      printf("get-many -> %s\n", line);
    }
  }

  const char* fruit[] = {"fruit/a", "fruit/b"};
  delete_many(b, fruit, 2);
  string_t gone = str("fruit/a");
  bool exists = true;
  if (!wasi_keyvalue_0_2_0_draft_store_method_bucket_exists(b, &gone, &exists, &err)) {
    report("exists", &err);
  } else if (exists) {
    printf("c consumer: FAILED: fruit/a exists after delete-many\n");
    failed = 1;
  } else {
    printf("exists fruit/a after delete-many -> false\n");
  }
}

bool exports_wasi_cli_run_run(void) {
  string_t name = str("examples-c");
  own_bucket_t bucket;
  error_t err;
  if (!wasi_keyvalue_0_2_0_draft_store_open(&name, &bucket, &err)) {
    report("open", &err);
  } else {
    run_checks(wasi_keyvalue_0_2_0_draft_store_borrow_bucket(bucket));
    wasi_keyvalue_0_2_0_draft_store_bucket_drop_own(bucket);
  }
  if (!failed) printf("c consumer: all checks passed\n");
  fflush(stdout);  // a reactor's stdout is not flushed at exit
  return !failed;
}

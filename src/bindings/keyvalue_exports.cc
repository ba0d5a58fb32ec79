#include "bindings/keyvalue_exports.h"

#include <optional>
#include <string_view>
#include <vector>

#include "abi/codec.h"
#include "abi/guest.h"
#include "bindings/keyvalue_errors.h"
#include "bindings/keyvalue_types.h"
#include "kv/engine/counter.h"
#include "util/decimal.h"
#include "util/utf8.h"

namespace bindings::keyvalue {

// The representation behind a `bucket` handle of either version: what our own methods receive as
// `self`. Both versions' buckets are handles on the same kv::Store, so they share all data.
struct BucketRep {
  kv::Bucket bucket;
};

// The representation behind a draft2 `cas` handle: the key's state as it was seen.
struct CasRep {
  kv::Bucket bucket;
  kv::CasState seen;
};

namespace {

using cabi::GuestMemory;

// One return area serves every export: a call's results are read and post-returned before the
// runtime lets the next call in (docs/canonical-abi.md, "Ownership across a call": a synchronous
// export is never reentered).
alignas(kReturnAreaAlign) uint8_t g_return_area[kReturnAreaSize];

uint32_t ReturnArea() { return cabi::AddressOf(g_return_area); }

// Stores `result` (a util::Result or Status) into the return area as a WIT result, converting the
// ok value with `ok` and an error as the answer to `call` (keyvalue_errors.h).
template <class ResultT, class Value, class Convert>
uint32_t Return(Value&& value, Convert&& ok, Call call = Call::kOther) {
  GuestMemory mem;
  typename ResultT::Value out;
  if (value.ok()) {
    out.template emplace<0>(ok(value));
  } else {
    out.template emplace<1>(ToWitError(value.status(), call));
  }
  cabi::Codec<ResultT>::Store(mem, ReturnArea(), out);
  return ReturnArea();
}

uint32_t ReturnStatus(const util::Status& status) {
  GuestMemory mem;
  UnitResult::Value out;
  if (!status.ok()) out.emplace<1>(ToWitError(status, Call::kOther));
  cabi::Codec<UnitResult>::Store(mem, ReturnArea(), out);
  return ReturnArea();
}

template <class ResultT>
void PostReturn(uint32_t area) {
  GuestMemory mem;
  cabi::Codec<ResultT>::Release(mem, area);
}

// A ValueSink that places the value a result hands over in this component's memory: a buffer it
// allocates, or the backend's own bytes when the backend lends them. Lent bytes stay valid until
// the next call into this component, and the runtime reads a result before it makes one.
class PlacingSink final : public kv::ValueSink {
 public:
  uint8_t* Allocate(size_t size) override {
    placed_.len = static_cast<uint32_t>(size);
    if (size == 0) return nullptr;
    void* p = std::malloc(size);
    if (p == nullptr) return nullptr;
    placed_.ptr = cabi::AddressOf(p);
    return static_cast<uint8_t*>(p);
  }
  bool Lend(kv::ByteView value) override {
    placed_ = {cabi::AddressOf(value.data()), static_cast<uint32_t>(value.size())};
    lent_ = true;
    return true;
  }
  // Frees what was allocated, when the result is an error after all.
  void Discard() {
    if (!lent_ && placed_.len != 0 && placed_.ptr != 1) {
      std::free(cabi::PointerAt<void>(placed_.ptr));
    }
    placed_ = {};
    lent_ = false;
  }
  cabi::PlacedBytes::Value placed() const { return placed_; }
  bool lent() const { return lent_; }

 private:
  cabi::PlacedBytes::Value placed_;
  bool lent_ = false;
};

// Whether the value in the return area of the latest get is lent, not ours to free: its
// post-return then leaves it alone.
bool g_get_value_lent = false;

void PostReturnGet(uint32_t area) {
  if (g_get_value_lent) {
    g_get_value_lent = false;
    return;
  }
  PostReturn<GetResult>(area);
}

// The store, built at the first open. A failure is kept and reported by every open.
util::Result<std::unique_ptr<kv::Store>>& ProviderStore() {
  static util::Result<std::unique_ptr<kv::Store>> store = MakeProviderStore();
  return store;
}

// A list<string> argument: the array and every string are ours to free.
class InStringList {
 public:
  InStringList(uint32_t ptr, uint32_t len) : ptr_(ptr), len_(len) {
    views_.reserve(len);
    for (uint32_t i = 0; i < len; ++i) {
      uint32_t at = ptr + i * cabi::String::kLayout.size;
      views_.emplace_back(cabi::PointerAt<const char>(cabi::LoadU32(mem_, at)),
                          cabi::LoadU32(mem_, at + 4));
    }
  }
  ~InStringList() { cabi::Codec<cabi::List<cabi::String>>::ReleaseElements(mem_, ptr_, len_); }
  InStringList(const InStringList&) = delete;
  InStringList& operator=(const InStringList&) = delete;

  std::span<const std::string_view> views() const { return views_; }

 private:
  GuestMemory mem_;
  uint32_t ptr_, len_;
  std::vector<std::string_view> views_;
};

// ---- the operations, shared by both versions' exports ----

using ResourceNew = uint32_t (*)(void* rep);

uint32_t Open(uint32_t name_ptr, uint32_t name_len, ResourceNew resource_new) {
  cabi::InBuffer name(name_ptr, name_len);
  auto& store = ProviderStore();
  if (!store.ok()) return Return<OpenResult>(store, [](auto&) { return 0u; });
  auto bucket = (*store)->Open(name.text());
  return Return<OpenResult>(
      bucket, [&](auto& b) { return resource_new(new BucketRep{std::move(b).value()}); },
      Call::kOpenBucket);
}

uint32_t Get(BucketRep* self, uint32_t key_ptr, uint32_t key_len) {
  cabi::InBuffer key(key_ptr, key_len);
  // The value goes straight from the store into the buffer the caller receives.
  PlacingSink sink;
  auto found = self->bucket.GetInto(key.text(), sink);
  if (!found.ok()) sink.Discard();
  g_get_value_lent = found.ok() && *found && sink.lent();
  return Return<PlacedGetResult>(
      found, [&](auto& f) { return *f ? std::optional(sink.placed()) : std::nullopt; });
}

uint32_t Set(BucketRep* self, uint32_t key_ptr, uint32_t key_len, uint32_t value_ptr,
             uint32_t value_len) {
  cabi::InBuffer key(key_ptr, key_len);
  cabi::InBuffer value(value_ptr, value_len);
  return ReturnStatus(self->bucket.Set(key.text(), value.bytes()));
}

uint32_t Delete(BucketRep* self, uint32_t key_ptr, uint32_t key_len) {
  cabi::InBuffer key(key_ptr, key_len);
  return ReturnStatus(self->bucket.Delete(key.text()));
}

uint32_t Exists(BucketRep* self, uint32_t key_ptr, uint32_t key_len) {
  cabi::InBuffer key(key_ptr, key_len);
  auto exists = self->bucket.Exists(key.text());
  return Return<BoolResult>(exists, [](auto& e) { return *e; });
}

// One page, with the keys that are not UTF-8 (another Redis client can write one) left out: they
// cannot be named through a WIT string (README, "Contract").
util::Result<kv::KeyPage> ListKeys(BucketRep* self, std::optional<uint64_t> from) {
  auto page = self->bucket.ListKeys(from);
  if (page.ok()) std::erase_if(page->keys, [](auto& k) { return !util::IsValidUtf8(k); });
  return page;
}

uint32_t GetMany(BucketRep* bucket, uint32_t keys_ptr, uint32_t keys_len) {
  InStringList keys(keys_ptr, keys_len);
  auto values = bucket->bucket.GetMany(keys.views());
  return Return<GetManyResult>(values, [&keys](auto& v) {
    std::vector<std::optional<KeyValue::Value>> out;
    out.reserve(v->size());
    for (size_t i = 0; i < v->size(); ++i) {
      auto& value = (*v)[i];
      if (value) {
        out.emplace_back(std::in_place, std::string(keys.views()[i]), std::move(*value));
      } else {
        out.emplace_back();
      }
    }
    return out;
  });
}

uint32_t SetMany(BucketRep* bucket, uint32_t pairs_ptr, uint32_t pairs_len) {
  GuestMemory mem;
  constexpr uint32_t kPairSize = KeyValue::kLayout.size;
  constexpr uint32_t kValueOffset = KeyValue::kOffset<1>;
  std::vector<kv::KeyValueView> pairs;
  pairs.reserve(pairs_len);
  for (uint32_t i = 0; i < pairs_len; ++i) {
    uint32_t at = pairs_ptr + i * kPairSize;
    pairs.push_back(
        {{cabi::PointerAt<const char>(cabi::LoadU32(mem, at)), cabi::LoadU32(mem, at + 4)},
         {cabi::PointerAt<const uint8_t>(cabi::LoadU32(mem, at + kValueOffset)),
          cabi::LoadU32(mem, at + kValueOffset + 4)}});
  }
  util::Status status = bucket->bucket.SetMany(pairs);
  cabi::Codec<cabi::List<KeyValue>>::ReleaseElements(mem, pairs_ptr, pairs_len);
  return ReturnStatus(status);
}

uint32_t DeleteMany(BucketRep* bucket, uint32_t keys_ptr, uint32_t keys_len) {
  InStringList keys(keys_ptr, keys_len);
  return ReturnStatus(bucket->bucket.DeleteMany(keys.views()));
}

// draft2's cursor text: the decimal form of the engine's cursor. Anything else was not handed out
// by us and is a clean error.
util::Result<uint64_t> ParseCursor(std::string_view text) {
  if (auto n = util::ParseDecimalU64(text)) return *n;
  return util::InvalidArgument("list-keys: the cursor " + util::Quoted(util::ToValidUtf8(text)) +
                               " was not handed out by this store");
}

}  // namespace
}  // namespace bindings::keyvalue

namespace kvb = bindings::keyvalue;

// Legacy core names (docs/canonical-abi.md): "<interface>#<function>".
#define KV_STORE "wasi:keyvalue/store@0.2.0-draft"
#define KV_ATOMICS "wasi:keyvalue/atomics@0.2.0-draft"
#define KV_BATCH "wasi:keyvalue/batch@0.2.0-draft"
#define KV_STORE2 "wasi:keyvalue/store@0.2.0-draft2"
#define KV_ATOMICS2 "wasi:keyvalue/atomics@0.2.0-draft2"
#define KV_BATCH2 "wasi:keyvalue/batch@0.2.0-draft2"
#define KV_EXPORT(name) extern "C" __attribute__((export_name(name)))

extern "C" {
__attribute__((import_module("[export]" KV_STORE), import_name("[resource-new]bucket"))) uint32_t
kv_bucket_resource_new(void* rep);
__attribute__((import_module("[export]" KV_STORE2), import_name("[resource-new]bucket"))) uint32_t
kv_bucket2_resource_new(void* rep);
__attribute__((import_module("[export]" KV_ATOMICS2), import_name("[resource-new]cas"))) uint32_t
kv_cas_resource_new(void* rep);
__attribute__((import_module("[export]" KV_ATOMICS2), import_name("[resource-rep]cas"))) void*
kv_cas_resource_rep(uint32_t handle);
__attribute__((import_module("[export]" KV_ATOMICS2), import_name("[resource-drop]cas"))) void
kv_cas_resource_drop(uint32_t handle);
}

// The functions both versions share, under each version's names: `STORE` and `BATCH` are the
// interface names, `P` a prefix that keeps the C symbols apart.
#define KV_SHARED_EXPORTS(STORE, BATCH, P)                                                      \
  KV_EXPORT(STORE "#[dtor]bucket") void P##_bucket_dtor(kvb::BucketRep* rep) { delete rep; }   \
  KV_EXPORT(STORE "#[method]bucket.get")                                                       \
  uint32_t P##_get(kvb::BucketRep* self, uint32_t ptr, uint32_t len) {                         \
    return kvb::Get(self, ptr, len);                                                           \
  }                                                                                            \
  KV_EXPORT("cabi_post_" STORE "#[method]bucket.get") void P##_get_post(uint32_t area) {       \
    kvb::PostReturnGet(area);                                                                  \
  }                                                                                            \
  KV_EXPORT(STORE "#[method]bucket.set")                                                       \
  uint32_t P##_set(kvb::BucketRep* self, uint32_t kp, uint32_t kl, uint32_t vp, uint32_t vl) { \
    return kvb::Set(self, kp, kl, vp, vl);                                                     \
  }                                                                                            \
  KV_EXPORT("cabi_post_" STORE "#[method]bucket.set") void P##_set_post(uint32_t area) {       \
    kvb::PostReturn<kvb::UnitResult>(area);                                                    \
  }                                                                                            \
  KV_EXPORT(STORE "#[method]bucket.delete")                                                    \
  uint32_t P##_delete(kvb::BucketRep* self, uint32_t ptr, uint32_t len) {                      \
    return kvb::Delete(self, ptr, len);                                                        \
  }                                                                                            \
  KV_EXPORT("cabi_post_" STORE "#[method]bucket.delete") void P##_delete_post(uint32_t area) { \
    kvb::PostReturn<kvb::UnitResult>(area);                                                    \
  }                                                                                            \
  KV_EXPORT(STORE "#[method]bucket.exists")                                                    \
  uint32_t P##_exists(kvb::BucketRep* self, uint32_t ptr, uint32_t len) {                      \
    return kvb::Exists(self, ptr, len);                                                        \
  }                                                                                            \
  KV_EXPORT("cabi_post_" STORE "#[method]bucket.exists") void P##_exists_post(uint32_t area) { \
    kvb::PostReturn<kvb::BoolResult>(area);                                                    \
  }                                                                                            \
  KV_EXPORT(BATCH "#get-many")                                                                 \
  uint32_t P##_get_many(kvb::BucketRep* bucket, uint32_t ptr, uint32_t len) {                  \
    return kvb::GetMany(bucket, ptr, len);                                                     \
  }                                                                                            \
  KV_EXPORT("cabi_post_" BATCH "#get-many") void P##_get_many_post(uint32_t area) {            \
    kvb::PostReturn<kvb::GetManyResult>(area);                                                 \
  }                                                                                            \
  KV_EXPORT(BATCH "#set-many")                                                                 \
  uint32_t P##_set_many(kvb::BucketRep* bucket, uint32_t ptr, uint32_t len) {                  \
    return kvb::SetMany(bucket, ptr, len);                                                     \
  }                                                                                            \
  KV_EXPORT("cabi_post_" BATCH "#set-many") void P##_set_many_post(uint32_t area) {            \
    kvb::PostReturn<kvb::UnitResult>(area);                                                    \
  }                                                                                            \
  KV_EXPORT(BATCH "#delete-many")                                                              \
  uint32_t P##_delete_many(kvb::BucketRep* bucket, uint32_t ptr, uint32_t len) {               \
    return kvb::DeleteMany(bucket, ptr, len);                                                  \
  }                                                                                            \
  KV_EXPORT("cabi_post_" BATCH "#delete-many") void P##_delete_many_post(uint32_t area) {      \
    kvb::PostReturn<kvb::UnitResult>(area);                                                    \
  }

KV_SHARED_EXPORTS(KV_STORE, KV_BATCH, kv)
KV_SHARED_EXPORTS(KV_STORE2, KV_BATCH2, kv2)

// ---- wasi:keyvalue@0.2.0-draft ----

KV_EXPORT(KV_STORE "#open") uint32_t kv_open(uint32_t name_ptr, uint32_t name_len) {
  return kvb::Open(name_ptr, name_len, kv_bucket_resource_new);
}
KV_EXPORT("cabi_post_" KV_STORE "#open") void kv_open_post(uint32_t area) {
  kvb::PostReturn<kvb::OpenResult>(area);
}

KV_EXPORT(KV_STORE "#[method]bucket.list-keys")
uint32_t kv_list_keys(kvb::BucketRep* self, uint32_t cursor_is_some, uint64_t cursor) {
  std::optional<uint64_t> from;
  if (cursor_is_some != 0) from = cursor;
  auto page = kvb::ListKeys(self, from);
  return kvb::Return<kvb::ListKeysResult>(
      page, [](auto& p) { return kvb::KeyResponse::Value(std::move(p->keys), p->cursor); });
}
KV_EXPORT("cabi_post_" KV_STORE "#[method]bucket.list-keys") void kv_list_keys_post(uint32_t area) {
  kvb::PostReturn<kvb::ListKeysResult>(area);
}

KV_EXPORT(KV_ATOMICS "#increment")
uint32_t kv_increment(kvb::BucketRep* bucket, uint32_t key_ptr, uint32_t key_len, uint64_t delta) {
  cabi::InBuffer key(key_ptr, key_len);
  auto sum = bucket->bucket.Increment(key.text(), delta);
  return kvb::Return<kvb::IncrementResult>(sum, [](auto& s) { return *s; });
}
KV_EXPORT("cabi_post_" KV_ATOMICS "#increment") void kv_increment_post(uint32_t area) {
  kvb::PostReturn<kvb::IncrementResult>(area);
}

// ---- wasi:keyvalue@0.2.0-draft2 ----

KV_EXPORT(KV_STORE2 "#open") uint32_t kv2_open(uint32_t name_ptr, uint32_t name_len) {
  return kvb::Open(name_ptr, name_len, kv_bucket2_resource_new);
}
KV_EXPORT("cabi_post_" KV_STORE2 "#open") void kv2_open_post(uint32_t area) {
  kvb::PostReturn<kvb::OpenResult>(area);
}

KV_EXPORT(KV_STORE2 "#[method]bucket.list-keys")
uint32_t kv2_list_keys(kvb::BucketRep* self, uint32_t cursor_is_some, uint32_t cursor_ptr,
                       uint32_t cursor_len) {
  auto page = [&]() -> util::Result<kv::KeyPage> {
    if (cursor_is_some == 0) return kvb::ListKeys(self, std::nullopt);
    cabi::InBuffer cursor(cursor_ptr, cursor_len);  // ours to free, whatever it holds
    ASSIGN_OR_RETURN(uint64_t from, kvb::ParseCursor(cursor.text()));
    return kvb::ListKeys(self, from);
  }();
  return kvb::Return<kvb::ListKeysResult2>(page, [](auto& p) {
    std::optional<std::string> next;
    if (p->cursor) next = kv::FormatCounter(*p->cursor);
    return kvb::KeyResponse2::Value(std::move(p->keys), std::move(next));
  });
}
KV_EXPORT("cabi_post_" KV_STORE2 "#[method]bucket.list-keys")
void kv2_list_keys_post(uint32_t area) {
  kvb::PostReturn<kvb::ListKeysResult2>(area);
}

KV_EXPORT(KV_ATOMICS2 "#increment")
uint32_t kv2_increment(kvb::BucketRep* bucket, uint32_t key_ptr, uint32_t key_len, int64_t delta) {
  cabi::InBuffer key(key_ptr, key_len);
  auto sum = bucket->bucket.IncrementSigned(key.text(), delta);
  return kvb::Return<kvb::IncrementResult2>(sum, [](auto& s) { return *s; });
}
KV_EXPORT("cabi_post_" KV_ATOMICS2 "#increment") void kv2_increment_post(uint32_t area) {
  kvb::PostReturn<kvb::IncrementResult2>(area);
}

KV_EXPORT(KV_ATOMICS2 "#[dtor]cas") void kv2_cas_dtor(kvb::CasRep* rep) { delete rep; }

KV_EXPORT(KV_ATOMICS2 "#[static]cas.new")
uint32_t kv2_cas_new(kvb::BucketRep* bucket, uint32_t key_ptr, uint32_t key_len) {
  cabi::InBuffer key(key_ptr, key_len);
  auto seen = bucket->bucket.ReadForSwap(key.text());
  return kvb::Return<kvb::CasNewResult>(seen, [&](auto& s) {
    return kv_cas_resource_new(new kvb::CasRep{bucket->bucket, std::move(s).value()});
  });
}
KV_EXPORT("cabi_post_" KV_ATOMICS2 "#[static]cas.new") void kv2_cas_new_post(uint32_t area) {
  kvb::PostReturn<kvb::CasNewResult>(area);
}

KV_EXPORT(KV_ATOMICS2 "#[method]cas.current") uint32_t kv2_cas_current(kvb::CasRep* self) {
  util::Result<std::optional<kv::Bytes>> value = self->seen.value;
  return kvb::Return<kvb::GetResult>(value, [](auto& v) { return *v; });
}
KV_EXPORT("cabi_post_" KV_ATOMICS2 "#[method]cas.current") void kv2_cas_current_post(uint32_t area) {
  kvb::PostReturn<kvb::GetResult>(area);
}

// `cas` is an owned handle in our own table: its representation is read, and the handle dropped
// (which runs the destructor) once the swap is decided.
KV_EXPORT(KV_ATOMICS2 "#swap")
uint32_t kv2_swap(uint32_t cas, uint32_t value_ptr, uint32_t value_len) {
  cabi::InBuffer value(value_ptr, value_len);
  auto* rep = static_cast<kvb::CasRep*>(kv_cas_resource_rep(cas));
  auto swapped = rep->bucket.Swap(rep->seen, value.bytes());
  kv::Bucket bucket = rep->bucket;
  kv_cas_resource_drop(cas);
  cabi::GuestMemory mem;
  kvb::SwapResult::Value out;
  if (!swapped.ok()) {
    out.emplace<1>(std::in_place_index<kvb::kStoreError>,
                   kvb::ToWitError(swapped.status(), kvb::Call::kOther));
  } else if (swapped->has_value()) {
    uint32_t now = kv_cas_resource_new(new kvb::CasRep{bucket, std::move(**swapped)});
    out.emplace<1>(std::in_place_index<kvb::kCasFailed>, now);
  }
  cabi::Codec<kvb::SwapResult>::Store(mem, kvb::ReturnArea(), out);
  return kvb::ReturnArea();
}
KV_EXPORT("cabi_post_" KV_ATOMICS2 "#swap") void kv2_swap_post(uint32_t area) {
  kvb::PostReturn<kvb::SwapResult>(area);
}

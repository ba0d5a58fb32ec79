#include "bindings/keyvalue_exports.h"

#include <optional>
#include <string_view>
#include <vector>

#include "abi/codec.h"
#include "abi/guest.h"
#include "bindings/keyvalue_types.h"
#include "util/utf8.h"

namespace bindings::keyvalue {

// The representation behind a `bucket` handle: what our own methods receive as `self`.
struct BucketRep {
  kv::Bucket bucket;
};

namespace {

using cabi::GuestMemory;

// One return area serves every export: a call's results are read and post-returned before the
// runtime lets the next call in (CanonicalABI.md: no reentrance into a sync export).
alignas(kReturnAreaAlign) uint8_t g_return_area[kReturnAreaSize];

uint32_t ReturnArea() { return cabi::AddressOf(g_return_area); }

// Every string we return must be UTF-8: a message can quote what a server or a file held.
Error::Value ToWitError(const util::Status& status) {
  switch (status.code()) {
    case util::Code::kNoSuchStore:
      return Error::Value(std::in_place_index<kNoSuchStore>);
    case util::Code::kAccessDenied:
      return Error::Value(std::in_place_index<kAccessDenied>);
    default:
      return Error::Value(std::in_place_index<kOther>, util::ToValidUtf8(status.ToString()));
  }
}

// Stores `result` (a util::Result or Status) into the return area as a WIT result, converting the
// ok value with `ok`.
template <class ResultT, class Value, class Convert>
uint32_t Return(Value&& value, Convert&& ok) {
  GuestMemory mem;
  typename ResultT::Value out;
  if (value.ok()) {
    out.template emplace<0>(ok(value));
  } else {
    out.template emplace<1>(ToWitError(value.status()));
  }
  cabi::Codec<ResultT>::Store(mem, ReturnArea(), out);
  return ReturnArea();
}

uint32_t ReturnStatus(const util::Status& status) {
  GuestMemory mem;
  UnitResult::Value out;
  if (!status.ok()) out.emplace<1>(ToWitError(status));
  cabi::Codec<UnitResult>::Store(mem, ReturnArea(), out);
  return ReturnArea();
}

template <class ResultT>
void PostReturn(uint32_t area) {
  GuestMemory mem;
  cabi::Codec<ResultT>::Release(mem, area);
}

// A ValueSink that allocates in this component's memory the buffer a result hands over.
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
  // Frees what was allocated, when the result is an error after all.
  void Discard() {
    if (placed_.len != 0 && placed_.ptr != 1) std::free(cabi::PointerAt<void>(placed_.ptr));
    placed_ = {};
  }
  cabi::PlacedBytes::Value placed() const { return placed_; }

 private:
  cabi::PlacedBytes::Value placed_;
};

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

}  // namespace
}  // namespace bindings::keyvalue

namespace kvb = bindings::keyvalue;

// Legacy core names (canonical-abi-cpp.md §1): "<interface>#<function>".
#define KV_STORE "wasi:keyvalue/store@0.2.0-draft"
#define KV_ATOMICS "wasi:keyvalue/atomics@0.2.0-draft"
#define KV_BATCH "wasi:keyvalue/batch@0.2.0-draft"
#define KV_EXPORT(name) extern "C" __attribute__((export_name(name)))

extern "C" {
__attribute__((import_module("[export]" KV_STORE), import_name("[resource-new]bucket"))) uint32_t
kv_bucket_resource_new(kvb::BucketRep* rep);
}

KV_EXPORT(KV_STORE "#open") uint32_t kv_open(uint32_t name_ptr, uint32_t name_len) {
  cabi::InBuffer name(name_ptr, name_len);
  auto& store = kvb::ProviderStore();
  if (!store.ok()) {
    return kvb::Return<kvb::OpenResult>(store, [](auto&) { return 0u; });
  }
  auto bucket = (*store)->Open(name.text());
  return kvb::Return<kvb::OpenResult>(bucket, [](auto& b) {
    return kv_bucket_resource_new(new kvb::BucketRep{std::move(b).value()});
  });
}
KV_EXPORT("cabi_post_" KV_STORE "#open") void kv_open_post(uint32_t area) {
  kvb::PostReturn<kvb::OpenResult>(area);
}

KV_EXPORT(KV_STORE "#[dtor]bucket") void kv_bucket_dtor(kvb::BucketRep* rep) { delete rep; }

KV_EXPORT(KV_STORE "#[method]bucket.get")
uint32_t kv_get(kvb::BucketRep* self, uint32_t key_ptr, uint32_t key_len) {
  cabi::InBuffer key(key_ptr, key_len);
  // The value goes straight from the store into the buffer the caller receives.
  kvb::PlacingSink sink;
  auto found = self->bucket.GetInto(key.text(), sink);
  if (!found.ok()) sink.Discard();
  return kvb::Return<kvb::PlacedGetResult>(
      found, [&](auto& f) { return *f ? std::optional(sink.placed()) : std::nullopt; });
}
KV_EXPORT("cabi_post_" KV_STORE "#[method]bucket.get") void kv_get_post(uint32_t area) {
  kvb::PostReturn<kvb::GetResult>(area);
}

KV_EXPORT(KV_STORE "#[method]bucket.set")
uint32_t kv_set(kvb::BucketRep* self, uint32_t key_ptr, uint32_t key_len, uint32_t value_ptr,
                uint32_t value_len) {
  cabi::InBuffer key(key_ptr, key_len);
  cabi::InBuffer value(value_ptr, value_len);
  return kvb::ReturnStatus(self->bucket.Set(key.text(), value.bytes()));
}
KV_EXPORT("cabi_post_" KV_STORE "#[method]bucket.set") void kv_set_post(uint32_t area) {
  kvb::PostReturn<kvb::UnitResult>(area);
}

KV_EXPORT(KV_STORE "#[method]bucket.delete")
uint32_t kv_delete(kvb::BucketRep* self, uint32_t key_ptr, uint32_t key_len) {
  cabi::InBuffer key(key_ptr, key_len);
  return kvb::ReturnStatus(self->bucket.Delete(key.text()));
}
KV_EXPORT("cabi_post_" KV_STORE "#[method]bucket.delete") void kv_delete_post(uint32_t area) {
  kvb::PostReturn<kvb::UnitResult>(area);
}

KV_EXPORT(KV_STORE "#[method]bucket.exists")
uint32_t kv_exists(kvb::BucketRep* self, uint32_t key_ptr, uint32_t key_len) {
  cabi::InBuffer key(key_ptr, key_len);
  auto exists = self->bucket.Exists(key.text());
  return kvb::Return<kvb::BoolResult>(exists, [](auto& e) { return *e; });
}
KV_EXPORT("cabi_post_" KV_STORE "#[method]bucket.exists") void kv_exists_post(uint32_t area) {
  kvb::PostReturn<kvb::BoolResult>(area);
}

KV_EXPORT(KV_STORE "#[method]bucket.list-keys")
uint32_t kv_list_keys(kvb::BucketRep* self, uint32_t cursor_is_some, uint64_t cursor) {
  std::optional<uint64_t> from;
  if (cursor_is_some != 0) from = cursor;
  auto page = self->bucket.ListKeys(from);
  // A key that is not UTF-8 (another Redis client can write one) cannot be named through a WIT
  // string: it is left out of the page (README, "Contract").
  if (page.ok()) std::erase_if(page->keys, [](auto& k) { return !util::IsValidUtf8(k); });
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

KV_EXPORT(KV_BATCH "#get-many")
uint32_t kv_get_many(kvb::BucketRep* bucket, uint32_t keys_ptr, uint32_t keys_len) {
  kvb::InStringList keys(keys_ptr, keys_len);
  auto values = bucket->bucket.GetMany(keys.views());
  return kvb::Return<kvb::GetManyResult>(values, [&keys](auto& v) {
    std::vector<std::optional<kvb::KeyValue::Value>> out;
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
KV_EXPORT("cabi_post_" KV_BATCH "#get-many") void kv_get_many_post(uint32_t area) {
  kvb::PostReturn<kvb::GetManyResult>(area);
}

KV_EXPORT(KV_BATCH "#set-many")
uint32_t kv_set_many(kvb::BucketRep* bucket, uint32_t pairs_ptr, uint32_t pairs_len) {
  cabi::GuestMemory mem;
  constexpr uint32_t kPairSize = kvb::KeyValue::kLayout.size;
  constexpr uint32_t kValueOffset = kvb::KeyValue::kOffset<1>;
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
  cabi::Codec<cabi::List<kvb::KeyValue>>::ReleaseElements(mem, pairs_ptr, pairs_len);
  return kvb::ReturnStatus(status);
}
KV_EXPORT("cabi_post_" KV_BATCH "#set-many") void kv_set_many_post(uint32_t area) {
  kvb::PostReturn<kvb::UnitResult>(area);
}

KV_EXPORT(KV_BATCH "#delete-many")
uint32_t kv_delete_many(kvb::BucketRep* bucket, uint32_t keys_ptr, uint32_t keys_len) {
  kvb::InStringList keys(keys_ptr, keys_len);
  return kvb::ReturnStatus(bucket->bucket.DeleteMany(keys.views()));
}
KV_EXPORT("cabi_post_" KV_BATCH "#delete-many") void kv_delete_many_post(uint32_t area) {
  kvb::PostReturn<kvb::UnitResult>(area);
}

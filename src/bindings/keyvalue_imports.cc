#include "bindings/keyvalue_imports.h"

#include "abi/codec.h"
#include "abi/guest.h"
#include "bindings/keyvalue_types.h"

#define KV_STORE "wasi:keyvalue/store@0.2.0-draft"
#define KV_ATOMICS "wasi:keyvalue/atomics@0.2.0-draft"
#define KV_BATCH "wasi:keyvalue/batch@0.2.0-draft"
#define KV_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

// The core imports, lowered: results come back through the trailing return pointer.
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
namespace {

using cabi::AddressOf;

struct alignas(kReturnAreaAlign) ReturnArea {
  uint8_t bytes[kReturnAreaSize];
  uint32_t addr() const { return AddressOf(bytes); }
};

util::Status FromWitError(const Error::Value& error) {
  switch (error.index()) {
    case kNoSuchStore:
      return util::Status(util::Code::kNoSuchStore, "no-such-store");
    case kAccessDenied:
      return util::Status(util::Code::kAccessDenied, "access-denied");
    default:
      return util::Status(util::Code::kOther, std::get<kOther>(error));
  }
}

// Reads the result the provider wrote into `area`, frees what it allocated in our memory, and
// returns the ok value or the error as a Status.
template <class ResultT>
util::Result<typename ResultT::Ok::Value> Take(const ReturnArea& area) {
  cabi::GuestMemory mem;
  auto value = cabi::Codec<ResultT>::Load(mem, area.addr());
  cabi::Codec<ResultT>::Release(mem, area.addr());
  if (value.index() == 1) return FromWitError(std::get<1>(value));
  return std::move(std::get<0>(value));
}

util::Status TakeStatus(const ReturnArea& area) {
  auto taken = Take<UnitResult>(area);
  return taken.ok() ? util::Status::Ok() : std::move(taken).take_status();
}

// list<string> passed flat: an array of {ptr, len} over the caller's own strings.
std::vector<uint32_t> StringArray(std::span<const std::string_view> keys) {
  std::vector<uint32_t> array;
  array.reserve(keys.size() * 2);
  for (std::string_view key : keys) {
    array.push_back(AddressOf(key.data()));
    array.push_back(static_cast<uint32_t>(key.size()));
  }
  return array;
}

}  // namespace

util::Result<ImportedBucket> ImportedBucket::Open(std::string_view name) {
  ReturnArea area;
  kv_import_open(AddressOf(name.data()), static_cast<uint32_t>(name.size()), area.addr());
  auto handle = Take<OpenResult>(area);
  if (!handle.ok()) return std::move(handle).take_status();
  return ImportedBucket(*handle);
}

ImportedBucket& ImportedBucket::operator=(ImportedBucket&& other) noexcept {
  if (this != &other) {
    if (handle_ != kNone) kv_import_bucket_drop(handle_);
    handle_ = std::exchange(other.handle_, kNone);
  }
  return *this;
}

ImportedBucket::~ImportedBucket() {
  if (handle_ != kNone) kv_import_bucket_drop(handle_);
}

util::Result<std::optional<kv::Bytes>> ImportedBucket::Get(std::string_view key) {
  ReturnArea area;
  kv_import_get(handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()), area.addr());
  return Take<GetResult>(area);
}

util::Status ImportedBucket::Set(std::string_view key, kv::ByteView value) {
  ReturnArea area;
  kv_import_set(handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()),
                AddressOf(value.data()), static_cast<uint32_t>(value.size()), area.addr());
  return TakeStatus(area);
}

util::Status ImportedBucket::Delete(std::string_view key) {
  ReturnArea area;
  kv_import_delete(handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()), area.addr());
  return TakeStatus(area);
}

util::Result<bool> ImportedBucket::Exists(std::string_view key) {
  ReturnArea area;
  kv_import_exists(handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()), area.addr());
  return Take<BoolResult>(area);
}

util::Result<kv::KeyPage> ImportedBucket::ListKeys(std::optional<uint64_t> cursor) {
  ReturnArea area;
  kv_import_list_keys(handle_, cursor ? 1 : 0, cursor.value_or(0), area.addr());
  auto response = Take<ListKeysResult>(area);
  if (!response.ok()) return std::move(response).take_status();
  auto& [keys, next] = *response;
  return kv::KeyPage{std::move(keys), next};
}

util::Result<uint64_t> ImportedBucket::Increment(std::string_view key, uint64_t delta) {
  ReturnArea area;
  kv_import_increment(handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()), delta,
                      area.addr());
  return Take<IncrementResult>(area);
}

util::Result<std::vector<std::optional<kv::KeyValue>>> ImportedBucket::GetMany(
    std::span<const std::string_view> keys) {
  std::vector<uint32_t> array = StringArray(keys);
  ReturnArea area;
  kv_import_get_many(handle_, AddressOf(array.data()), static_cast<uint32_t>(keys.size()),
                     area.addr());
  auto items = Take<GetManyResult>(area);
  if (!items.ok()) return std::move(items).take_status();
  std::vector<std::optional<kv::KeyValue>> out;
  out.reserve(items->size());
  for (auto& item : *items) {
    if (item) {
      out.emplace_back(std::in_place, std::move(std::get<0>(*item)), std::move(std::get<1>(*item)));
    } else {
      out.emplace_back();
    }
  }
  return out;
}

util::Status ImportedBucket::SetMany(std::span<const kv::KeyValueView> pairs) {
  std::vector<uint32_t> array;
  array.reserve(pairs.size() * 4);
  for (const kv::KeyValueView& pair : pairs) {
    array.push_back(AddressOf(pair.key.data()));
    array.push_back(static_cast<uint32_t>(pair.key.size()));
    array.push_back(AddressOf(pair.value.data()));
    array.push_back(static_cast<uint32_t>(pair.value.size()));
  }
  ReturnArea area;
  kv_import_set_many(handle_, AddressOf(array.data()), static_cast<uint32_t>(pairs.size()),
                     area.addr());
  return TakeStatus(area);
}

util::Status ImportedBucket::DeleteMany(std::span<const std::string_view> keys) {
  std::vector<uint32_t> array = StringArray(keys);
  ReturnArea area;
  kv_import_delete_many(handle_, AddressOf(array.data()), static_cast<uint32_t>(keys.size()),
                        area.addr());
  return TakeStatus(area);
}

}  // namespace bindings::keyvalue

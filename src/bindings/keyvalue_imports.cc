#include "bindings/keyvalue_imports.h"


#include "abi/codec.h"
#include "abi/guest.h"
#include "bindings/keyvalue_errors.h"
#include "bindings/keyvalue_import_table.h"
#include "bindings/keyvalue_types.h"
#include "util/decimal.h"

namespace bindings::keyvalue {

// Each version's table comes from its own file; without it, these say the version is missing.
__attribute__((weak)) const ImportTable* DraftImports() { return nullptr; }
__attribute__((weak)) const ImportTable* Draft2Imports() { return nullptr; }

namespace {

using cabi::AddressOf;

struct alignas(kReturnAreaAlign) ReturnArea {
  uint8_t bytes[kReturnAreaSize];
  uint32_t addr() const { return AddressOf(bytes); }
};

// Reads the result the provider wrote into `area`, frees what it allocated in our memory, and
// returns the ok value or the error as a Status.
template <class ResultT>
util::Result<typename ResultT::Ok::Value> Take(const ReturnArea& area) {
  cabi::GuestMemory mem;
  auto value = cabi::Take<ResultT>(mem, area.addr());
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

std::string_view VersionOf(Contract contract) {
  return contract == Contract::kDraft2 ? "0.2.0-draft2" : "0.2.0-draft";
}

// The version is the table's: draft2's is the only one with a cas.
Contract ImportedBucket::contract() const {
  return table_->cas_new != nullptr ? Contract::kDraft2 : Contract::kDraft;
}

util::Result<ImportedBucket> ImportedBucket::Open(std::string_view name, Contract contract) {
  const ImportTable* table = contract == Contract::kDraft2 ? Draft2Imports() : DraftImports();
  if (table == nullptr) {
    return util::Status(util::Code::kUnsupported, "this component was built without the "
                                                  "wasi:keyvalue@" +
                                                      std::string(VersionOf(contract)) + " imports");
  }
  ReturnArea area;
  table->open(AddressOf(name.data()), static_cast<uint32_t>(name.size()), area.addr());
  auto handle = Take<OpenResult>(area);
  if (!handle.ok()) return std::move(handle).take_status();
  return ImportedBucket(*handle, table);
}

ImportedBucket& ImportedBucket::operator=(ImportedBucket&& other) noexcept {
  if (this != &other) {
    this->~ImportedBucket();
    handle_ = std::exchange(other.handle_, kNone);
    table_ = other.table_;
  }
  return *this;
}

ImportedBucket::~ImportedBucket() {
  if (handle_ == kNone) return;
  table_->bucket_drop(handle_);
  handle_ = kNone;
}

util::Result<std::optional<kv::Bytes>> ImportedBucket::Get(std::string_view key) {
  ReturnArea area;
  table_->get(handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()), area.addr());
  return Take<GetResult>(area);
}

util::Status ImportedBucket::Set(std::string_view key, kv::ByteView value) {
  ReturnArea area;
  table_->set(
      handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()), AddressOf(value.data()),
      static_cast<uint32_t>(value.size()), area.addr());
  return TakeStatus(area);
}

util::Status ImportedBucket::Delete(std::string_view key) {
  ReturnArea area;
  table_->del(handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()), area.addr());
  return TakeStatus(area);
}

util::Result<bool> ImportedBucket::Exists(std::string_view key) {
  ReturnArea area;
  table_->exists(handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()), area.addr());
  return Take<BoolResult>(area);
}

namespace {

util::Result<uint64_t> ParseDecimalCursor(std::string_view text) {
  if (auto n = util::ParseDecimalU64(text)) return *n;
  return util::InvalidArgument("a draft cursor is a u64; `" + std::string(text) + "` is not");
}

}  // namespace

util::Result<kv::KeyPage> ImportedBucket::ListKeys(std::optional<uint64_t> cursor) {
  if (draft2()) {
    std::optional<std::string> text;
    if (cursor) text = std::to_string(*cursor);
    ASSIGN_OR_RETURN(TextKeyPage page, ListKeysText(text));
    kv::KeyPage out{std::move(page.keys), std::nullopt};
    if (page.cursor) {
      ASSIGN_OR_RETURN(out.cursor, ParseDecimalCursor(*page.cursor));
    }
    return out;
  }
  ReturnArea area;
  table_->list_keys(handle_, cursor ? 1 : 0, cursor.value_or(0), area.addr());
  auto response = Take<ListKeysResult>(area);
  if (!response.ok()) return std::move(response).take_status();
  auto& [keys, next] = *response;
  return kv::KeyPage{std::move(keys), next};
}

util::Result<TextKeyPage> ImportedBucket::ListKeysText(std::optional<std::string_view> cursor) {
  if (!draft2()) {
    std::optional<uint64_t> from;
    if (cursor) {
      ASSIGN_OR_RETURN(from, ParseDecimalCursor(*cursor));
    }
    ASSIGN_OR_RETURN(kv::KeyPage page, ListKeys(from));
    TextKeyPage out{std::move(page.keys), std::nullopt};
    if (page.cursor) out.cursor = std::to_string(*page.cursor);
    return out;
  }
  ReturnArea area;
  table_->list_keys_text(handle_, cursor ? 1 : 0, cursor ? AddressOf(cursor->data()) : 0,
                       cursor ? static_cast<uint32_t>(cursor->size()) : 0, area.addr());
  auto response = Take<ListKeysResult2>(area);
  if (!response.ok()) return std::move(response).take_status();
  auto& [keys, next] = *response;
  return TextKeyPage{std::move(keys), std::move(next)};
}

util::Result<uint64_t> ImportedBucket::Increment(std::string_view key, uint64_t delta) {
  if (draft2()) {
    // (A negative sum has been stored by then: only IncrementSigned can return it.)
    if (delta > static_cast<uint64_t>(INT64_MAX)) {
      return util::InvalidArgument("a draft2 increment takes an s64 delta");
    }
    ASSIGN_OR_RETURN(int64_t sum, IncrementSigned(key, static_cast<int64_t>(delta)));
    if (sum < 0) return util::InvalidArgument("the sum is negative: " + std::to_string(sum));
    return static_cast<uint64_t>(sum);
  }
  ReturnArea area;
  table_->increment(handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()), delta,
                    area.addr());
  return Take<IncrementResult>(area);
}

util::Result<int64_t> ImportedBucket::IncrementSigned(std::string_view key, int64_t delta) {
  if (!draft2()) return util::Status(util::Code::kUnsupported, "s64 increments are draft2's");
  ReturnArea area;
  table_->increment_signed(handle_, AddressOf(key.data()), static_cast<uint32_t>(key.size()),
                           delta, area.addr());
  return Take<IncrementResult2>(area);
}

util::Result<std::vector<std::optional<kv::KeyValue>>> ImportedBucket::GetMany(
    std::span<const std::string_view> keys) {
  std::vector<uint32_t> array = StringArray(keys);
  ReturnArea area;
  table_->get_many(handle_, AddressOf(array.data()), static_cast<uint32_t>(keys.size()),
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
  table_->set_many(handle_, AddressOf(array.data()), static_cast<uint32_t>(pairs.size()),
                     area.addr());
  return TakeStatus(area);
}

util::Status ImportedBucket::DeleteMany(std::span<const std::string_view> keys) {
  std::vector<uint32_t> array = StringArray(keys);
  ReturnArea area;
  table_->delete_many(handle_, AddressOf(array.data()), static_cast<uint32_t>(keys.size()),
                        area.addr());
  return TakeStatus(area);
}

// ---- draft2's cas ----

util::Result<ImportedCas> ImportedCas::New(const ImportedBucket& bucket, std::string_view key) {
  if (bucket.contract() != Contract::kDraft2) {
    return util::Status(util::Code::kUnsupported, "compare-and-swap is draft2's");
  }
  ReturnArea area;
  const ImportTable* table = Draft2Imports();
  table->cas_new(bucket.handle(), AddressOf(key.data()), static_cast<uint32_t>(key.size()),
                     area.addr());
  auto handle = Take<CasNewResult>(area);
  if (!handle.ok()) return std::move(handle).take_status();
  return ImportedCas(*handle, table);
}

util::Result<std::optional<ImportedCas>> ImportedCas::Swap(ImportedCas cas, kv::ByteView value) {
  ReturnArea area;
  // The handle moves to the provider with the call.
  uint32_t handle = std::exchange(cas.handle_, kNone);
  cas.table_->swap(handle, AddressOf(value.data()), static_cast<uint32_t>(value.size()),
                  area.addr());
  cabi::GuestMemory mem;
  auto result = cabi::Take<SwapResult>(mem, area.addr());
  if (result.index() == 0) return std::optional<ImportedCas>();
  auto& error = std::get<1>(result);
  if (error.index() == kCasFailed) {
    return std::optional<ImportedCas>(ImportedCas(std::get<kCasFailed>(error), cas.table_));
  }
  return FromWitError(std::get<kStoreError>(error));
}

ImportedCas& ImportedCas::operator=(ImportedCas&& other) noexcept {
  if (this != &other) {
    this->~ImportedCas();
    handle_ = std::exchange(other.handle_, kNone);
    table_ = other.table_;
  }
  return *this;
}

ImportedCas::~ImportedCas() {
  if (handle_ != kNone) table_->cas_drop(handle_);
  handle_ = kNone;
}

util::Result<std::optional<kv::Bytes>> ImportedCas::Current() const {
  ReturnArea area;
  table_->cas_current(handle_, area.addr());
  return Take<GetResult>(area);
}

}  // namespace bindings::keyvalue

// The contract decisions (docs/contract.md), checked on the engine with the in-memory backend.
#include "kv/engine/store.h"

#include <gtest/gtest.h>

#include <functional>

#include "backends/memory_backend.h"

namespace kv {
namespace {

Store MakeStore(StoreOptions options = {}) {
  return Store(std::make_unique<MemoryStore>(), std::move(options));
}

std::string Get(Bucket& b, std::string_view key) {
  auto v = b.Get(key);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  if (!v.ok() || !*v) return "<none>";
  return std::string((*v)->begin(), (*v)->end());
}

TEST(StoreTest, DefaultBucketOpens) {
  Store store = MakeStore();
  auto b = store.Open("");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->name(), "");
}

TEST(StoreTest, TwoOpensOfOneNameShareData) {
  Store store = MakeStore();
  Bucket a = *store.Open("shared");
  Bucket b = *store.Open("shared");
  ASSERT_TRUE(a.Set("k", AsBytes("v")).ok());
  EXPECT_EQ(Get(b, "k"), "v");
  ASSERT_TRUE(b.Delete("k").ok());
  EXPECT_FALSE(*a.Exists("k"));
}

TEST(StoreTest, DataOutlivesHandles) {
  Store store = MakeStore();
  {
    Bucket a = *store.Open("b");
    ASSERT_TRUE(a.Set("k", AsBytes("v")).ok());
  }
  Bucket again = *store.Open("b");
  EXPECT_EQ(Get(again, "k"), "v");
}

TEST(StoreTest, NamesAreIsolatedWhateverTheyContain) {
  Store store = MakeStore();
  const std::vector<std::string> names = {"",
                                          "a",
                                          "a:b",
                                          "a:",
                                          "a*",
                                          "a?",
                                          "a[",
                                          "../x",
                                          "x/..",
                                          "ab",
                                          "a/b",
                                          "a\nb",
                                          std::string("a\0b", 3),
                                          "ä"};
  for (const auto& name : names) {
    Bucket b = *store.Open(name);
    ASSERT_TRUE(b.Set("k", AsBytes(name)).ok());
    ASSERT_TRUE(b.Set(name, AsBytes("own")).ok());
  }
  for (const auto& name : names) {
    Bucket b = *store.Open(name);
    EXPECT_EQ(Get(b, "k"), name);
    auto page = b.ListKeys(std::nullopt);
    ASSERT_TRUE(page.ok());
    // Only its own two keys (one when the name is "k").
    EXPECT_EQ(page->keys.size(), name == "k" ? 1u : 2u) << name;
  }
}

TEST(StoreTest, AllowListRefusesOtherNames) {
  StoreOptions options;
  options.allowed_buckets.emplace();
  options.allowed_buckets->insert("ok");
  Store store = MakeStore(options);
  EXPECT_TRUE(store.Open("ok").ok());
  auto refused = store.Open("other");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), util::Code::kNotFound);
}

TEST(StoreTest, AnyKeyAndValueRoundTrip) {
  Store store = MakeStore();
  Bucket b = *store.Open("");
  const std::vector<std::string> keys = {"",
                                         "/",
                                         "..",
                                         ":",
                                         "*",
                                         "?",
                                         "[",
                                         "a\nb",
                                         "日本語",
                                         std::string(4096, 'k'),
                                         std::string("\0", 1)};
  for (const auto& key : keys) {
    ASSERT_TRUE(b.Set(key, AsBytes("v" + key)).ok());
  }
  for (const auto& key : keys) EXPECT_EQ(Get(b, key), "v" + key);
  ASSERT_TRUE(b.Set("empty", {}).ok());
  auto empty = b.Get("empty");
  ASSERT_TRUE(empty.ok() && empty->has_value());
  EXPECT_TRUE((*empty)->empty());
  const uint8_t binary[] = {0, 255, 0, 1};
  ASSERT_TRUE(b.Set("bin", binary).ok());
  EXPECT_EQ(**b.Get("bin"), Bytes(binary, binary + 4));
}

TEST(StoreTest, MissingKeys) {
  Store store = MakeStore();
  Bucket b = *store.Open("");
  EXPECT_FALSE(b.Get("nope")->has_value());
  EXPECT_FALSE(*b.Exists("nope"));
  EXPECT_TRUE(b.Delete("nope").ok());
}

TEST(StoreTest, LimitsGiveErrorsNamingTheLimitAndLeaveTheBucketUsable) {
  StoreOptions options;
  options.limits.max_key_bytes = 8;
  options.limits.max_value_bytes = 16;
  options.limits.max_batch_keys = 3;
  options.limits.max_batch_bytes = 40;
  Store store = MakeStore(options);
  Bucket b = *store.Open("");

  auto expect_limit = [](const util::Status& s, std::string_view name) {
    EXPECT_EQ(s.code(), util::Code::kLimitExceeded) << s.ToString();
    EXPECT_NE(s.message().find(name), std::string::npos) << s.message();
  };
  std::string long_key(9, 'k');
  expect_limit(b.Set(long_key, AsBytes("v")), kMaxKeyBytesName);
  expect_limit(b.Get(long_key).status(), kMaxKeyBytesName);
  expect_limit(b.Exists(long_key).status(), kMaxKeyBytesName);
  expect_limit(b.Delete(long_key), kMaxKeyBytesName);
  expect_limit(b.Increment(long_key, 1).status(), kMaxKeyBytesName);
  expect_limit(b.Set("k", AsBytes(std::string(17, 'v'))), kMaxValueBytesName);
  EXPECT_FALSE(b.Get("k")->has_value()) << "a refused set must store nothing";

  const std::string_view four[] = {"a", "b", "c", "d"};
  expect_limit(b.GetMany(four).status(), kMaxBatchKeysName);
  expect_limit(b.DeleteMany(four), kMaxBatchKeysName);
  std::string big(15, 'v');
  const KeyValueView pairs[] = {{"a", AsBytes(big)}, {"b", AsBytes(big)}, {"c", AsBytes(big)}};
  expect_limit(b.SetMany(pairs), kMaxBatchBytesName);
  EXPECT_FALSE(*b.Exists("a")) << "a refused batch must store nothing";

  ASSERT_TRUE(b.Set("a", AsBytes(big)).ok());
  ASSERT_TRUE(b.Set("b", AsBytes(big)).ok());
  ASSERT_TRUE(b.Set("c", AsBytes(big)).ok());
  const std::string_view three[] = {"a", "b", "c"};
  expect_limit(b.GetMany(three).status(), kMaxBatchBytesName);

  ASSERT_TRUE(b.Set("k", AsBytes("fine")).ok());
  EXPECT_EQ(Get(b, "k"), "fine");
}

TEST(StoreTest, IncrementStoresDecimalText) {
  Store store = MakeStore();
  Bucket b = *store.Open("");
  EXPECT_EQ(*b.Increment("n", 5), 5u);
  EXPECT_EQ(*b.Increment("n", 10), 15u);
  EXPECT_EQ(*b.Increment("n", 0), 15u);
  EXPECT_EQ(Get(b, "n"), "15");
  ASSERT_TRUE(b.Set("m", AsBytes("41")).ok());
  EXPECT_EQ(*b.Increment("m", 1), 42u);
}

TEST(StoreTest, IncrementErrorsLeaveTheValueUnchanged) {
  Store store = MakeStore();
  Bucket b = *store.Open("");
  ASSERT_TRUE(b.Set("text", AsBytes("hello")).ok());
  auto r = b.Increment("text", 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Get(b, "text"), "hello");

  ASSERT_TRUE(b.Set("big", AsBytes("18446744073709551615")).ok());
  r = b.Increment("big", 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("overflow"), std::string::npos);
  EXPECT_EQ(Get(b, "big"), "18446744073709551615");

  r = b.Increment("fresh", UINT64_MAX);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(b.Increment("fresh", 1).ok());
  EXPECT_EQ(Get(b, "fresh"), "18446744073709551615");
}

TEST(StoreTest, SignedIncrementsShareTheCountersOfUnsignedOnes) {
  Store store = MakeStore();
  Bucket b = *store.Open("");
  EXPECT_EQ(*b.IncrementSigned("n", -5), -5);
  EXPECT_EQ(Get(b, "n"), "-5");
  EXPECT_EQ(*b.Increment("n", 7), 2u);  // draft's u64 increment of a negative counter
  EXPECT_EQ(*b.IncrementSigned("n", -2), 0);
  EXPECT_EQ(*b.Increment("n", 0), 0u);
  ASSERT_TRUE(b.Set("n", AsBytes("-1")).ok());
  auto below_zero = b.Increment("n", 0);  // a u64 sum cannot be -1
  ASSERT_FALSE(below_zero.ok());
  EXPECT_EQ(Get(b, "n"), "-1");

  ASSERT_TRUE(b.Set("big", AsBytes("9223372036854775808")).ok());  // 2^63, from draft
  auto too_big = b.IncrementSigned("big", 0);
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.status().message().find("overflow"), std::string::npos);
  EXPECT_EQ(Get(b, "big"), "9223372036854775808");
  EXPECT_EQ(*b.IncrementSigned("big", -1), INT64_MAX);
  EXPECT_FALSE(b.IncrementSigned("big", 1).ok());
  EXPECT_EQ(Get(b, "big"), "9223372036854775807");
  EXPECT_EQ(*b.IncrementSigned("low", INT64_MIN), INT64_MIN);
  EXPECT_FALSE(b.IncrementSigned("low", -1).ok());
  EXPECT_EQ(Get(b, "low"), "-9223372036854775808");
}

TEST(StoreTest, SwapWritesOnlyWhenNothingChangedTheKey) {
  Store store = MakeStore();
  Bucket b = *store.Open("");
  ASSERT_TRUE(b.Set("k", AsBytes("one")).ok());
  CasState seen = *b.ReadForSwap("k");
  ASSERT_TRUE(seen.value.has_value());
  EXPECT_EQ(std::string(seen.value->begin(), seen.value->end()), "one");
  auto swapped = b.Swap(seen, AsBytes("two"));
  ASSERT_TRUE(swapped.ok() && !swapped->has_value());
  EXPECT_EQ(Get(b, "k"), "two");
  // The same state again: the key changed since (by the swap itself).
  auto again = b.Swap(seen, AsBytes("three"));
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ(Get(b, "k"), "two");
  EXPECT_EQ(std::string((*again)->value->begin(), (*again)->value->end()), "two");
  ASSERT_TRUE(b.Swap(**again, AsBytes("three")).value() == std::nullopt);
  EXPECT_EQ(Get(b, "k"), "three");

  // Every kind of change in between makes the swap fail, even one that leaves the same bytes.
  using Change = std::function<util::Status(Bucket&)>;
  const std::vector<std::pair<const char*, Change>> changes = {
      {"set to the same value", [](Bucket& x) { return x.Set("k", AsBytes("three")); }},
      {"delete and set back", [](Bucket& x) {
         RETURN_IF_ERROR(x.Delete("k"));
         return x.Set("k", AsBytes("three"));
       }},
      {"set-many", [](Bucket& x) {
         const KeyValueView pairs[] = {{"k", AsBytes("three")}};
         return x.SetMany(pairs);
       }},
      {"delete", [](Bucket& x) { return x.Delete("k"); }},
  };
  for (const auto& [what, change] : changes) {
    ASSERT_TRUE(b.Set("k", AsBytes("three")).ok());
    CasState before = *b.ReadForSwap("k");
    Bucket other = *store.Open("");
    ASSERT_TRUE(change(other).ok()) << what;
    auto r = b.Swap(before, AsBytes("mine"));
    ASSERT_TRUE(r.ok()) << what;
    EXPECT_TRUE(r->has_value()) << what << ": the swap wrote";
    EXPECT_NE(Get(b, "k"), "mine") << what;
  }
  ASSERT_TRUE(b.Set("n", AsBytes("1")).ok());
  CasState counter = *b.ReadForSwap("n");
  ASSERT_TRUE(b.IncrementSigned("n", 0).ok());
  EXPECT_TRUE(b.Swap(counter, AsBytes("5"))->has_value()) << "an increment by 0 is a change";
}

TEST(StoreTest, SwapCreatesAMissingKeyUnlessItAppeared) {
  Store store = MakeStore();
  Bucket b = *store.Open("");
  CasState missing = *b.ReadForSwap("new");
  EXPECT_FALSE(missing.value.has_value());
  ASSERT_TRUE(b.Swap(missing, AsBytes("created"))->has_value() == false);
  EXPECT_EQ(Get(b, "new"), "created");

  CasState gone = *b.ReadForSwap("other");
  ASSERT_TRUE(b.Set("other", AsBytes("x")).ok());
  ASSERT_TRUE(b.Delete("other").ok());
  auto r = b.Swap(gone, AsBytes("late"));
  ASSERT_TRUE(r.ok() && r->has_value()) << "set and deleted meanwhile: still a change";
  EXPECT_FALSE((*r)->value.has_value());
  EXPECT_TRUE(b.Swap(**r, AsBytes("late"))->has_value() == false);
  EXPECT_EQ(Get(b, "other"), "late");

  auto oversize = b.Swap(*b.ReadForSwap("k"), Bytes(Limits{}.max_value_bytes + 1));
  ASSERT_FALSE(oversize.ok());
  EXPECT_NE(oversize.status().message().find(kMaxValueBytesName), std::string::npos);
}

TEST(StoreTest, GetManyIsPositionalWithDuplicatesAndMisses) {
  Store store = MakeStore();
  Bucket b = *store.Open("");
  ASSERT_TRUE(b.Set("a", AsBytes("1")).ok());
  ASSERT_TRUE(b.Set("b", AsBytes("2")).ok());
  const std::string_view keys[] = {"b", "missing", "a", "b"};
  auto values = b.GetMany(keys);
  ASSERT_TRUE(values.ok());
  ASSERT_EQ(values->size(), 4u);
  EXPECT_EQ((*values)[0], Bytes{'2'});
  EXPECT_FALSE((*values)[1].has_value());
  EXPECT_EQ((*values)[2], Bytes{'1'});
  EXPECT_EQ((*values)[3], Bytes{'2'});
  EXPECT_TRUE(b.GetMany({})->empty());
}

TEST(StoreTest, SetManyAndDeleteMany) {
  Store store = MakeStore();
  Bucket b = *store.Open("");
  EXPECT_TRUE(b.batches_are_atomic());
  const KeyValueView pairs[] = {{"x", AsBytes("1")}, {"y", AsBytes("2")}, {"x", AsBytes("3")}};
  ASSERT_TRUE(b.SetMany(pairs).ok());
  EXPECT_EQ(Get(b, "x"), "3") << "a later pair wins";
  EXPECT_EQ(Get(b, "y"), "2");
  const std::string_view gone[] = {"x", "never-there"};
  ASSERT_TRUE(b.DeleteMany(gone).ok());
  EXPECT_FALSE(*b.Exists("x"));
  EXPECT_TRUE(*b.Exists("y"));
  EXPECT_TRUE(b.SetMany({}).ok());
  EXPECT_TRUE(b.DeleteMany({}).ok());
}

TEST(StoreTest, TenThousandKeyBatch) {
  Store store = MakeStore();
  Bucket b = *store.Open("");
  std::vector<std::string> keys;
  for (int i = 0; i < 10000; ++i) keys.push_back("key" + std::to_string(i));
  std::vector<KeyValueView> pairs;
  for (const auto& k : keys) pairs.push_back({k, AsBytes(k)});
  ASSERT_TRUE(b.SetMany(pairs).ok());
  std::vector<std::string_view> views(keys.begin(), keys.end());
  auto values = b.GetMany(views);
  ASSERT_TRUE(values.ok());
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE((*values)[i].has_value());
    EXPECT_EQ(std::string((*values)[i]->begin(), (*values)[i]->end()), keys[i]);
  }
}

// A sink over a vector, as a provider's sink is over its memory; `refuse` plays out of memory.
struct VectorSink final : ValueSink {
  std::vector<uint8_t> bytes;
  int calls = 0;
  bool refuse = false;
  uint8_t* Allocate(size_t size) override {
    ++calls;
    if (refuse) return nullptr;
    bytes.assign(size, 0);
    return bytes.data();
  }
};

// A backend that only has Get: GetInto comes from the interface's default.
class GetOnly final : public BucketBackend {
 public:
  explicit GetOnly(std::shared_ptr<BucketBackend> inner) : inner_(std::move(inner)) {}
  util::Result<std::optional<Bytes>> Get(std::string_view k) override { return inner_->Get(k); }
  util::Status Set(std::string_view k, ByteView v) override { return inner_->Set(k, v); }
  util::Status Delete(std::string_view k) override { return inner_->Delete(k); }
  util::Result<bool> Exists(std::string_view k) override { return inner_->Exists(k); }
  util::Result<KeyPage> ListKeys(std::optional<uint64_t> c, const Limits& l) override {
    return inner_->ListKeys(c, l);
  }
  util::Result<CounterValue> Increment(std::string_view k, CounterValue d,
                                       CounterRange r) override {
    return inner_->Increment(k, d, r);
  }
  util::Result<VersionedValue> ReadVersioned(std::string_view k) override {
    return inner_->ReadVersioned(k);
  }
  util::Result<std::optional<VersionedValue>> WriteIfVersion(std::string_view k, ByteView v,
                                                             std::string_view ver) override {
    return inner_->WriteIfVersion(k, v, ver);
  }
  util::Result<std::vector<std::optional<Bytes>>> GetMany(
      std::span<const std::string_view> k) override {
    return inner_->GetMany(k);
  }
  util::Status SetMany(std::span<const KeyValueView> p) override { return inner_->SetMany(p); }
  util::Status DeleteMany(std::span<const std::string_view> k) override {
    return inner_->DeleteMany(k);
  }
  bool batches_are_atomic() const override { return inner_->batches_are_atomic(); }

 private:
  std::shared_ptr<BucketBackend> inner_;
};

TEST(StoreTest, GetIntoWritesTheValueIntoTheSinkOnce) {
  MemoryStore memory;
  auto inner = *memory.OpenBucket("b");
  for (bool default_impl : {false, true}) {
    std::shared_ptr<BucketBackend> backend =
        default_impl ? std::make_shared<GetOnly>(inner) : inner;
    Bucket b("b", backend, Limits{});
    ASSERT_TRUE(b.Set("k", AsBytes("value")).ok());
    ASSERT_TRUE(b.Set("empty", {}).ok());

    VectorSink sink;
    auto found = b.GetInto("k", sink);
    ASSERT_TRUE(found.ok() && *found) << default_impl;
    EXPECT_EQ(std::string(sink.bytes.begin(), sink.bytes.end()), "value");
    EXPECT_EQ(sink.calls, 1);

    VectorSink none;
    found = b.GetInto("absent", none);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(*found);
    EXPECT_EQ(none.calls, 0);  // nothing allocated for a missing key

    VectorSink empty;
    found = b.GetInto("empty", empty);
    ASSERT_TRUE(found.ok() && *found);
    EXPECT_TRUE(empty.bytes.empty());

    VectorSink full;
    full.refuse = true;
    found = b.GetInto("k", full);
    ASSERT_FALSE(found.ok());
    EXPECT_EQ(found.status().code(), util::Code::kLimitExceeded) << found.status().ToString();

    VectorSink unused;
    found = b.GetInto(std::string(Limits{}.max_key_bytes + 1, 'k'), unused);
    EXPECT_FALSE(found.ok());  // the key limit holds as for Get
    EXPECT_EQ(unused.calls, 0);
  }
}

}  // namespace
}  // namespace kv

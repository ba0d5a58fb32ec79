// The engine on its own: Store and Bucket over a fake backend written here, linked with the
// engine library and nothing else (CMakeLists.txt: engine_alone_test), so the engine cannot
// depend on a backend. The fake records what reaches it, to show the facade's checks come first.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kv/engine/backend.h"
#include "kv/engine/store.h"

namespace kv {
namespace {

class FakeBucket : public BucketBackend {
 public:
  explicit FakeBucket(std::vector<std::string>* calls) : calls_(calls) {}

  util::Result<std::optional<Bytes>> Get(std::string_view key) override {
    calls_->push_back("get " + std::string(key));
    auto it = data_.find(std::string(key));
    if (it == data_.end()) return std::optional<Bytes>();
    return std::optional<Bytes>(it->second);
  }
  util::Status Set(std::string_view key, ByteView value) override {
    calls_->push_back("set " + std::string(key));
    data_[std::string(key)] = Bytes(value.begin(), value.end());
    return util::Status::Ok();
  }
  util::Status Delete(std::string_view key) override {
    data_.erase(std::string(key));
    return util::Status::Ok();
  }
  util::Result<bool> Exists(std::string_view key) override {
    return data_.contains(std::string(key));
  }
  util::Result<KeyPage> ListKeys(std::optional<uint64_t>, const Limits&) override {
    KeyPage page;
    for (const auto& [k, v] : data_) page.keys.push_back(k);
    return page;
  }
  util::Result<CounterValue> Increment(std::string_view, CounterValue, CounterRange) override {
    return util::Unsupported("the fake has no counters");
  }
  util::Result<VersionedValue> ReadVersioned(std::string_view) override {
    return util::Unsupported("the fake has no versions");
  }
  util::Result<std::optional<VersionedValue>> WriteIfVersion(std::string_view, ByteView,
                                                             std::string_view) override {
    return util::Unsupported("the fake has no versions");
  }
  util::Result<std::vector<std::optional<Bytes>>> GetMany(
      std::span<const std::string_view> keys) override {
    std::vector<std::optional<Bytes>> out;
    for (std::string_view k : keys) {
      ASSIGN_OR_RETURN(std::optional<Bytes> v, Get(k));
      out.push_back(std::move(v));
    }
    return out;
  }
  util::Status SetMany(std::span<const KeyValueView> pairs) override {
    for (const auto& p : pairs) RETURN_IF_ERROR(Set(p.key, p.value));
    return util::Status::Ok();
  }
  util::Status DeleteMany(std::span<const std::string_view> keys) override {
    for (std::string_view k : keys) RETURN_IF_ERROR(Delete(k));
    return util::Status::Ok();
  }
  bool batches_are_atomic() const override { return false; }

 private:
  std::vector<std::string>* calls_;
  std::map<std::string, Bytes> data_;
};

class FakeStore : public StoreBackend {
 public:
  util::Result<std::shared_ptr<BucketBackend>> OpenBucket(std::string_view name) override {
    auto& b = buckets_[std::string(name)];
    if (!b) b = std::make_shared<FakeBucket>(&calls);
    return std::shared_ptr<BucketBackend>(b);
  }

  std::vector<std::string> calls;

 private:
  std::map<std::string, std::shared_ptr<FakeBucket>> buckets_;
};

TEST(EngineAloneTest, AStoreServesAnyBackendAndChecksLimitsBeforeIt) {
  auto fake = std::make_unique<FakeStore>();
  FakeStore* backend = fake.get();
  StoreOptions options;
  options.limits.max_key_bytes = 4;
  Store store(std::move(fake), options);
  auto bucket = store.Open("b");
  ASSERT_TRUE(bucket.ok()) << bucket.status().ToString();
  const uint8_t v[] = {1, 2};
  ASSERT_TRUE(bucket->Set("key", v).ok());
  auto got = bucket->Get("key");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, (Bytes{1, 2}));
  // Over the limit: refused by the facade, with the limit's name; the backend never sees it.
  util::Status s = bucket->Set("toolong", v);
  EXPECT_EQ(s.code(), util::Code::kLimitExceeded);
  EXPECT_NE(s.message().find("KV_MAX_KEY_BYTES"), std::string::npos) << s.message();
  EXPECT_EQ(backend->calls, (std::vector<std::string>{"set key", "get key"}));
  // The backend's own errors come back as they are.
  EXPECT_EQ(bucket->Increment("n", 1).status().code(), util::Code::kUnsupported);
}

TEST(EngineAloneTest, AnAllowListRefusesOtherBucketsBeforeTheBackend) {
  auto fake = std::make_unique<FakeStore>();
  StoreOptions options;
  options.allowed_buckets.emplace();
  options.allowed_buckets->insert("only");
  Store store(std::move(fake), options);
  EXPECT_TRUE(store.Open("only").ok());
  auto other = store.Open("other");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), util::Code::kNotFound);
}

}  // namespace
}  // namespace kv

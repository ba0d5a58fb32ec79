#include "backends/redis_backend.h"

#include <charconv>

#include "engine/counter.h"

namespace kv {
namespace {

using resp::Reply;

// Checks and increments in one step on the server: only an unsigned decimal value may count.
constexpr std::string_view kIncrementScript =
    "local v = redis.call('HGET', KEYS[1], ARGV[1]) "
    "if v and not string.match(v, '^%d+$') then return redis.error_reply('NOTDECIMAL') end "
    "return redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])";

Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }
std::string_view View(ByteView v) { return {reinterpret_cast<const char*>(v.data()), v.size()}; }

class RedisBucket final : public BucketBackend {
 public:
  RedisBucket(std::shared_ptr<redis::Client> client, std::string_view name)
      : client_(std::move(client)), hash_(std::string(kRedisKeyPrefix) + std::string(name)) {}

  util::Result<std::optional<Bytes>> Get(std::string_view key) override {
    ASSIGN_OR_RETURN(Reply r, Call({"HGET", hash_, key}));
    if (r.type == Reply::Type::kNil) return std::optional<Bytes>();
    if (r.type != Reply::Type::kBulk) return Unexpected("HGET", r);
    return std::optional<Bytes>(ToBytes(r.text));
  }
  util::Status Set(std::string_view key, ByteView value) override {
    return Call({"HSET", hash_, key, View(value)}).status();
  }
  util::Status Delete(std::string_view key) override { return Call({"HDEL", hash_, key}).status(); }
  util::Result<bool> Exists(std::string_view key) override {
    ASSIGN_OR_RETURN(Reply r, Call({"HEXISTS", hash_, key}));
    return r.integer == 1;
  }

  util::Result<KeyPage> ListKeys(std::optional<uint64_t> cursor, const Limits& limits) override {
    std::string from = std::to_string(cursor.value_or(0));
    // COUNT is a hint to Redis: half the page leaves room for what it adds.
    std::string count = std::to_string(std::max<uint32_t>(1, limits.list_page_keys / 2));
    ASSIGN_OR_RETURN(Reply r, Call({"HSCAN", hash_, from, "COUNT", count}));
    if (r.type != Reply::Type::kArray || r.elements.size() != 2 ||
        r.elements[1].type != Reply::Type::kArray) {
      return Unexpected("HSCAN", r);
    }
    KeyPage page;
    uint64_t next = 0;
    const std::string& c = r.elements[0].text;
    std::from_chars(c.data(), c.data() + c.size(), next);
    if (next != 0) page.cursor = next;
    const auto& items = r.elements[1].elements;
    for (size_t i = 0; i + 1 < items.size(); i += 2) page.keys.push_back(items[i].text);
    return page;
  }

  util::Result<uint64_t> Increment(std::string_view key, uint64_t delta) override {
    if (delta > static_cast<uint64_t>(INT64_MAX)) {
      return util::InvalidArgument("increment " + util::Quoted(key) + " by " +
                                   FormatCounter(delta) +
                                   ": Redis counters are signed 64-bit, so a delta above "
                                   "9223372036854775807 cannot be applied");
    }
    std::string d = FormatCounter(delta);
    ASSIGN_OR_RETURN(Reply r,
                     Call({"EVAL", kIncrementScript, "1", hash_, key, d}, /*errors_ok=*/true));
    if (r.is_error()) {
      if (r.text.find("NOTDECIMAL") != std::string::npos) {
        return util::InvalidArgument("increment " + util::Quoted(key) +
                                     ": the stored value is not an unsigned decimal integer");
      }
      if (r.text.find("overflow") != std::string::npos) {
        return util::InvalidArgument("increment " + util::Quoted(key) + " by " + d +
                                     ": overflow (Redis counters stop at 9223372036854775807)");
      }
      return ServerError("increment", r);
    }
    if (r.type != Reply::Type::kInteger || r.integer < 0) return Unexpected("HINCRBY", r);
    return static_cast<uint64_t>(r.integer);
  }

  util::Result<std::vector<std::optional<Bytes>>> GetMany(
      std::span<const std::string_view> keys) override {
    std::vector<std::optional<Bytes>> out;
    if (keys.empty()) return out;
    redis::Command c = {"HMGET", hash_};
    c.insert(c.end(), keys.begin(), keys.end());
    ASSIGN_OR_RETURN(Reply r, Call(c));
    if (r.type != Reply::Type::kArray || r.elements.size() != keys.size())
      return Unexpected("HMGET", r);
    out.reserve(keys.size());
    for (const Reply& e : r.elements) {
      if (e.type == Reply::Type::kNil) {
        out.emplace_back();
      } else {
        out.emplace_back(ToBytes(e.text));
      }
    }
    return out;
  }

  // One HSET and one HDEL: each a single atomic command.
  util::Status SetMany(std::span<const KeyValueView> pairs) override {
    if (pairs.empty()) return util::Status::Ok();
    redis::Command c = {"HSET", hash_};
    for (const KeyValueView& p : pairs) c.push_back(p.key), c.push_back(View(p.value));
    return Call(c).status();
  }
  util::Status DeleteMany(std::span<const std::string_view> keys) override {
    if (keys.empty()) return util::Status::Ok();
    redis::Command c = {"HDEL", hash_};
    c.insert(c.end(), keys.begin(), keys.end());
    return Call(c).status();
  }
  bool batches_are_atomic() const override { return true; }

 private:
  util::Result<Reply> Call(const redis::Command& command, bool errors_ok = false) {
    ASSIGN_OR_RETURN(Reply r, client_->Run(command));
    if (r.is_error() && !errors_ok) return ServerError(command[0], r);
    return r;
  }
  util::Status ServerError(std::string_view command, const Reply& r) const {
    return util::IOError(client_->config().Describe() + ": " + std::string(command) + ": " +
                         r.text);
  }
  util::Status Unexpected(std::string_view command, const Reply&) const {
    return util::Status(util::Code::kProtocol, client_->config().Describe() +
                                                   ": unexpected reply to " + std::string(command));
  }

  std::shared_ptr<redis::Client> client_;
  std::string hash_;
};

}  // namespace

util::Result<std::shared_ptr<BucketBackend>> RedisStore::OpenBucket(std::string_view name) {
  ASSIGN_OR_RETURN(Reply pong, client_->Run({"PING"}));
  if (pong.is_error()) {
    return util::IOError(client_->config().Describe() + ": PING: " + pong.text);
  }
  return std::shared_ptr<BucketBackend>(std::make_shared<RedisBucket>(client_, name));
}

}  // namespace kv

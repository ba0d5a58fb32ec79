#include "backends/redis_backend.h"

#include <charconv>
#include <initializer_list>
#include <map>
#include <system_error>

#include "backends/redis_list_cursor.h"
#include "kv/engine/counter.h"

namespace kv {
namespace {

using resp::Reply;

// Every change goes through a script that also stamps the key (redis_backend.h): KEYS are the
// values hash, the versions hash and the clock hash of one bucket.
constexpr std::string_view kPrelude =
    "local function stamp(k) "
    "redis.call('HSET', KEYS[2], k, redis.call('HINCRBY', KEYS[3], 'now', 1)) end "
    "local function forget(k) "
    "if redis.call('HDEL', KEYS[1], k) == 1 then "
    "redis.call('HSET', KEYS[3], 'deleted', redis.call('HINCRBY', KEYS[3], 'now', 1)) end "
    "redis.call('HDEL', KEYS[2], k) end "
    "local function version(k) "
    "local v = redis.call('HGET', KEYS[1], k) "
    "if v then return 'p' .. (redis.call('HGET', KEYS[2], k) or '0') .. ':' .. redis.sha1hex(v) end "
    "return 'a' .. (redis.call('HGET', KEYS[3], 'deleted') or '0') end ";

std::string Script(std::string_view body) { return std::string(kPrelude) + std::string(body); }

// ARGV: key, value.
const std::string kSetScript =
    Script("redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) stamp(ARGV[1]) return 1");
// ARGV: key.
const std::string kDeleteScript = Script("forget(ARGV[1]) return 1");
// ARGV: key, value, key, value, ...
const std::string kSetManyScript = Script(
    "for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) stamp(ARGV[i]) end "
    "return 1");
// ARGV: keys.
const std::string kDeleteManyScript = Script("for i = 1, #ARGV do forget(ARGV[i]) end return 1");
// ARGV: key. Returns {value or nil, version}.
const std::string kReadVersionedScript =
    Script("return {redis.call('HGET', KEYS[1], ARGV[1]), version(ARGV[1])}");
// ARGV: key, value, version. Returns 1 when written; when the version differs, what
// kReadVersionedScript returns.
const std::string kWriteIfVersionScript = Script(
    "local now = version(ARGV[1]) "
    "if now ~= ARGV[3] then return {redis.call('HGET', KEYS[1], ARGV[1]), now} end "
    "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) stamp(ARGV[1]) return 1");

// An error reply to `command`. The server refusing us (no login given, a wrong one, no permission
// for the command) is kPermissionDenied, so that open says access-denied; the rest is kIOError.
util::Status ErrorReply(const redis::Config& config, std::string_view command, const Reply& r) {
  std::string text = config.Describe() + ": " + std::string(command) + ": " + r.text;
  for (std::string_view refused : {"NOAUTH", "WRONGPASS", "NOPERM"}) {
    if (std::string_view(r.text).starts_with(refused)) {
      return util::Status(util::Code::kPermissionDenied, std::move(text));
    }
  }
  return util::IOError(std::move(text));
}

Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }
std::string_view View(ByteView v) { return {reinterpret_cast<const char*>(v.data()), v.size()}; }

class RedisBucket final : public BucketBackend {
 public:
  RedisBucket(std::shared_ptr<redis::Client> client, std::string_view name)
      : client_(std::move(client)),
        hash_(std::string(kRedisKeyPrefix) + std::string(name)),
        versions_(std::string(kRedisVersionPrefix) + std::string(name)),
        clock_(std::string(kRedisClockPrefix) + std::string(name)) {}

  util::Result<std::optional<Bytes>> Get(std::string_view key) override {
    ASSIGN_OR_RETURN(std::optional<Reply> r, HGet(key));
    if (!r) return std::optional<Bytes>();
    return std::optional<Bytes>(ToBytes(r->text));
  }
  // From the reply straight into the sink: the value's second and last copy in this process (the
  // first is the parser's, from the bytes read into the reply).
  util::Result<bool> GetInto(std::string_view key, ValueSink& sink) override {
    ASSIGN_OR_RETURN(std::optional<Reply> r, HGet(key));
    if (!r) return false;
    RETURN_IF_ERROR(CopyInto(sink, AsBytes(r->text)));
    return true;
  }
  util::Status Set(std::string_view key, ByteView value) override {
    return Eval(kSetScript, {key, View(value)}).status();
  }
  util::Status Delete(std::string_view key) override {
    return Eval(kDeleteScript, {key}).status();
  }
  util::Result<bool> Exists(std::string_view key) override {
    ASSIGN_OR_RETURN(Reply r, Call({"HEXISTS", hash_, key}));
    return r.integer == 1;
  }

  // HSCAN, cut to the page limits (redis_list_cursor.h).
  util::Result<KeyPage> ListKeys(std::optional<uint64_t> cursor, const Limits& limits) override {
    auto scan = [this](uint64_t from, uint32_t count) -> util::Result<RedisScanBatch> {
      std::string at = std::to_string(from), n = std::to_string(count);
      ASSIGN_OR_RETURN(Reply r, Call({"HSCAN", hash_, at, "COUNT", n}));
      if (r.type != Reply::Type::kArray || r.elements.size() != 2 ||
          r.elements[1].type != Reply::Type::kArray) {
        return Unexpected("HSCAN", r);
      }
      RedisScanBatch batch;
      const std::string& c = r.elements[0].text;
      if (std::from_chars(c.data(), c.data() + c.size(), batch.next).ec != std::errc()) {
        return Unexpected("HSCAN", r);
      }
      auto& items = r.elements[1].elements;
      for (size_t i = 0; i + 1 < items.size(); i += 2) batch.keys.push_back(std::move(items[i].text));
      return batch;
    };
    return RedisListPage(scan, cursor, limits);
  }

  // Read, add in the engine's arithmetic (kv/engine/counter.h) and write if nothing changed meanwhile, again
  // until it holds: the same counters, range and errors as every other backend, and atomic
  // against every client of the provider. A counter that others change faster than this client
  // can go round gives up with an error after kMaxIncrementAttempts.
  static constexpr int kMaxIncrementAttempts = 10000;
  util::Result<CounterValue> Increment(std::string_view key, CounterValue delta,
                                       CounterRange range) override {
    ASSIGN_OR_RETURN(VersionedValue now, ReadVersioned(key));
    for (int attempt = 0; attempt < kMaxIncrementAttempts; ++attempt) {
      CounterValue current = 0;
      if (now.value) {
        ASSIGN_OR_RETURN(current, ParseCounter(key, *now.value));
      }
      ASSIGN_OR_RETURN(CounterValue sum, AddToCounter(key, current, delta, range));
      ASSIGN_OR_RETURN(std::optional<VersionedValue> lost,
                       WriteIfVersion(key, AsBytes(FormatCounter(sum)), now.version));
      if (!lost) return sum;
      now = std::move(*lost);  // the state the failed check saw: the next attempt starts there
    }
    return util::Status(util::Code::kIOError,
                        "increment " + util::Quoted(key) + ": the counter changed under each of " +
                            std::to_string(kMaxIncrementAttempts) + " attempts; try again");
  }

  util::Result<VersionedValue> ReadVersioned(std::string_view key) override {
    ASSIGN_OR_RETURN(Reply r, Eval(kReadVersionedScript, {key}));
    return Versioned(std::move(r));
  }

  util::Result<std::optional<VersionedValue>> WriteIfVersion(std::string_view key, ByteView value,
                                                             std::string_view version) override {
    ASSIGN_OR_RETURN(Reply r, Eval(kWriteIfVersionScript, {key, View(value), version}));
    if (r.type == Reply::Type::kInteger && r.integer == 1) return std::optional<VersionedValue>();
    ASSIGN_OR_RETURN(VersionedValue now, Versioned(std::move(r)));
    return std::optional<VersionedValue>(std::move(now));
  }

  // {value or nil, version}, as the scripts return a key's state.
  util::Result<VersionedValue> Versioned(Reply r) const {
    if (r.type != Reply::Type::kArray || r.elements.size() != 2 ||
        r.elements[1].type != Reply::Type::kBulk) {
      return Unexpected("EVAL", r);
    }
    VersionedValue out;
    if (r.elements[0].type == Reply::Type::kBulk) {
      out.value = ToBytes(r.elements[0].text);
    } else if (r.elements[0].type != Reply::Type::kNil) {
      return Unexpected("EVAL", r);
    }
    out.version = std::move(r.elements[1].text);
    return out;
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

  // One script each: atomic on the server.
  util::Status SetMany(std::span<const KeyValueView> pairs) override {
    if (pairs.empty()) return util::Status::Ok();
    std::vector<std::string_view> args;
    args.reserve(pairs.size() * 2);
    for (const KeyValueView& p : pairs) args.push_back(p.key), args.push_back(View(p.value));
    return Eval(kSetManyScript, args).status();
  }
  util::Status DeleteMany(std::span<const std::string_view> keys) override {
    if (keys.empty()) return util::Status::Ok();
    return Eval(kDeleteManyScript, keys).status();
  }
  bool batches_are_atomic() const override { return true; }

 private:
  // The value of `key` as a bulk reply, or none.
  util::Result<std::optional<Reply>> HGet(std::string_view key) {
    ASSIGN_OR_RETURN(Reply r, Call({"HGET", hash_, key}));
    if (r.type == Reply::Type::kNil) return std::optional<Reply>();
    if (r.type != Reply::Type::kBulk) return Unexpected("HGET", r);
    return std::optional<Reply>(std::move(r));
  }
  util::Result<Reply> Call(const redis::Command& command, bool errors_ok = false) {
    ASSIGN_OR_RETURN(Reply r, client_->Run(command));
    if (r.is_error() && !errors_ok) return ErrorReply(client_->config(), command[0], r);
    return r;
  }
  // Runs `script` by its SHA-1 (EVALSHA), loading it into the server's script cache the first
  // time and again when the server has lost it (NOSCRIPT: a restart, SCRIPT FLUSH): the request
  // carries 40 bytes instead of the script, and the server need not hash the script each time.
  util::Result<Reply> Eval(const std::string& script, std::span<const std::string_view> args) {
    std::string& sha = script_shas_[&script];
    for (int attempt = 0;; ++attempt) {
      if (sha.empty()) {
        ASSIGN_OR_RETURN(Reply loaded, Call({"SCRIPT", "LOAD", script}));
        if (loaded.type != Reply::Type::kBulk) return Unexpected("SCRIPT LOAD", loaded);
        sha = std::move(loaded.text);
      }
      redis::Command c = {"EVALSHA", sha, "3", hash_, versions_, clock_};
      c.insert(c.end(), args.begin(), args.end());
      ASSIGN_OR_RETURN(Reply r, Call(c, /*errors_ok=*/true));
      if (!r.is_error()) return r;
      if (attempt == 0 && r.text.starts_with("NOSCRIPT")) {
        sha.clear();
        continue;
      }
      return ErrorReply(client_->config(), "EVALSHA", r);
    }
  }
  util::Result<Reply> Eval(const std::string& script, std::initializer_list<std::string_view> args) {
    return Eval(script, std::span<const std::string_view>(args.begin(), args.size()));
  }
  util::Status Unexpected(std::string_view command, const Reply&) const {
    return util::Status(util::Code::kProtocol, client_->config().Describe() +
                                                   ": unexpected reply to " + std::string(command));
  }

  std::shared_ptr<redis::Client> client_;
  std::string hash_;
  std::string versions_;
  std::string clock_;
  std::map<const std::string*, std::string> script_shas_;  // script -> its SHA-1, once loaded
};

}  // namespace

std::unique_ptr<StoreBackend> NewRedisStore(std::unique_ptr<redis::Client> client) {
  return std::make_unique<RedisStore>(std::move(client));
}

util::Result<std::shared_ptr<BucketBackend>> RedisStore::OpenBucket(std::string_view name) {
  ASSIGN_OR_RETURN(Reply pong, client_->Run({"PING"}));
  if (pong.is_error()) return ErrorReply(client_->config(), "PING", pong);
  return std::shared_ptr<BucketBackend>(std::make_shared<RedisBucket>(client_, name));
}

}  // namespace kv

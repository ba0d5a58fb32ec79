// The Redis backend against a real redis-server, started on a loopback port for these tests and
// stopped afterwards.
#include "backends/redis_backend.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <thread>

#include "backends/key_page_check.h"
#include "kv/engine/store.h"

namespace kv {
namespace {

class RedisServer {
 public:
  // In the child: the server's log is not the test's output.
  static void Quiet() {
    if (!std::freopen("/dev/null", "w", stdout) || !std::freopen("/dev/null", "w", stderr))
      ::_exit(126);
  }
  // Starts redis-server on a free port; returns false when it cannot. `password`: requirepass.
  bool Start(const std::string& password = "") {
    password_ = password;
    std::mt19937 rng(static_cast<unsigned>(::getpid()) * 7919u);
    for (int attempt = 0; attempt < 20; ++attempt) {
      port_ = static_cast<uint16_t>(20000 + rng() % 20000);
      const pid_t parent = ::getpid();
      pid_ = ::fork();
      if (pid_ == 0) {
        // The server goes with the test process, also when that one dies without cleaning up
        // (a sanitizer's abort): no server is left behind.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(1);
        Quiet();
        std::string port = std::to_string(port_);
        ::execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--loglevel", "warning", "--requirepass",
                 password.c_str(), nullptr);
        ::_exit(127);
      }
      for (int i = 0; i < 100; ++i) {
        if (Ping()) return true;
        int status;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) break;  // port taken: try another
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      Stop();
    }
    return false;
  }
  void Stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  ~RedisServer() { Stop(); }
  uint16_t port() const { return port_; }
  redis::Config config() const {
    redis::Config c;
    c.port = port_;
    c.password = password_;
    c.connect_timeout_ms = 500;
    c.io_timeout_ms = 1000;
    return c;
  }
  bool Ping() {
    redis::Client c(redis::PosixConnector(), config());
    auto r = c.Run({"PING"});
    return r.ok() && r->text == "PONG";
  }
  // Runs redis-cli against the server, as a person would; returns its output.
  std::string Cli(const std::string& args) {
    std::string cmd = "redis-cli -p " + std::to_string(port_) +
                      (password_.empty() ? "" : " --no-auth-warning -a " + password_) + " " + args;
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      char buf[256];
      while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
      ::pclose(p);
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

 private:
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::string password_;
};

class RedisBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!server_.Start()) GTEST_SKIP() << "redis-server could not be started (is it installed?)";
  }
  Store MakeStore(StoreOptions options = {}) {
    return Store(std::make_unique<RedisStore>(
                     std::make_unique<redis::Client>(redis::PosixConnector(), server_.config())),
                 std::move(options));
  }
  static std::string Str(const util::Result<std::optional<Bytes>>& v) {
    if (!v.ok()) return "<error " + v.status().ToString() + ">";
    return *v ? std::string((*v)->begin(), (*v)->end()) : std::string("<none>");
  }
  RedisServer server_;
};

TEST_F(RedisBackendTest, StoreOperations) {
  Store store = MakeStore();
  Bucket b = *store.Open("ops");
  EXPECT_EQ(Str(b.Get("k")), "<none>");
  ASSERT_TRUE(b.Set("k", AsBytes(std::string("v\0w", 3))).ok());
  EXPECT_EQ(Str(b.Get("k")), std::string("v\0w", 3));
  EXPECT_TRUE(*b.Exists("k"));
  ASSERT_TRUE(b.Set("", {}).ok());
  EXPECT_EQ(Str(b.Get("")), "");
  ASSERT_TRUE(b.Delete("k").ok());
  ASSERT_TRUE(b.Delete("never").ok());
  EXPECT_FALSE(*b.Exists("k"));
  const KeyValueView pairs[] = {{"a", AsBytes("1")}, {"b", AsBytes("2")}};
  ASSERT_TRUE(b.SetMany(pairs).ok());
  const std::string_view keys[] = {"b", "zz", "a"};
  auto many = b.GetMany(keys);
  ASSERT_TRUE(many.ok());
  EXPECT_EQ((*many)[0], Bytes{'2'});
  EXPECT_FALSE((*many)[1].has_value());
  ASSERT_TRUE(b.DeleteMany(keys).ok());
  EXPECT_FALSE(*b.Exists("a"));
}

TEST_F(RedisBackendTest, BucketsAreIsolatedWhateverTheirNames) {
  Store store = MakeStore();
  const std::vector<std::string> names = {"", "a", "a*", "a?", "a[", "a:b", "ab", "../x", "*"};
  for (const auto& n : names) ASSERT_TRUE((*store.Open(n)).Set("k", AsBytes(n)).ok());
  for (const auto& n : names) {
    Bucket b = *store.Open(n);
    EXPECT_EQ(Str(b.Get("k")), n);
    auto page = b.ListKeys(std::nullopt);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->keys, std::vector<std::string>{"k"}) << n;
  }
}

TEST_F(RedisBackendTest, AWalkSeesEveryKey) {
  Store store = MakeStore();
  Bucket b = *store.Open("walk");
  std::vector<std::string> keys;
  for (int i = 0; i < 3000; ++i) keys.push_back("key" + std::to_string(i));
  std::vector<KeyValueView> pairs;
  for (auto& k : keys) pairs.push_back({k, AsBytes("v")});
  ASSERT_TRUE(b.SetMany(pairs).ok());
  std::map<std::string, int> seen;
  std::optional<uint64_t> cursor;
  do {
    auto page = b.ListKeys(cursor);
    ASSERT_TRUE(page.ok());
    EXPECT_LE(page->keys.size(), 1000u);
    for (auto& k : page->keys) ++seen[k];
    cursor = page->cursor;
  } while (cursor);
  EXPECT_EQ(seen.size(), 3000u);
}

// Walks bucket `b`, checking every page against `limits`; calls `between` after each page.
std::map<std::string, int> WalkWithin(Bucket& b, const Limits& limits,
                                      const std::function<void(int page)>& between = {}) {
  std::map<std::string, int> seen;
  std::optional<uint64_t> cursor;
  int pages = 0;
  do {
    auto page = b.ListKeys(cursor);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) break;
    CountPage(*page, limits, seen);
    if (page->cursor) {
      EXPECT_FALSE(page->keys.empty()) << "an empty page with a cursor";
    }
    cursor = page->cursor;
    if (between) between(++pages);
  } while (cursor && pages < 100000);
  return seen;
}

// 300 keys of about 200 bytes in a hash table: pages of at most 2,000 bytes (batches asked for
// again smaller), and of at most 250 (one key each, so that every bucket holding two keys is cut).
TEST_F(RedisBackendTest, PagesHoldAtMostThePageBytes) {
  for (uint32_t page_bytes : {2000u, 250u}) {
    StoreOptions options;
    options.limits.list_page_bytes = page_bytes;
    Store store = MakeStore(options);
    Bucket b = *store.Open("wide");
    std::vector<std::string> keys;
    for (int i = 0; i < 300; ++i) keys.push_back(std::to_string(i) + std::string(200, 'x'));
    std::vector<KeyValueView> pairs;
    for (auto& k : keys) pairs.push_back({k, AsBytes("v")});
    ASSERT_TRUE(b.SetMany(pairs).ok());
    EXPECT_EQ(server_.Cli("OBJECT ENCODING wasi-kv:wide"), "hashtable");
    auto seen = WalkWithin(b, options.limits);
    EXPECT_EQ(seen.size(), 300u) << page_bytes;
    for (auto& [k, n] : seen) EXPECT_EQ(n, 1) << k.substr(0, 8) << " with pages of " << page_bytes;
  }
}

// A small hash comes from HSCAN in one batch whatever COUNT says: the pages are cut from it.
// In the second walk, after the first page, the hash grows out of Redis's compact encoding into a
// hash table, so the batch the cursor resumes in is not the one it was cut from: no key present
// all along is lost.
TEST_F(RedisBackendTest, ASmallHashIsCutIntoPagesAndAWalkSurvivesItChangingEncoding) {
  StoreOptions options;
  options.limits.list_page_keys = 10;
  Store store = MakeStore(options);
  Bucket b = *store.Open("grow");
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(b.Set("k" + std::to_string(i), AsBytes("v")).ok());
  EXPECT_EQ(server_.Cli("OBJECT ENCODING wasi-kv:grow"), "listpack");
  int pages = 0;
  auto once = WalkWithin(b, options.limits, [&](int p) { pages = p; });
  EXPECT_EQ(once.size(), 100u);
  for (auto& [k, n] : once) EXPECT_EQ(n, 1) << k;
  EXPECT_GE(pages, 10);

  auto seen = WalkWithin(b, options.limits, [&](int page) {
    if (page == 1) {
      ASSERT_TRUE(b.Set(std::string(100, 'L'), AsBytes("a key too long for a listpack")).ok());
      for (int i = 0; i < 200; ++i) ASSERT_TRUE(b.Set("new" + std::to_string(i), AsBytes("v")).ok());
    }
  });
  EXPECT_EQ(server_.Cli("OBJECT ENCODING wasi-kv:grow"), "hashtable");
  for (int i = 0; i < 100; ++i) EXPECT_GE(seen["k" + std::to_string(i)], 1) << i;
}

// Deleting most of a hash shrinks its table (Redis rehashes it step by step, while the walk goes
// on): no key present for the whole walk is lost.
TEST_F(RedisBackendTest, AWalkLosesNoKeyWhileTheHashShrinks) {
  StoreOptions options;
  options.limits.list_page_keys = 3;
  Store store = MakeStore(options);
  Bucket b = *store.Open("shrink");
  std::vector<std::string> stable, doomed;
  for (int i = 0; i < 50; ++i) stable.push_back("stable" + std::to_string(i));
  for (int i = 0; i < 2000; ++i) doomed.push_back("doomed" + std::to_string(i));
  std::vector<KeyValueView> pairs;
  for (auto& k : stable) pairs.push_back({k, AsBytes("v")});
  for (auto& k : doomed) pairs.push_back({k, AsBytes("v")});
  ASSERT_TRUE(b.SetMany(pairs).ok());
  std::vector<std::string_view> gone(doomed.begin(), doomed.end());
  auto seen = WalkWithin(b, options.limits, [&](int page) {
    if (page == 2) {
      ASSERT_TRUE(b.DeleteMany(gone).ok());
    }
  });
  for (auto& k : stable) EXPECT_GE(seen[k], 1) << k;
}

TEST_F(RedisBackendTest, CountersHaveTheEngineRangeAndLoseNoDigit) {
  Store store = MakeStore();
  Bucket b = *store.Open("count");
  EXPECT_EQ(*b.Increment("n", 5), 5u);
  EXPECT_EQ(*b.Increment("n", 10), 15u);
  EXPECT_EQ(Str(b.Get("n")), "15");
  ASSERT_TRUE(b.Set("text", AsBytes("hello")).ok());
  EXPECT_FALSE(b.Increment("text", 1).ok());
  EXPECT_EQ(Str(b.Get("text")), "hello");
  ASSERT_TRUE(b.Set("neg", AsBytes("-5")).ok());
  EXPECT_FALSE(b.Increment("neg", 1).ok());  // -4 is no u64
  EXPECT_EQ(Str(b.Get("neg")), "-5");
  EXPECT_EQ(*b.IncrementSigned("neg", 1), -4);
  // Past what HINCRBY and Lua's doubles hold: the engine's arithmetic, digit for digit.
  ASSERT_TRUE(b.Set("big", AsBytes("9007199254740993")).ok());
  EXPECT_EQ(*b.Increment("big", 0), 9007199254740993u);
  EXPECT_EQ(*b.Increment("big", 18437736874454810622u), UINT64_MAX);
  auto over = b.Increment("big", 1);
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.status().message().find("overflow"), std::string::npos);
  EXPECT_EQ(Str(b.Get("big")), "18446744073709551615");
  EXPECT_FALSE(b.IncrementSigned("big", 0).ok());
  EXPECT_EQ(*b.IncrementSigned("big", INT64_MIN), INT64_MAX);
}

TEST_F(RedisBackendTest, SwapSeesChangesByOtherClientsAndByRedisCli) {
  Store one = MakeStore(), two = MakeStore();
  Bucket a = *one.Open("cas"), b = *two.Open("cas");
  ASSERT_TRUE(a.Set("k", AsBytes("v1")).ok());
  CasState seen = *a.ReadForSwap("k");
  ASSERT_TRUE(b.Set("k", AsBytes("v1")).ok());  // the same bytes, from another client
  auto r = a.Swap(seen, AsBytes("mine"));
  ASSERT_TRUE(r.ok() && r->has_value()) << r.status().ToString();
  ASSERT_TRUE(a.Swap(**r, AsBytes("mine"))->has_value() == false);
  EXPECT_EQ(Str(b.Get("k")), "mine");

  seen = *a.ReadForSwap("k");
  server_.Cli("HSET wasi-kv:cas k changed-by-cli");
  r = a.Swap(seen, AsBytes("lost"));
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ(Str(b.Get("k")), "changed-by-cli");

  CasState absent = *a.ReadForSwap("new");
  ASSERT_TRUE(b.Set("new", AsBytes("x")).ok());
  ASSERT_TRUE(b.Delete("new").ok());
  r = a.Swap(absent, AsBytes("late"));
  ASSERT_TRUE(r.ok() && r->has_value());
  ASSERT_TRUE(a.Swap(**r, AsBytes("late"))->has_value() == false);
  EXPECT_EQ(Str(b.Get("new")), "late");
  // Deleting keeps no version behind: the companion hash holds live keys only.
  ASSERT_TRUE(b.Delete("new").ok());
  EXPECT_EQ(server_.Cli("HEXISTS wasi-kv-version:cas new"), "0");
}

// Changes run their scripts by SHA-1; a server that lost its script cache gets them again.
TEST_F(RedisBackendTest, ChangesSurviveAFlushOfTheServersScripts) {
  Store store = MakeStore();
  Bucket b = *store.Open("scripts");
  ASSERT_TRUE(b.Set("k", AsBytes("1")).ok());
  server_.Cli("SCRIPT FLUSH");
  ASSERT_TRUE(b.Set("k", AsBytes("2")).ok());
  ASSERT_TRUE(b.Delete("gone").ok());
  EXPECT_EQ(Str(b.Get("k")), "2");
  EXPECT_EQ(server_.Cli("HGET wasi-kv:scripts k"), "2");
}

// A value of several MiB arrives in many reads and comes back whole through both reads.
TEST_F(RedisBackendTest, ALargeValueComesBackWhole) {
  Store store = MakeStore();
  Bucket b = *store.Open("large");
  std::string value(3 << 20, 'x');
  for (size_t i = 0; i < value.size(); i += 4093) value[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(b.Set("big", AsBytes(value)).ok());
  EXPECT_EQ(Str(b.Get("big")), value);
  struct Sink final : ValueSink {
    std::string got;
    uint8_t* Allocate(size_t size) override {
      got.resize(size);
      return reinterpret_cast<uint8_t*>(got.data());
    }
  } sink;
  auto found = b.GetInto("big", sink);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ(sink.got, value);
}

TEST_F(RedisBackendTest, RedisCliReadsAndWritesTheSameData) {
  Store store = MakeStore();
  Bucket b = *store.Open("shared");
  ASSERT_TRUE(b.Set("greeting", AsBytes("hello")).ok());
  EXPECT_EQ(server_.Cli("HGET wasi-kv:shared greeting"), "hello");
  server_.Cli("HSET wasi-kv:shared from-cli 42");
  EXPECT_EQ(Str(b.Get("from-cli")), "42");
  server_.Cli("HINCRBY wasi-kv:shared from-cli 8");
  EXPECT_EQ(*b.Increment("from-cli", 1), 51u);
}

TEST_F(RedisBackendTest, ServerDownGivesErrorsThenReconnects) {
  Store store = MakeStore();
  Bucket b = *store.Open("faults");
  ASSERT_TRUE(b.Set("k", AsBytes("v")).ok());
  server_.Stop();
  util::Status down = b.Set("k", AsBytes("w"));
  ASSERT_FALSE(down.ok());
  EXPECT_NE(down.message().find("redis 127.0.0.1:"), std::string::npos) << down.message();
  auto refused = b.Get("k");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("refused"), std::string::npos)
      << refused.status().message();
  // A new server on the same port: the bucket reconnects by itself.
  uint16_t port = server_.port();
  pid_t pid = ::fork();
  if (pid == 0) {
    RedisServer::Quiet();
    std::string p = std::to_string(port);
    ::execlp("redis-server", "redis-server", "--port", p.c_str(), "--bind", "127.0.0.1", "--save",
             "", "--appendonly", "no", "--loglevel", "warning", nullptr);
    ::_exit(127);
  }
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    back = b.Set("k", AsBytes("again")).ok();
  }
  EXPECT_TRUE(back);
  EXPECT_EQ(Str(b.Get("k")), "again");
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

TEST(RedisAuthTest, PasswordAndDatabaseFromTheUrl) {
  RedisServer server;
  if (!server.Start("s3cret")) GTEST_SKIP() << "redis-server could not be started";
  auto open = [&](const std::string& url) {
    auto config = redis::ParseUrl(url);
    EXPECT_TRUE(config.ok()) << url;
    return Store(std::make_unique<RedisStore>(
                     std::make_unique<redis::Client>(redis::PosixConnector(), *config)),
                 StoreOptions{});
  };
  std::string port = std::to_string(server.port());
  Store wrong = open("redis://:nope@127.0.0.1:" + port);
  auto refused = wrong.Open("b");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), util::Code::kPermissionDenied) << refused.status().ToString();
  // A server that wants a password refuses commands without one (NOAUTH): access-denied too.
  Store none = open("redis://127.0.0.1:" + port);
  auto unauthenticated = none.Open("b");
  ASSERT_FALSE(unauthenticated.ok());
  EXPECT_EQ(unauthenticated.status().code(), util::Code::kPermissionDenied)
      << unauthenticated.status().ToString();
  // A database the server does not have is a bad setting, not a refusal.
  Store missing_db = open("redis://default:s3cret@127.0.0.1:" + port + "/16");
  auto no_db = missing_db.Open("b");
  ASSERT_FALSE(no_db.ok());
  EXPECT_EQ(no_db.status().code(), util::Code::kInvalidArgument) << no_db.status().ToString();
  EXPECT_NE(no_db.status().ToString().find("SELECT"), std::string::npos) << no_db.status().ToString();
  Store right = open("redis://default:s3cret@127.0.0.1:" + port + "/3");
  auto b = right.Open("b");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE(b->Set("k", AsBytes("in db 3")).ok());
  EXPECT_EQ(server.Cli("-n 3 HGET wasi-kv:b k"), "in db 3");
  EXPECT_EQ(server.Cli("-n 0 HEXISTS wasi-kv:b k"), "0");
}

TEST(RedisConfigTest, OpenOfAnAbsentServerIsAClearError) {
  redis::Config c;
  c.port = 1;  // nothing listens on port 1
  c.connect_timeout_ms = 300;
  Store store(
      std::make_unique<RedisStore>(std::make_unique<redis::Client>(redis::PosixConnector(), c)),
      StoreOptions{});
  auto b = store.Open("");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("redis 127.0.0.1:1"), std::string::npos)
      << b.status().message();
}

TEST(RedisConfigTest, Urls) {
  auto c = redis::ParseUrl("redis://alice:s3cret@db.example:6380/2");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "s3cret");
  EXPECT_EQ(c->host, "db.example");
  EXPECT_EQ(c->port, 6380);
  EXPECT_EQ(c->db, 2u);
  auto d = redis::ParseUrl("redis://127.0.0.1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, 6379);
  auto p = redis::ParseUrl("redis://:pw@h:1/");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->password, "pw");
  for (const char* bad : {"http://h", "redis://", "redis://h:0", "redis://h:99999", "redis://h/x",
                          "redis://user@h"}) {
    auto r = redis::ParseUrl(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("KV_REDIS_URL"), std::string::npos);
    }
  }
}

TEST_F(RedisBackendTest, TwoClientsIncrementingOneCounterCountExactly) {
  auto run = [this](int n) {
    Store store = MakeStore();
    Bucket b = *store.Open("race");
    for (int i = 0; i < n; ++i) ASSERT_TRUE(b.Increment("n", 1).ok());
  };
  std::thread a(run, 2000), c(run, 2000);
  a.join();
  c.join();
  Store store = MakeStore();
  EXPECT_EQ(Str((*store.Open("race")).Get("n")), "4000");
}

}  // namespace
}  // namespace kv

// The engine natively, per backend, next to SQLite on the same workload and durability:
//   file store, sync per write   vs  SQLite WAL, synchronous=FULL
//   file store, no sync          vs  SQLite WAL, synchronous=OFF
// Single sets of 16-byte values (each its own transaction), then gets. Google Benchmark.
// And the Redis backend on the server KV_REDIS_URL names (make bench starts one), one connection:
// single HSETs and HGETs, and batches of 100 (one HSET / HMGET), to set beside redis-benchmark.
// And the RESP parser alone on large replies.
//
//   build/native/native_bench --benchmark_format=json
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "kv/backends/file.h"
#include "kv/backends/memory.h"
#include "kv/backends/redis.h"
#include "kv/engine/store.h"
#include "kv/resp/parser.h"

namespace {

const std::string kValue(16, 'v');
std::string Dir(const char* name) { return "build/bench-native/" + std::string(name); }
std::string Key(int64_t i) { return "key:" + std::to_string(i); }

// `as_a_component`: the lock released after every change and no space written ahead, as in a
// component (which has no thread to keep the lock): the file store's own cost there, without the
// runtime's.
std::unique_ptr<kv::Store> FileStore(const char* name, kv::file::SyncPolicy sync,
                                     bool as_a_component = false) {
  std::filesystem::remove_all(Dir(name));
  std::filesystem::create_directories("build/bench-native");
  kv::file::FileStoreOptions o;
  o.dir = Dir(name);
  o.sync = sync;
  if (as_a_component) o.lock_linger_ms = 0, o.preallocate_bytes = 0;
  auto backend = kv::file::OpenFileStore(o);
  return std::make_unique<kv::Store>(std::move(backend).value(), kv::StoreOptions{});
}

void RunSets(benchmark::State& state, kv::Store& store) {
  kv::Bucket b = *store.Open("bench");
  int64_t i = 0;
  for (auto _ : state) {
    if (!b.Set(Key(i++ % 100000), kv::AsBytes(kValue)).ok()) state.SkipWithError("set failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void RunGets(benchmark::State& state, kv::Store& store) {
  kv::Bucket b = *store.Open("bench");
  for (int64_t i = 0; i < 10000; ++i) (void)b.Set(Key(i), kv::AsBytes(kValue));
  int64_t i = 0;
  for (auto _ : state) {
    auto v = b.Get(Key(i++ % 10000));
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_MemorySet(benchmark::State& state) {
  kv::Store store(kv::NewMemoryStore(), {});
  RunSets(state, store);
}
void BM_MemoryGet(benchmark::State& state) {
  kv::Store store(kv::NewMemoryStore(), {});
  RunGets(state, store);
}
void BM_FileSetSync(benchmark::State& state) {
  auto store = FileStore("file-sync", kv::file::SyncPolicy::kAlways);
  RunSets(state, *store);
}
void BM_FileSetNoSync(benchmark::State& state) {
  auto store = FileStore("file-nosync", kv::file::SyncPolicy::kNever);
  RunSets(state, *store);
}
void BM_FileSetSyncAsComponent(benchmark::State& state) {
  auto store = FileStore("file-sync-component", kv::file::SyncPolicy::kAlways, true);
  RunSets(state, *store);
}
void BM_FileSetNoSyncAsComponent(benchmark::State& state) {
  auto store = FileStore("file-nosync-component", kv::file::SyncPolicy::kNever, true);
  RunSets(state, *store);
}
void BM_FileGet(benchmark::State& state) {
  auto store = FileStore("file-get", kv::file::SyncPolicy::kNever);
  RunGets(state, *store);
}

// SQLite: one table (bucket, key) -> value, the layout Spin's SQLite store uses.
void SqliteSets(benchmark::State& state, const char* synchronous) {
  std::filesystem::create_directories("build/bench-native");
  std::string path = Dir("sqlite.db");
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
  sqlite3_exec(db, (std::string("PRAGMA synchronous=") + synchronous).c_str(), nullptr, nullptr,
               nullptr);
  sqlite3_exec(db, "CREATE TABLE kv (bucket TEXT, key TEXT, value BLOB, PRIMARY KEY (bucket, key))",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* put = nullptr;
  sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO kv VALUES ('bench', ?, ?)", -1, &put, nullptr);
  int64_t i = 0;
  for (auto _ : state) {
    std::string key = Key(i++ % 100000);
    sqlite3_bind_text(put, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(put, 2, kValue.data(), static_cast<int>(kValue.size()), SQLITE_STATIC);
    if (sqlite3_step(put) != SQLITE_DONE) state.SkipWithError("sqlite insert failed");
    sqlite3_reset(put);
  }
  sqlite3_finalize(put);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations());
}
void BM_SqliteSetFull(benchmark::State& state) { SqliteSets(state, "FULL"); }
void BM_SqliteSetOff(benchmark::State& state) { SqliteSets(state, "OFF"); }

// The disk's floor for a durable single change: a 40-byte write and fdatasync, at the end of a
// growing file (what a log does: the new size must be journaled too), and over bytes written
// before (what SQLite's WAL mostly does once it wraps after a checkpoint).
void SyncedWrites(benchmark::State& state, bool overwrite) {
  std::filesystem::create_directories("build/bench-native");
  std::string path = Dir(overwrite ? "sync-overwrite" : "sync-append");
  std::filesystem::remove(path);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
  const std::string record(40, 'r');
  if (overwrite) {
    std::string zeros(1 << 20, '\0');
    (void)!::pwrite(fd, zeros.data(), zeros.size(), 0);
    ::fdatasync(fd);
  }
  off_t at = 0;
  for (auto _ : state) {
    if (::pwrite(fd, record.data(), record.size(), at) != static_cast<ssize_t>(record.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write failed");
    }
    at = (at + static_cast<off_t>(record.size())) % (1 << 20);
  }
  ::close(fd);
  state.SetItemsProcessed(state.iterations());
}
void BM_DiskAppendSync(benchmark::State& state) { SyncedWrites(state, false); }
void BM_DiskOverwriteSync(benchmark::State& state) { SyncedWrites(state, true); }

// The Redis backend over POSIX sockets: the engine natively, one connection.
std::unique_ptr<kv::Store> RedisStore(benchmark::State& state) {
  const char* url = std::getenv("KV_REDIS_URL");
  if (url == nullptr) {
    state.SkipWithError("KV_REDIS_URL is not set (make bench runs this under tools/with-redis.sh)");
    return nullptr;
  }
  auto config = redis::ParseUrl(url);
  if (!config.ok()) {
    state.SkipWithError(config.status().ToString().c_str());
    return nullptr;
  }
  return std::make_unique<kv::Store>(
      kv::NewRedisStore(
          std::make_unique<redis::Client>(redis::PosixConnector(), *config)),
      kv::StoreOptions{});
}
void BM_RedisSet(benchmark::State& state) {
  if (auto store = RedisStore(state)) RunSets(state, *store);
}
void BM_RedisGet(benchmark::State& state) {
  if (auto store = RedisStore(state)) RunGets(state, *store);
}
// Keys per second, in batches of 100 keys: one HSET or one HMGET each.
const std::vector<std::string>& BatchKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (int64_t i = 0; i < 100; ++i) k.push_back(Key(i));
    return k;
  }();
  return keys;
}
void BM_RedisSetMany100(benchmark::State& state) {
  auto store = RedisStore(state);
  if (!store) return;
  kv::Bucket b = *store->Open("bench");
  std::vector<kv::KeyValueView> pairs;
  for (auto& k : BatchKeys()) pairs.push_back({k, kv::AsBytes(kValue)});
  for (auto _ : state) {
    if (!b.SetMany(pairs).ok()) state.SkipWithError("set-many failed");
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
void BM_RedisGetMany100(benchmark::State& state) {
  auto store = RedisStore(state);
  if (!store) return;
  kv::Bucket b = *store->Open("bench");
  std::vector<std::string_view> views(BatchKeys().begin(), BatchKeys().end());
  for (auto& k : BatchKeys()) (void)b.Set(k, kv::AsBytes(kValue));
  for (auto _ : state) {
    auto v = b.GetMany(views);
    if (!v.ok()) state.SkipWithError("get-many failed");
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}

}  // namespace

// The RESP parser on one large reply, an HMGET of N values of 1 KiB, fed in 16 KiB reads as a
// socket delivers it. Linear cost: twice the values, twice the time.
void BM_RespLargeReply(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  std::string reply = "*" + std::to_string(n) + "\r\n";
  for (size_t i = 0; i < n; ++i) reply += "$1024\r\n" + std::string(1024, 'v') + "\r\n";
  for (auto _ : state) {
    resp::ReplyParser parser;
    std::vector<resp::Reply> out;
    for (size_t at = 0; at < reply.size(); at += 16384) {
      std::string_view piece = std::string_view(reply).substr(at, 16384);
      (void)parser.Parse({reinterpret_cast<const uint8_t*>(piece.data()), piece.size()}, &out, 1);
    }
    if (out.size() != 1 || out[0].elements.size() != n) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * reply.size()));
}

BENCHMARK(BM_MemorySet);
BENCHMARK(BM_MemoryGet);
// Rates by the wall clock: a sync waits for the disk, which costs no CPU time.
BENCHMARK(BM_DiskAppendSync)->MinTime(2)->UseRealTime();
BENCHMARK(BM_DiskOverwriteSync)->MinTime(2)->UseRealTime();
BENCHMARK(BM_FileSetSync)->MinTime(2)->UseRealTime();
BENCHMARK(BM_SqliteSetFull)->MinTime(2)->UseRealTime();
BENCHMARK(BM_FileSetNoSync)->UseRealTime();
BENCHMARK(BM_SqliteSetOff)->UseRealTime();
BENCHMARK(BM_FileGet)->UseRealTime();
BENCHMARK(BM_FileSetSyncAsComponent)->MinTime(2)->UseRealTime();
BENCHMARK(BM_FileSetNoSyncAsComponent)->UseRealTime();
BENCHMARK(BM_RedisSet)->UseRealTime();
BENCHMARK(BM_RedisGet)->UseRealTime();
BENCHMARK(BM_RedisSetMany100)->UseRealTime();
BENCHMARK(BM_RedisGetMany100)->UseRealTime();
BENCHMARK(BM_RespLargeReply)->Arg(10000)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();

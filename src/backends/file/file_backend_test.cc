#include "backends/file/file_backend.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <malloc.h>

#include <map>
#include <random>

#include "backends/file/crc32c.h"
#include "backends/file/fault_file_system.h"
#include "backends/file/log_format.h"
#include "kv/engine/store.h"

namespace kv::file {
namespace {

constexpr const char* kDir = "/store";

std::string Path(std::string_view bucket) {
  return std::string(kDir) + "/" + FileStore::LogFileName(bucket);
}

util::Result<Store> OpenStore(FileSystem* fs, uint64_t compact_min = 4 << 20,
                              uint64_t preallocate = 0, uint32_t page_keys = 0) {
  FileStoreOptions o;
  o.dir = kDir;
  o.compact_min_dead_bytes = compact_min;
  o.preallocate_bytes = preallocate;
  o.lock_linger_ms = 0;  // released after every change; the kept lock has dir_lock_test.cc
  ASSIGN_OR_RETURN(auto backend, FileStore::Open(fs, o));
  StoreOptions options;
  if (page_keys != 0) options.limits.list_page_keys = page_keys;
  return Store(std::move(backend), std::move(options));
}

std::string Str(const std::optional<Bytes>& v) {
  return v ? std::string(v->begin(), v->end()) : std::string("<none>");
}

// The whole content of a bucket, via list-keys and get.
std::map<std::string, std::string> Dump(Bucket& b) {
  std::map<std::string, std::string> out;
  std::optional<uint64_t> cursor;
  do {
    auto page = b.ListKeys(cursor);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) return out;
    for (auto& k : page->keys) out[k] = Str(*b.Get(k));
    cursor = page->cursor;
  } while (cursor);
  return out;
}

TEST(FileStoreTest, DataSurvivesReopening) {
  FaultFileSystem fs;
  {
    Store store = *OpenStore(&fs);
    Bucket b = *store.Open("");
    ASSERT_TRUE(b.Set("a", AsBytes("1")).ok());
    ASSERT_TRUE(b.Set("b", AsBytes("2")).ok());
    ASSERT_TRUE(b.Set("a", AsBytes("3")).ok());
    ASSERT_TRUE(b.Delete("b").ok());
    EXPECT_EQ(*b.Increment("n", 5), 5u);
    const KeyValueView pairs[] = {{"x", AsBytes("X")}, {"y", {}}};
    ASSERT_TRUE(b.SetMany(pairs).ok());
    Bucket other = *store.Open("other");
    ASSERT_TRUE(other.Set("a", AsBytes("elsewhere")).ok());
  }
  Store again = *OpenStore(&fs);
  Bucket b = *again.Open("");
  EXPECT_EQ(Dump(b),
            (std::map<std::string, std::string>{{"a", "3"}, {"n", "5"}, {"x", "X"}, {"y", ""}}));
  Bucket other = *again.Open("other");
  EXPECT_EQ(Str(*other.Get("a")), "elsewhere");
}

TEST(FileStoreTest, BucketNamesMapToSafeFileNames) {
  EXPECT_EQ(FileStore::LogFileName(""), "b-.log");
  EXPECT_EQ(FileStore::LogFileName("../x"), "b-2e2e2f78.log");
  std::string long_name(300, 'n');
  std::string f = FileStore::LogFileName(long_name);
  EXPECT_TRUE(f.starts_with("h-"));
  EXPECT_EQ(f.find('/'), std::string::npos);
  EXPECT_NE(FileStore::LogFileName(long_name + "x"), f);
  FaultFileSystem fs;
  Store store = *OpenStore(&fs);
  Bucket b = *store.Open(long_name);
  ASSERT_TRUE(b.Set("k", AsBytes("v")).ok());
  Store again = *OpenStore(&fs);
  EXPECT_EQ(Str(*(*again.Open(long_name)).Get("k")), "v");
}

TEST(FileStoreTest, CompactionKeepsEveryLiveKeyAndShrinksTheLog) {
  FaultFileSystem fs;
  Store store = *OpenStore(&fs, /*compact_min=*/1024);
  Bucket b = *store.Open("c");
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(b.Set("k" + std::to_string(i), AsBytes("round " + std::to_string(round))).ok());
    }
  }
  ASSERT_TRUE(b.Delete("k0").ok());
  size_t size = fs.Bytes(Path("c"))->size();
  EXPECT_LT(size, 50u * 40u * 3u) << "the log was never compacted";
  auto before = Dump(b);
  EXPECT_EQ(before.size(), 49u);
  EXPECT_EQ(before["k7"], "round 19");
  Store again = *OpenStore(&fs);
  Bucket reopened = *again.Open("c");
  EXPECT_EQ(Dump(reopened), before);
}

TEST(FileStoreTest, ACursorStaysValidAcrossCompaction) {
  FaultFileSystem fs;
  Store store = *OpenStore(&fs, 256);
  Bucket b = *store.Open("walk");
  for (int i = 0; i < 3000; ++i) ASSERT_TRUE(b.Set("key" + std::to_string(i), AsBytes("v")).ok());
  auto first = b.ListKeys(std::nullopt);
  ASSERT_TRUE(first->cursor.has_value());
  for (int i = 0; i < 3000; i += 2)
    ASSERT_TRUE(b.Set("key" + std::to_string(i), AsBytes("w")).ok());
  std::map<std::string, int> seen;
  for (auto& k : first->keys) ++seen[k];
  std::optional<uint64_t> cursor = first->cursor;
  while (cursor) {
    auto page = b.ListKeys(cursor);
    for (auto& k : page->keys) ++seen[k];
    cursor = page->cursor;
  }
  EXPECT_EQ(seen.size(), 3000u);
  for (auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
}

TEST(FileStoreTest, AWalkIsExactlyOnceWhileAnotherProcessCompactsTheLog) {
  // Two stores on one directory stand for two processes. Between the pages of a walk in the
  // first, the second changes other keys until it compacts the log (a new file), which the first
  // then reloads: every key present for the whole walk comes back once.
  FaultFileSystem fs;
  Store walker = *OpenStore(&fs, 256);
  Store other = *OpenStore(&fs, 256);
  Bucket w = *walker.Open("walk");
  Bucket o = *other.Open("walk");
  // Deleted keys between the walked ones: a reload drops them, renumbering the entries.
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(w.Set("key" + std::to_string(i), AsBytes("v")).ok());
    if (i % 3 != 0) {
      ASSERT_TRUE(w.Set("gone" + std::to_string(i), AsBytes("v")).ok());
      ASSERT_TRUE(w.Delete("gone" + std::to_string(i)).ok());
    }
  }
  std::map<std::string, int> seen;
  std::optional<uint64_t> cursor;
  int pages = 0;
  do {
    auto page = w.ListKeys(cursor);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (auto& k : page->keys) ++seen[k];
    cursor = page->cursor;
    ++pages;
    // Churn: keys of its own set and deleted, the odd walked keys rewritten; enough dead bytes
    // to compact.
    const uint64_t id = *fs.FileId(Path("walk"));
    for (int i = 0; i < 2500; ++i) {
      ASSERT_TRUE(o.Set("churn" + std::to_string(i), AsBytes("x")).ok());
      ASSERT_TRUE(o.Delete("churn" + std::to_string(i)).ok());
      if (i < 400) {
        ASSERT_TRUE(o.Set("key" + std::to_string(2 * i + 1), AsBytes("w")).ok());
      }
    }
    EXPECT_NE(*fs.FileId(Path("walk")), id) << "the other process did not compact the log";
  } while (cursor);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 3000u);
  for (auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
}

TEST(FileStoreTest, TheIndexForgetsDeletedKeys) {
  // 200,000 set-and-delete cycles of one key, beside one live key: the index must not keep an
  // entry (and the key's bytes) for every cycle, nor list-keys walk them.
  FaultFileSystem fs;
  Store store = *OpenStore(&fs, /*compact_min=*/4096);
  Bucket b = *store.Open("churn");
  ASSERT_TRUE(b.Set("live", AsBytes("here")).ok());
  auto heap = [] { return mallinfo2().uordblks; };
  const size_t before = heap();
  for (int i = 0; i < 200'000; ++i) {
    ASSERT_TRUE(b.Set("come-and-go", AsBytes("v")).ok());
    ASSERT_TRUE(b.Delete("come-and-go").ok());
  }
  const size_t after = heap();
  EXPECT_LT(after > before ? after - before : 0, size_t{1} << 20)
      << "the heap grew by " << (after - before) << " bytes for one live key";
  auto page = b.ListKeys(std::nullopt);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->keys, std::vector<std::string>{"live"});
  EXPECT_FALSE(page->cursor.has_value());
}

TEST(FileStoreTest, OpenReadsTheLogAWindowAtATimeNotWhole) {
  // A 24 MiB log of 512 KiB values and a record of 3 MiB: open reads it in windows of 1 MiB (or
  // one record, when larger), not all at once, and finds everything.
  FaultFileSystem fs;
  std::map<std::string, std::string> want;
  {
    Store store = *OpenStore(&fs);
    Bucket b = *store.Open("big");
    for (int i = 0; i < 48; ++i) {
      std::string value(512 << 10, static_cast<char>('a' + i % 26));
      value += std::to_string(i);
      ASSERT_TRUE(b.Set("k" + std::to_string(i), AsBytes(value)).ok());
      want["k" + std::to_string(i)] = value;
    }
    std::string large(3 << 20, 'L');
    ASSERT_TRUE(b.Set("large", AsBytes(large)).ok());
    want["large"] = large;
    ASSERT_TRUE(b.Set("after", AsBytes("small")).ok());
    want["after"] = "small";
  }
  ASSERT_GT(fs.Bytes(Path("big"))->size(), size_t{24} << 20);
  const uint64_t before = fs.largest_read();
  Store store = *OpenStore(&fs);
  Bucket b = *store.Open("big");
  EXPECT_LE(fs.largest_read(), std::max<uint64_t>(before, (3 << 20) + 64))
      << "open read " << fs.largest_read() << " bytes in one call";
  EXPECT_EQ(Dump(b), want);
}

TEST(FileStoreTest, GetIntoReadsTheValueFromTheLogIntoTheSink) {
  struct Sink final : ValueSink {
    std::vector<uint8_t> bytes;
    uint8_t* Allocate(size_t size) override {
      bytes.assign(size, 0);
      return bytes.data();
    }
  };
  FaultFileSystem fs;
  Store store = *OpenStore(&fs);
  Bucket b = *store.Open("");
  ASSERT_TRUE(b.Set("k", AsBytes("first")).ok());
  ASSERT_TRUE(b.Set("k", AsBytes("second value")).ok());
  Sink sink;
  auto found = b.GetInto("k", sink);
  ASSERT_TRUE(found.ok() && *found) << found.status().ToString();
  EXPECT_EQ(std::string(sink.bytes.begin(), sink.bytes.end()), "second value");
  Sink none;
  found = b.GetInto("absent", none);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
}

TEST(FileStoreTest, PreallocatedSpaceIsUsedReadBackAndSeenByOtherProcesses) {
  FaultFileSystem fs;
  Store p1 = *OpenStore(&fs, 4 << 20, /*preallocate=*/4096);
  Store p2 = *OpenStore(&fs, 4 << 20, /*preallocate=*/4096);
  Bucket a = *p1.Open("shared");
  Bucket b = *p2.Open("shared");
  ASSERT_TRUE(a.Set("k1", AsBytes("one")).ok());
  const size_t size = fs.Bytes(Path("shared"))->size();
  EXPECT_GT(size, 4096u);  // the record and the space written after it
  EXPECT_EQ(Str(*b.Get("k1")), "one");
  // The next records go into that space: the file does not grow, and the other store, whose
  // catch-up can no longer rely on the size, still sees each of them.
  ASSERT_TRUE(a.Set("k2", AsBytes("two")).ok());
  EXPECT_EQ(fs.Bytes(Path("shared"))->size(), size);
  EXPECT_EQ(Str(*b.Get("k2")), "two");
  ASSERT_TRUE(b.Increment("n", 5).ok());
  ASSERT_TRUE(a.Increment("n", 1).ok());
  EXPECT_EQ(Str(*b.Get("n")), "6");
  EXPECT_EQ(fs.Bytes(Path("shared"))->size(), size);
  // Many more than fit: the space is extended as it runs out.
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE((i % 2 ? a : b).Set("many" + std::to_string(i), AsBytes(std::to_string(i))).ok());
  }
  EXPECT_EQ(Str(*a.Get("many499")), "499");
  EXPECT_EQ(Str(*b.Get("many498")), "498");
  // Reopened, with zeros after the last record: everything is there and nothing is "torn".
  Store again = *OpenStore(&fs);
  Bucket c = *again.Open("shared");
  EXPECT_EQ(Dump(c), Dump(a));
  EXPECT_EQ(Dump(c).size(), 503u);
  auto names = fs.List(kDir);
  ASSERT_TRUE(names.ok());
  for (const std::string& n : *names) EXPECT_EQ(n.find(".torn-"), std::string::npos) << n;
}

TEST(FileStoreTest, CatchingUpReadsWhatOthersWroteNotTheSpaceWrittenAhead) {
  FaultFileSystem fs;
  Store p1 = *OpenStore(&fs, 4 << 20, /*preallocate=*/1 << 20);
  Store p2 = *OpenStore(&fs);
  Bucket a = *p1.Open("s");
  Bucket b = *p2.Open("s");
  ASSERT_TRUE(a.Set("k", AsBytes("v")).ok());  // the record, then 1 MiB of zeros
  uint64_t before = fs.bytes_read();
  EXPECT_EQ(Str(*b.Get("k")), "v");
  EXPECT_LT(fs.bytes_read() - before, uint64_t{100} << 10);
}

TEST(FileStoreTest, WithNoRoomToWriteAheadAChangeStillStands) {
  FaultFileSystem fs;
  Store store = *OpenStore(&fs, 4 << 20, /*preallocate=*/4096);
  Bucket b = *store.Open("full");
  fs.RefuseWritesOver(1000);  // room for a record, not for the zeros after it
  ASSERT_TRUE(b.Set("k", AsBytes("v")).ok());
  ASSERT_TRUE(b.Set("k2", AsBytes("w")).ok());
  Store again = *OpenStore(&fs);
  Bucket c = *again.Open("full");
  EXPECT_EQ(Dump(c), (std::map<std::string, std::string>{{"k", "v"}, {"k2", "w"}}));
}

TEST(FileStoreTest, TwoStoresOnOneDirectorySeeEachOtherAndCountExactly) {
  FaultFileSystem fs;
  Store p1 = *OpenStore(&fs, 512);
  Store p2 = *OpenStore(&fs, 512);
  Bucket a = *p1.Open("shared");
  Bucket b = *p2.Open("shared");
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(a.Increment("n", 1).ok());
    ASSERT_TRUE(b.Increment("n", 2).ok());
    ASSERT_TRUE((i % 2 ? a : b).Set("k" + std::to_string(i % 10), AsBytes(std::to_string(i))).ok());
  }
  EXPECT_EQ(Str(*a.Get("n")), "600");
  EXPECT_EQ(Str(*b.Get("n")), "600");
  EXPECT_EQ(Dump(a), Dump(b));
}

// Leaves a LOCK holding `contents` that is `age_seconds` old by the clock, as another process
// would, then makes a change: returns how long (fake) it waited before it broke the lock.
int64_t MillisToBreakLock(FaultFileSystem& fs, Bucket& b, std::string_view contents,
                          int64_t age_seconds = 0) {
  EXPECT_TRUE(fs.CreateExclusive(std::string(kDir) + "/LOCK", AsBytes(contents)).ok());
  fs.AdvanceSeconds(age_seconds);
  int64_t before = fs.NowMillis();
  EXPECT_TRUE(b.Set("k", AsBytes("v")).ok());
  EXPECT_FALSE(fs.Exists(std::string(kDir) + "/LOCK"));
  return fs.NowMillis() - before;
}

TEST(FileStoreTest, AnAbandonedLockIsBrokenNotWaitedOnForever) {
  FaultFileSystem fs;
  Store store = *OpenStore(&fs);
  Bucket b = *store.Open("");
  // A minute old by its token: broken once the waiter has seen it unchanged for 3 s of its own
  // clock, not after the 10 s stale time, which the token says has passed already.
  int64_t waited = MillisToBreakLock(fs, b, std::to_string(fs.NowMillis()) + "-dead-1", 60);
  EXPECT_GE(waited, 3'000);
  EXPECT_LT(waited, 3'100);
}

// Runs `fn` on a thread of its own; a call still running after 10 s is a hang: the test
// process is ended with a message rather than left to spin.
template <class Fn>
auto WithinTenSeconds(Fn fn) {
  auto done = std::async(std::launch::async, std::move(fn));
  if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    std::fprintf(stderr, "FATAL: the call did not return within 10 s\n");
    std::_Exit(3);
  }
  return done.get();
}

TEST(FileStoreTest, ADirectoryThatCannotBeWrittenIsAnErrorNamingTheLockNotAHang) {
  FaultFileSystem fs;
  ASSERT_TRUE(fs.CreateDir(kDir).ok());
  fs.DenyCreates(true);
  const int64_t before = fs.NowMillis();
  util::Status s = WithinTenSeconds([&fs] {
    auto store = OpenStore(&fs);
    if (!store.ok()) return store.status();
    return store->Open("").status();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), util::Code::kIOError) << s.ToString();
  EXPECT_NE(s.ToString().find("/store/LOCK"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("Permission denied"), std::string::npos) << s.ToString();
  EXPECT_LT(fs.NowMillis() - before, 1000) << "it waited for the lock";
}

// kv/engine/store.h: a Bucket keeps its backend's bucket alive, also after the Store is gone; the
// file store's bucket then still has the file system, the options and the lock it shares.
TEST(FileStoreTest, ABucketOutlivesItsStore) {
  FaultFileSystem fs;
  std::optional<Bucket> b;
  {
    auto store = OpenStore(&fs);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto opened = store->Open("b");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    b = *opened;
  }
  ASSERT_TRUE(b->Set("k", AsBytes("after")).ok());
  EXPECT_EQ(Str(*b->Get("k")), "after");
  auto reopened = OpenStore(&fs);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(Str(*reopened->Open("b")->Get("k")), "after");
}

// A missing directory is the store's own failure (kIOError), never kNotFound: at a provider's
// boundary kNotFound from opening a bucket means "no such store" (bindings/keyvalue_errors.h).
TEST(FileStoreTest, AMissingDirectoryIsAnIOErrorNotAMissingBucket) {
  char tmpl[] = "/tmp/kv-file-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  FileStoreOptions o;
  o.dir = root + "/no-such-parent/store";
  auto refused = OpenFileStore(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), util::Code::kIOError) << refused.status().ToString();
  EXPECT_NE(refused.status().ToString().find(o.dir), std::string::npos)
      << refused.status().ToString();

  // The directory goes away under an open store: the next bucket cannot be opened.
  o.dir = root + "/store";
  o.lock_linger_ms = 0;
  auto backend = OpenFileStore(o);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  Store store(std::move(backend).value(), {});
  ASSERT_EQ(std::system(("rm -rf '" + o.dir + "'").c_str()), 0);
  auto bucket = store.Open("b");
  ASSERT_FALSE(bucket.ok());
  EXPECT_EQ(bucket.status().code(), util::Code::kIOError) << bucket.status().ToString();
  EXPECT_EQ(std::system(("rm -rf '" + root + "'").c_str()), 0);
}

TEST(FileStoreTest, ALockThatCanBeNeitherCreatedNorReadTimesOut) {
  // `LOCK` exists for exclusive creation but reads as missing (a dangling link would): the waiter
  // retries, pausing between tries, and gives up after its timeout instead of spinning.
  class DanglingLock final : public FileSystem {
   public:
    explicit DanglingLock(FaultFileSystem* fs) : fs_(fs) {}
    util::Result<std::unique_ptr<File>> Open(const std::string& p, bool c) override { return fs_->Open(p, c); }
    util::Status CreateExclusive(const std::string& p, std::span<const uint8_t> b) override {
      if (p.ends_with("/LOCK")) return util::Status(util::Code::kAlreadyExists, "exists");
      return fs_->CreateExclusive(p, b);
    }
    util::Result<std::vector<uint8_t>> ReadAll(const std::string& p) override {
      if (p.ends_with("/LOCK")) return util::NotFound("no file");
      return fs_->ReadAll(p);
    }
    util::Status Rename(const std::string& a, const std::string& b) override { return fs_->Rename(a, b); }
    util::Status Remove(const std::string& p) override { return fs_->Remove(p); }
    bool Exists(const std::string& p) override { return fs_->Exists(p); }
    util::Result<uint64_t> FileId(const std::string& p) override { return fs_->FileId(p); }
    util::Result<std::vector<std::string>> List(const std::string& d) override { return fs_->List(d); }
    util::Status CreateDir(const std::string& d) override { return fs_->CreateDir(d); }
    util::Status SyncDir(const std::string& d) override { return fs_->SyncDir(d); }
    int64_t NowMillis() override { return fs_->NowMillis(); }
    int64_t SteadyMillis() override { return fs_->SteadyMillis(); }
    void SleepMillis(int64_t ms) override { fs_->SleepMillis(ms); }
    void Random(std::span<uint8_t> out) override { fs_->Random(out); }

   private:
    FaultFileSystem* fs_;
  };
  FaultFileSystem fault;
  DanglingLock fs(&fault);
  util::Status s = WithinTenSeconds([&fs] {
    auto store = OpenStore(&fs);
    if (!store.ok()) return store.status();
    return store->Open("").status();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("stays locked"), std::string::npos) << s.ToString();
}

TEST(FileStoreTest, ALockWithoutATimeIsBrokenOnceSeenUnchangedForTheStaleTime) {
  FaultFileSystem fs;
  Store store = *OpenStore(&fs);
  Bucket b = *store.Open("");
  // A process that died between creating the lock and writing its token: the default stale
  // time, waited on the clock.
  int64_t waited = MillisToBreakLock(fs, b, "");
  EXPECT_GE(waited, 10'000);
  EXPECT_LT(waited, 11'000);
}

TEST(FileStoreTest, AFreshLockIsWaitedOnForTheStaleTimeBeforeItIsBroken) {
  FaultFileSystem fs;
  Store store = *OpenStore(&fs);
  Bucket b = *store.Open("");
  // A holder whose token says "now", and one from a clock that runs a minute ahead: both are
  // waited on for the stale time, neither is broken at once.
  for (int64_t ahead : {0, 60'000}) {
    int64_t waited = MillisToBreakLock(fs, b, std::to_string(fs.NowMillis() + ahead) + "-other-1");
    EXPECT_GE(waited, 10'000) << ahead;
    EXPECT_LT(waited, 11'000) << ahead;
  }
}

// ---- faults ----

struct Op {
  enum Kind { kSet, kDelete, kIncrement, kSetMany, kDeleteMany } kind;
  std::string key;
  std::string value;
};

std::vector<Op> Workload() {
  std::vector<Op> ops;
  std::mt19937 rng(7);
  for (int i = 0; i < 60; ++i) {
    std::string key = "k" + std::to_string(rng() % 12);
    switch (rng() % 6) {
      case 0:
      case 1:
        ops.push_back({Op::kSet, key, std::string(rng() % 40, 'a' + i % 26)});
        break;
      case 2:
        ops.push_back({Op::kDelete, key, ""});
        break;
      case 3:
        ops.push_back({Op::kIncrement, "counter", ""});
        break;
      case 4:
        ops.push_back({Op::kSetMany, key, "batch" + std::to_string(i)});
        break;
      case 5:
        ops.push_back({Op::kDeleteMany, key, ""});
        break;
    }
  }
  return ops;
}

// Applies `op` to a model of the bucket.
void Model(std::map<std::string, std::string>& m, const Op& op) {
  switch (op.kind) {
    case Op::kSet:
      m[op.key] = op.value;
      break;
    case Op::kDelete:
      m.erase(op.key);
      break;
    case Op::kIncrement:
      m["counter"] = std::to_string(m.contains("counter") ? std::stoull(m["counter"]) + 1 : 1);
      break;
    case Op::kSetMany:
      m[op.key] = op.value, m[op.key + "-twin"] = op.value;
      break;
    case Op::kDeleteMany:
      m.erase(op.key), m.erase(op.key + "-twin");
      break;
  }
}

util::Status Apply(Bucket& b, const Op& op) {
  switch (op.kind) {
    case Op::kSet:
      return b.Set(op.key, AsBytes(op.value));
    case Op::kDelete:
      return b.Delete(op.key);
    case Op::kIncrement:
      return b.Increment("counter", 1).status();
    case Op::kSetMany: {
      std::string twin = op.key + "-twin";
      const KeyValueView pairs[] = {{op.key, AsBytes(op.value)}, {twin, AsBytes(op.value)}};
      return b.SetMany(pairs);
    }
    case Op::kDeleteMany: {
      std::string twin = op.key + "-twin";
      const std::string_view keys[] = {op.key, twin};
      return b.DeleteMany(keys);
    }
  }
  return util::Status::Ok();
}

// Crashes the workload after every single file operation (writes, syncs, renames, removals,
// directory syncs: during normal writes and during compactions), with and without a torn tail,
// reboots, and checks that the store opens and holds every acknowledged change, plus at most the
// change that was in flight, applied whole.
TEST(FileStoreFaultTest, CrashAfterEveryOperationKeepsEveryAcknowledgedWrite) {
  const std::vector<Op> ops = Workload();
  // Count the operations of a full run.
  int64_t total;
  {
    FaultFileSystem fs;
    Store store = *OpenStore(&fs, 300);
    Bucket b = *store.Open("f");
    for (const Op& op : ops) ASSERT_TRUE(Apply(b, op).ok());
    total = fs.operations();
  }
  ASSERT_GT(total, 150);
  int checked = 0;
  for (int64_t crash_at = 0; crash_at <= total; ++crash_at) {
    // Without preallocation, and with the log extended 64 zero bytes at a time (so that records
    // land both past the end and inside space written ahead).
    for (uint64_t preallocate : {uint64_t{0}, uint64_t{64}})
      for (size_t torn : {size_t{0}, size_t{5}, size_t{1000}}) {
        FaultFileSystem fs;
        std::map<std::string, std::string> acknowledged;
        std::map<std::string, std::string> with_in_flight;
        {
          auto store = OpenStore(&fs, 300, preallocate);
          ASSERT_TRUE(store.ok());
          auto bucket = store->Open("f");
          ASSERT_TRUE(bucket.ok());
          fs.CrashAfter(crash_at);
          for (const Op& op : ops) {
            with_in_flight = acknowledged;
            Model(with_in_flight, op);
            if (!Apply(*bucket, op).ok()) break;
            acknowledged = with_in_flight;
          }
        }
        fs.Reboot(torn);
        fs.AdvanceSeconds(100);  // a lock file left by the crash is stale by now
        auto store = OpenStore(&fs, 300, preallocate);
        ASSERT_TRUE(store.ok()) << store.status().ToString();
        auto bucket = store->Open("f");
        ASSERT_TRUE(bucket.ok()) << "crash after " << crash_at << " ops, torn " << torn
                                 << ", preallocating " << preallocate << ": "
                                 << bucket.status().ToString();
        auto state = Dump(*bucket);
        EXPECT_TRUE(state == acknowledged || state == with_in_flight)
            << "crash after " << crash_at << " operations, " << torn
            << " torn bytes, preallocating " << preallocate;
        // And the store keeps working.
        ASSERT_TRUE(bucket->Set("after", AsBytes("crash")).ok());
        ++checked;
      }
  }
  EXPECT_EQ(checked, 2 * 3 * (total + 1));
}

TEST(FileStoreFaultTest, ATornLastRecordIsDiscardedAtEveryByteAndKept) {
  FaultFileSystem clean;
  {
    Store store = *OpenStore(&clean);
    Bucket b = *store.Open("t");
    ASSERT_TRUE(b.Set("first", AsBytes("one")).ok());
    ASSERT_TRUE(b.Set("second", AsBytes("two")).ok());
  }
  std::vector<uint8_t> full = *clean.Bytes(Path("t"));
  std::vector<uint8_t> last;
  AppendPut(last, "third", AsBytes("three, the torn one"));
  // At the end of the file, and inside space written ahead (zeros after it).
  for (size_t zeros : {size_t{0}, size_t{4096}}) {
    for (size_t cut = 1; cut < last.size(); ++cut) {
      FaultFileSystem fs;
      {
        Store store = *OpenStore(&fs);
        (void)*store.Open("t");
      }
      std::vector<uint8_t>& bytes = *fs.Bytes(Path("t"));
      bytes = full;
      bytes.insert(bytes.end(), last.begin(), last.begin() + cut);
      bytes.resize(bytes.size() + zeros, 0);
      Store store = *OpenStore(&fs);
      auto b = store.Open("t");
      ASSERT_TRUE(b.ok()) << "cut at " << cut << ": " << b.status().ToString();
      EXPECT_EQ(Dump(*b),
                (std::map<std::string, std::string>{{"first", "one"}, {"second", "two"}}));
      EXPECT_EQ(fs.Bytes(Path("t"))->size(), full.size()) << "the torn bytes were not cut off";
      auto kept = fs.Bytes(Path("t") + ".torn-" + std::to_string(full.size()));
      ASSERT_NE(kept, nullptr) << "the torn bytes were not kept";
      EXPECT_EQ(kept->size(), cut + zeros);
    }
  }
}

// Opens the store on `fs` and reads every key of bucket `name`: the contents, or the error.
util::Result<std::map<std::string, std::string>> OpenAndRead(FaultFileSystem& fs,
                                                              const std::string& name) {
  ASSIGN_OR_RETURN(Store store, OpenStore(&fs));
  ASSIGN_OR_RETURN(Bucket b, store.Open(name));
  std::map<std::string, std::string> out;
  std::optional<uint64_t> cursor;
  do {
    ASSIGN_OR_RETURN(KeyPage page, b.ListKeys(cursor));
    for (auto& k : page.keys) {
      ASSIGN_OR_RETURN(std::optional<Bytes> v, b.Get(k));
      out[k] = Str(v);
    }
    cursor = page.cursor;
  } while (cursor);
  return out;
}

TEST(FileStoreFaultTest, EveryBitOfASmallLogFlippedIsDetectedOrHarmless) {
  // Each flip, header included, one at a time: open and a read of every key either fail with an
  // error naming the file and the offset, or give back every acknowledged value. Never a silent
  // loss. Values end in bytes that are not zero (README, file-format.md: the one ambiguity).
  const std::map<std::string, std::string> acknowledged = {
      {"b", "bravo!"}, {"c", "charlie"}, {"d", "delta"}, {"n", "1"}};
  for (uint64_t preallocate : {uint64_t{0}, uint64_t{4096}}) {
    FaultFileSystem fs;
    {
      Store store = *OpenStore(&fs, 4 << 20, preallocate);
      Bucket b = *store.Open("bits");
      ASSERT_TRUE(b.Set("a", AsBytes("alpha")).ok());
      ASSERT_TRUE(b.Set("b", AsBytes("bravo!")).ok());
      ASSERT_TRUE(b.Delete("a").ok());
      const KeyValueView pairs[] = {{"c", AsBytes("charlie")}, {"d", AsBytes("delta")}};
      ASSERT_TRUE(b.SetMany(pairs).ok());
      ASSERT_EQ(*b.Increment("n", 1), 1u);
    }
    const std::string path = Path("bits");
    const std::vector<uint8_t> original = *fs.Bytes(path);
    size_t data_end = original.size();
    while (data_end > 0 && original[data_end - 1] == 0) --data_end;
    // The records, and the first bytes of the zeros written ahead after them.
    const size_t swept = std::min(original.size(), data_end + 16);
    size_t detected = 0, harmless = 0;
    for (size_t bit = 0; bit < swept * 8; ++bit) {
      *fs.Bytes(path) = original;
      (*fs.Bytes(path))[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      const std::vector<std::string> names = *fs.List(kDir);
      for (const std::string& n : names) {
        if (n.find(".torn-") != std::string::npos) {
          ASSERT_TRUE(fs.Remove(std::string(kDir) + "/" + n).ok());
        }
      }
      auto read = OpenAndRead(fs, "bits");
      if (read.ok()) {
        ASSERT_EQ(*read, acknowledged) << "bit " << bit << " (byte " << bit / 8 << ") of " << path
                                       << ", preallocating " << preallocate << ": a silent loss";
        ++harmless;
      } else {
        const std::string m = read.status().ToString();
        EXPECT_NE(m.find(path), std::string::npos) << "bit " << bit << ": " << m;
        EXPECT_NE(m.find("(at offset 0x"), std::string::npos) << "bit " << bit << ": " << m;
        ++detected;
      }
    }
    EXPECT_EQ(detected + harmless, swept * 8);
    EXPECT_GT(detected, data_end * 8 / 2) << "preallocating " << preallocate;
  }
}

TEST(FileStoreFaultTest, AHeaderNameLengthFlippedFailsOpenAndKeepsTheLog) {
  // The name length made larger than the file: once taken for an unfinished creation, moving the
  // whole log aside and opening the bucket empty.
  FaultFileSystem fs;
  {
    Store store = *OpenStore(&fs);
    Bucket b = *store.Open("");
    ASSERT_TRUE(b.Set("hello", AsBytes("wasi")).ok());
  }
  std::vector<uint8_t>& bytes = *fs.Bytes(Path(""));
  bytes[12 + 2] ^= 0x10;  // name_len += 1 MiB
  const std::vector<uint8_t> damaged = bytes;
  auto read = OpenAndRead(fs, "");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), util::Code::kCorruption);
  EXPECT_NE(read.status().ToString().find("(at offset 0xc)"), std::string::npos)
      << read.status().ToString();
  EXPECT_EQ(*fs.Bytes(Path("")), damaged);
  const std::vector<std::string> names = *fs.List(kDir);
  for (const std::string& n : names) EXPECT_EQ(n.find(".torn-"), std::string::npos) << n;
}

TEST(FileStoreFaultTest, ALogShorterThanItsHeaderIsAnUnfinishedCreation) {
  // Created, header cut short by a crash before its sync: no record can have been acknowledged,
  // so the bucket opens empty and the bytes are kept aside.
  FaultFileSystem fs;
  {
    Store store = *OpenStore(&fs);
    (void)*store.Open("u");
  }
  std::vector<uint8_t>& bytes = *fs.Bytes(Path("u"));
  const size_t header = bytes.size();
  for (size_t cut = 1; cut < header; ++cut) {
    *fs.Bytes(Path("u")) = EncodeHeader("u");
    fs.Bytes(Path("u"))->resize(cut);
    auto read = OpenAndRead(fs, "u");
    ASSERT_TRUE(read.ok()) << "cut at " << cut << ": " << read.status().ToString();
    EXPECT_TRUE(read->empty());
    EXPECT_NE(fs.Bytes(Path("u") + ".torn-0"), nullptr) << "cut at " << cut;
    ASSERT_TRUE(fs.Remove(Path("u") + ".torn-0").ok());
  }
}

TEST(FileStoreFaultTest, AMalformedBatchIsAppliedNotAtAllNotInPart) {
  // A batch record with a correct checksum whose second item is missing: its first item must not
  // be applied before the record is found malformed.
  std::vector<uint8_t> log = EncodeHeader("m");
  AppendPut(log, "a", AsBytes("1"));
  std::vector<uint8_t> payload = {2, 0, 0, 0, 1, 1, 0, 0, 0, 'x', 1, 0, 0, 0, 'X'};
  std::vector<uint8_t> record(8, 0);
  record.push_back(static_cast<uint8_t>(RecordType::kBatch));
  record.insert(record.end(), payload.begin(), payload.end());
  const uint32_t length = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) record[4 + i] = static_cast<uint8_t>(length >> (8 * i));
  const uint32_t crc = MaskCrc(Crc32c(std::span<const uint8_t>(record).subspan(4)));
  for (int i = 0; i < 4; ++i) record[i] = static_cast<uint8_t>(crc >> (8 * i));
  log.insert(log.end(), record.begin(), record.end());
  AppendPut(log, "b", AsBytes("2"));  // valid records follow: damage, not a torn write
  std::vector<std::string> applied;
  auto scan = ScanLog(log, "m.log", "m", [&](const ScannedChange& c) {
    applied.emplace_back(c.key);
  });
  ASSERT_FALSE(scan.ok());
  EXPECT_NE(scan.status().ToString().find("malformed"), std::string::npos);
  EXPECT_EQ(applied, std::vector<std::string>{"a"});
}

TEST(FileStoreFaultTest, AWriteTornOutOfOrderIsTornNotDamage) {
  // A record of three sectors and more, over zeros written ahead, of which the middle never
  // reached the disk (a power loss keeps no order within a write): never acknowledged, so torn,
  // kept aside; not damage that would refuse the bucket.
  FaultFileSystem fs;
  {
    Store store = *OpenStore(&fs, 4 << 20, /*preallocate=*/64 << 10);
    Bucket b = *store.Open("o");
    ASSERT_TRUE(b.Set("a", AsBytes("1")).ok());
  }
  std::vector<uint8_t>& bytes = *fs.Bytes(Path("o"));
  size_t end = bytes.size();
  while (end > 0 && bytes[end - 1] == 0) --end;
  std::vector<uint8_t> record;
  AppendPut(record, "big", Bytes(12000, 0x5a));
  std::copy(record.begin(), record.end(), bytes.begin() + static_cast<std::ptrdiff_t>(end));
  for (size_t i = 4096; i < 8192; ++i) bytes[end + i] = 0;  // the middle pages, not written
  auto read = OpenAndRead(fs, "o");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_NE(fs.Bytes(Path("o") + ".torn-" + std::to_string(end)), nullptr);
}

TEST(FileStoreTest, AReaderWithoutTheLockSeesAWriteInProgressAsPendingNotAsDamage) {
  // Another process is writing a record: this reader's copy caught its first and last bytes but
  // not the middle. A reader does not hold the lock, so it cannot tell that from damage: it reads
  // on without the record, and sees it once it is whole.
  FaultFileSystem fs;
  Store reader = *OpenStore(&fs);
  Bucket r = *reader.Open("p");
  {
    Store writer = *OpenStore(&fs);
    Bucket w = *writer.Open("p");
    ASSERT_TRUE(w.Set("a", AsBytes("1")).ok());
  }
  ASSERT_EQ(Str(*r.Get("a")), "1");
  std::vector<uint8_t> record;
  AppendPut(record, "b", Bytes(12000, 0x5a));
  std::vector<uint8_t>& bytes = *fs.Bytes(Path("p"));
  const size_t at = bytes.size();
  bytes.insert(bytes.end(), record.begin(), record.end());
  for (size_t i = 4096; i < 8192; ++i) bytes[at + i] = 0;
  auto mid = r.Get("a");
  ASSERT_TRUE(mid.ok()) << mid.status().ToString();
  EXPECT_EQ(Str(*mid), "1");
  EXPECT_FALSE(*r.Exists("b"));
  std::copy(record.begin(), record.end(), fs.Bytes(Path("p"))->begin() + static_cast<std::ptrdiff_t>(at));
  EXPECT_TRUE(*r.Exists("b"));
}

TEST(FileStoreFaultTest, TwoTearsAtOneOffsetAreBothKept) {
  FaultFileSystem fs;
  {
    Store store = *OpenStore(&fs);
    ASSERT_TRUE(store.Open("t")->Set("a", AsBytes("1")).ok());
  }
  const std::vector<uint8_t> whole = *fs.Bytes(Path("t"));
  std::vector<uint8_t> record;
  AppendPut(record, "b", AsBytes("two"));
  for (int tear = 0; tear < 2; ++tear) {
    *fs.Bytes(Path("t")) = whole;
    fs.Bytes(Path("t"))->insert(fs.Bytes(Path("t"))->end(), record.begin(), record.end() - 1 - tear);
    auto read = OpenAndRead(fs, "t");
    ASSERT_TRUE(read.ok()) << read.status().ToString();
  }
  const std::string side = Path("t") + ".torn-" + std::to_string(whole.size());
  ASSERT_NE(fs.Bytes(side), nullptr);
  ASSERT_NE(fs.Bytes(side + "-2"), nullptr);
  EXPECT_EQ(fs.Bytes(side)->size(), record.size() - 1);
  EXPECT_EQ(fs.Bytes(side + "-2")->size(), record.size() - 2);
}

TEST(FileStoreTest, AWalkSurvivesAReloadOfALogWithItsHistory) {
  // A reload that replays history (no compaction): a key deleted and added again by another
  // process has an earlier, dead place in the log; it must not take its number there.
  FaultFileSystem fs;
  Store walker = *OpenStore(&fs, 4 << 20, 0, /*page_keys=*/1);
  Store other = *OpenStore(&fs);
  Bucket w = *walker.Open("h");
  Bucket o = *other.Open("h");
  for (const char* k : {"A", "K", "B", "C"}) ASSERT_TRUE(w.Set(k, AsBytes("v")).ok());
  ASSERT_TRUE(o.Delete("K").ok());
  ASSERT_TRUE(o.Set("K", AsBytes("again")).ok());
  std::map<std::string, int> seen;
  auto page = w.ListKeys(std::nullopt);
  ASSERT_TRUE(page.ok());
  for (auto& k : page->keys) ++seen[k];
  page = w.ListKeys(page->cursor);
  for (auto& k : page->keys) ++seen[k];
  // A catch-up that fails (damage followed by a valid record), then put right: the next one
  // reloads the log from the start.
  std::vector<uint8_t>& bytes = *fs.Bytes(Path("h"));
  const std::vector<uint8_t> good = bytes;
  std::vector<uint8_t> valid;
  AppendPut(valid, "Z", AsBytes("z"));
  bytes.insert(bytes.end(), 20, 0x77);
  bytes.insert(bytes.end(), valid.begin(), valid.end());
  EXPECT_FALSE(w.ListKeys(page->cursor).ok());
  *fs.Bytes(Path("h")) = good;
  std::optional<uint64_t> cursor = page->cursor;
  while (cursor) {
    auto next = w.ListKeys(cursor);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    for (auto& k : next->keys) ++seen[k];
    cursor = next->cursor;
  }
  EXPECT_EQ(seen["A"], 1);
  EXPECT_EQ(seen["B"], 1);
  EXPECT_EQ(seen["C"], 1);
}

TEST(FileStoreFaultTest, AFlippedBitInTheMiddleFailsOpenNamingFileAndOffsetAndTouchesNothing) {
  // Without space written ahead, and with it (the records end in zeros, not at the end).
  for (uint64_t preallocate : {uint64_t{0}, uint64_t{4096}}) {
    FaultFileSystem fs;
    {
      Store store = *OpenStore(&fs, 4 << 20, preallocate);
      Bucket b = *store.Open("d");
      for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(b.Set("key" + std::to_string(i), AsBytes("value")).ok());
    }
    std::vector<uint8_t>& bytes = *fs.Bytes(Path("d"));
    size_t records_end = bytes.size();
    while (records_end > 0 && bytes[records_end - 1] == 0) --records_end;
    EXPECT_EQ(bytes.size() > records_end, preallocate > 0);
    size_t middle = records_end / 2;
    bytes[middle] ^= 0x10;
    std::vector<uint8_t> damaged = bytes;
    Store store = *OpenStore(&fs);
    auto b = store.Open("d");
    ASSERT_FALSE(b.ok()) << "preallocating " << preallocate;
    EXPECT_EQ(b.status().code(), util::Code::kCorruption);
    EXPECT_NE(b.status().ToString().find(FileStore::LogFileName("d")), std::string::npos)
        << b.status().ToString();
    ASSERT_TRUE(b.status().offset().has_value());
    EXPECT_LE(*b.status().offset(), middle);
    EXPECT_EQ(*fs.Bytes(Path("d")), damaged) << "a damaged file must be left as it is";
  }
}

}  // namespace
}  // namespace kv::file

namespace kv::file {
namespace {

// Without compactions, so that each swap must fail through the catch-up's stamp of the change
// (a reload after another process compacted renumbers every key, which would fail it anyway).
TEST(FileStoreTest, SwapSeesWhatOtherProcessesChanged) {
  FaultFileSystem fs;
  Store p1 = *OpenStore(&fs);
  Store p2 = *OpenStore(&fs);
  Bucket a = *p1.Open("cas");
  Bucket b = *p2.Open("cas");
  ASSERT_TRUE(a.Set("k", AsBytes("v")).ok());
  // Each kind of change by the other process, including one that writes the same bytes.
  const std::vector<std::function<util::Status()>> changes = {
      [&] { return b.Set("k", AsBytes("v")); },
      [&] { return b.IncrementSigned("n", 1).status(); },
      [&] {
        const std::string_view keys[] = {"k"};
        RETURN_IF_ERROR(b.DeleteMany(keys));
        return b.Set("k", AsBytes("v"));
      },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    ASSERT_TRUE(a.Set("n", AsBytes("0")).ok());
    ASSERT_TRUE(a.Set("k", AsBytes("v")).ok());
    const std::string key = i == 1 ? "n" : "k";
    CasState seen = *a.ReadForSwap(key);
    ASSERT_TRUE(changes[i]().ok()) << i;
    auto r = a.Swap(seen, AsBytes("mine"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r->has_value()) << "change " << i << " was not seen";
    ASSERT_TRUE(a.Swap(**r, AsBytes("mine"))->has_value() == false) << i;
    EXPECT_EQ(Str(*b.Get(key)), "mine");
  }
  // Unchanged since: the swap writes, and the other process sees it.
  CasState fresh = *b.ReadForSwap("k");
  ASSERT_TRUE(b.Swap(fresh, AsBytes("from b"))->has_value() == false);
  EXPECT_EQ(Str(*a.Get("k")), "from b");
}

TEST(FileStoreTest, SwapAfterAnotherProcessCompactedFailsOnceThenWrites) {
  FaultFileSystem fs;
  Store p1 = *OpenStore(&fs, /*compact_min=*/1);
  Store p2 = *OpenStore(&fs, /*compact_min=*/1);
  Bucket a = *p1.Open("cas");
  Bucket b = *p2.Open("cas");
  ASSERT_TRUE(a.Set("k", AsBytes("v")).ok());
  CasState seen = *a.ReadForSwap("k");
  // The other process rewrites other keys until its log compacts; "k" itself is not changed.
  const uint64_t id = *fs.FileId(Path("cas"));
  for (int i = 0; i < 100 && *fs.FileId(Path("cas")) == id; ++i) {
    ASSERT_TRUE(b.Set("other", AsBytes(std::string(100, 'x'))).ok());
  }
  ASSERT_NE(*fs.FileId(Path("cas")), id) << "the log never compacted";
  auto r = a.Swap(seen, AsBytes("mine"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->has_value()) << "a swap across a reload may not write on an old version";
  EXPECT_EQ(Str(*(*r)->value), "v");
  ASSERT_TRUE(a.Swap(**r, AsBytes("mine"))->has_value() == false);
  EXPECT_EQ(Str(*b.Get("k")), "mine");
}

TEST(FileStoreTest, SwapOfAMissingKeyFailsWhenItWasSetAndDeletedMeanwhile) {
  FaultFileSystem fs;
  Store p1 = *OpenStore(&fs);
  Store p2 = *OpenStore(&fs);
  Bucket a = *p1.Open("cas");
  Bucket b = *p2.Open("cas");
  CasState absent = *a.ReadForSwap("k");
  ASSERT_FALSE(absent.value.has_value());
  ASSERT_TRUE(b.Set("k", AsBytes("x")).ok());
  ASSERT_TRUE(b.Delete("k").ok());
  auto r = a.Swap(absent, AsBytes("late"));
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_FALSE((*r)->value.has_value());
  ASSERT_TRUE(a.Swap(**r, AsBytes("late"))->has_value() == false);
  // Durable like any set: a new process reads it.
  Store p3 = *OpenStore(&fs);
  EXPECT_EQ(Str(*(*p3.Open("cas")).Get("k")), "late");
}

}  // namespace
}  // namespace kv::file

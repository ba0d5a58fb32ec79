// The directory lock on real files, with its keeper thread: kept between changes, released when
// idle or when someone waits, never taken for a dead process's while its holder lives.
#include "backends/file/dir_lock.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <thread>

#include "backends/file/file_backend.h"
#include "kv/engine/store.h"

namespace kv::file {
namespace {

class DirLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dir-lock-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Store Open(int64_t linger_ms, int64_t stale_seconds = 10) {
    FileStoreOptions o;
    o.dir = dir_;
    o.sync = SyncPolicy::kNever;
    o.lock_linger_ms = linger_ms;
    o.lock_stale_seconds = stale_seconds;
    return Store(std::move(FileStore::Open(PosixFileSystem(), o)).value(), StoreOptions{});
  }
  bool Locked() const { return std::filesystem::exists(dir_ + "/LOCK"); }

  std::string dir_;
};

TEST_F(DirLockTest, KeptAfterAChangeAndReleasedOnceIdle) {
  Store store = Open(/*linger_ms=*/20);
  Bucket b = *store.Open("");
  ASSERT_TRUE(b.Set("k", AsBytes("v")).ok());
  EXPECT_TRUE(Locked());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(Locked());
  ASSERT_TRUE(b.Set("k", AsBytes("w")).ok());  // taken again
  EXPECT_TRUE(Locked());
}

TEST_F(DirLockTest, ReleasedAfterEveryChangeWithoutLinger) {
  Store store = Open(/*linger_ms=*/0);
  Bucket b = *store.Open("");
  ASSERT_TRUE(b.Set("k", AsBytes("v")).ok());
  EXPECT_FALSE(Locked());
}

TEST_F(DirLockTest, ClosingTheStoreReleasesIt) {
  {
    Store store = Open(/*linger_ms=*/60'000);
    Bucket b = *store.Open("");
    ASSERT_TRUE(b.Set("k", AsBytes("v")).ok());
    EXPECT_TRUE(Locked());
  }
  EXPECT_FALSE(Locked());
}

// Two stores that both keep the lock, working at once from two threads as two processes would:
// each yields to the other when it waits, every increment counts, and each sees the other's sets.
TEST_F(DirLockTest, TwoKeepersTakeTurnsAndCountExactly) {
  Store p1 = Open(/*linger_ms=*/50, /*stale_seconds=*/1);
  Store p2 = Open(/*linger_ms=*/50, /*stale_seconds=*/1);
  constexpr int kTimes = 20000;
  auto work = [&](Store* store, const char* name, util::Status* result) {
    Bucket b = *store->Open("shared");
    for (int i = 0; i < kTimes; ++i) {
      auto n = b.Increment("n", 1);
      if (!n.ok()) return void(*result = n.status());
      util::Status s = b.Set(std::string(name) + std::to_string(i % 7), AsBytes(std::to_string(i)));
      if (!s.ok()) return void(*result = s);
    }
  };
  util::Status r1, r2;
  auto start = std::chrono::steady_clock::now();
  std::thread t1(work, &p1, "a", &r1);
  std::thread t2(work, &p2, "b", &r2);
  t1.join();
  t2.join();
  ASSERT_TRUE(r1.ok()) << r1.ToString();
  ASSERT_TRUE(r2.ok()) << r2.ToString();
  Bucket a = *p1.Open("shared");
  Bucket b = *p2.Open("shared");
  auto n1 = a.Get("n"), n2 = b.Get("n");
  ASSERT_TRUE(n1.ok() && n2.ok() && *n1 && *n2);
  EXPECT_EQ(std::string((*n1)->begin(), (*n1)->end()), std::to_string(2 * kTimes));
  EXPECT_EQ(std::string((*n2)->begin(), (*n2)->end()), std::to_string(2 * kTimes));
  auto other = a.Get("b6");
  ASSERT_TRUE(other.ok() && *other);
  std::printf(
      "# two keepers, %d changes each: %.0f ms\n", 2 * kTimes,
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
}

// A torn write left in one bucket's log by another process must be repaired (and kept beside the
// log) before this process writes there, even when it already keeps the lock from a change to
// another bucket and has looked at the torn bucket meanwhile.
TEST_F(DirLockTest, KeepingTheLockDoesNotSkipRepairingATornTail) {
  Store store = Open(/*linger_ms=*/60'000);
  Bucket x = *store.Open("x");
  Bucket y = *store.Open("y");
  ASSERT_TRUE(y.Set("before", AsBytes("1")).ok());
  // Release the kept lock by closing the store, then let "another process" tear a write on y.
  std::string log = dir_ + "/" + FileStore::LogFileName("y");
  {
    Store other = Open(/*linger_ms=*/0);
    Bucket oy = *other.Open("y");
    ASSERT_TRUE(oy.Set("from-other", AsBytes("2")).ok());
  }
  {
    auto f = PosixFileSystem()->Open(log, false);
    ASSERT_TRUE(f.ok());
    uint64_t size = *(*f)->Size();
    const uint8_t torn[] = {0x12, 0x34, 0x56, 0x78, 0x40, 0, 0, 0, 1, 'p', 'a'};  // cut short
    ASSERT_TRUE((*f)->WriteAt(size, torn).ok());
  }
  ASSERT_TRUE(x.Set("x", AsBytes("1")).ok());  // takes the lock and keeps it
  auto seen = y.Get("from-other");             // looks at y without repairing it
  ASSERT_TRUE(seen.ok() && *seen) << seen.status().ToString();
  ASSERT_TRUE(y.Set("after", AsBytes("3")).ok());
  ASSERT_TRUE(y.Set("after2", AsBytes("4")).ok());
  Store reopened = Open(/*linger_ms=*/0);
  Bucket ry = *reopened.Open("y");
  for (const char* k : {"before", "from-other", "after", "after2"}) {
    auto v = ry.Get(k);
    ASSERT_TRUE(v.ok()) << k << ": " << v.status().ToString();
    EXPECT_TRUE(v->has_value()) << k;
  }
  bool kept = false;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    kept |= e.path().filename().string().find(".torn-") != std::string::npos;
  }
  EXPECT_TRUE(kept) << "the torn bytes were not kept beside the log";
}

// A waiter that died leaves LOCK.waiting behind; a keeper must not go on yielding to nobody.
TEST_F(DirLockTest, ALeftOverAnnouncementDoesNotSlowAKeeper) {
  ASSERT_TRUE(
      PosixFileSystem()->CreateExclusive(dir_ + "/LOCK.waiting", AsBytes("0000000000001")).ok());
  Store store = Open(/*linger_ms=*/50);
  Bucket b = *store.Open("");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(b.Set("k" + std::to_string(i), AsBytes("v")).ok());
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  EXPECT_LT(ms.count(), 2000) << "each change waited for a waiter that is not there";
  // The keeper thread removes it at its next look (every millisecond while it keeps the lock;
  // later when the machine is busy and the changes above finished first).
  for (int i = 0; i < 2000 && std::filesystem::exists(dir_ + "/LOCK.waiting"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/LOCK.waiting"));
}

TEST_F(DirLockTest, AStaleLockThatCannotBeRemovedIsAnErrorNotASpin) {
  // `LOCK` a directory: it exists, cannot be read as a token, and cannot be unlinked.
  ASSERT_TRUE(std::filesystem::create_directory(dir_ + "/LOCK"));
  FileStoreOptions o;
  o.dir = dir_;
  o.lock_stale_seconds = 1;
  o.lock_linger_ms = 0;
  auto store = FileStore::Open(PosixFileSystem(), o);
  ASSERT_TRUE(store.ok());
  auto start = std::chrono::steady_clock::now();
  auto bucket = (*store)->OpenBucket("");
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  ASSERT_FALSE(bucket.ok());
  EXPECT_NE(bucket.status().ToString().find("breaking the stale lock"), std::string::npos)
      << bucket.status().ToString();
  EXPECT_NE(bucket.status().ToString().find("LOCK"), std::string::npos);
  EXPECT_LT(ms.count(), 3000) << "it waited for the lock's timeout";
  std::filesystem::remove(dir_ + "/LOCK");
}

// Two processes that release the lock after every change (as components do), both changing the
// store without pause: each lets the other in, neither waits until it gives up.
TEST_F(DirLockTest, ProcessesThatReleaseAfterEachChangeTakeTurns) {
  Store p1 = Open(/*linger_ms=*/0, /*stale_seconds=*/2);
  Store p2 = Open(/*linger_ms=*/0, /*stale_seconds=*/2);
  constexpr int kTimes = 3000;
  auto work = [&](Store* store, util::Status* result) {
    Bucket b = *store->Open("turns");
    for (int i = 0; i < kTimes; ++i) {
      auto n = b.Increment("n", 1);
      if (!n.ok()) return void(*result = n.status());
    }
  };
  util::Status r1, r2;
  std::thread t1(work, &p1, &r1);
  std::thread t2(work, &p2, &r2);
  t1.join();
  t2.join();
  ASSERT_TRUE(r1.ok()) << r1.ToString();
  ASSERT_TRUE(r2.ok()) << r2.ToString();
  Bucket b = *p1.Open("turns");
  auto n = b.Get("n");
  ASSERT_TRUE(n.ok() && *n);
  EXPECT_EQ(std::string((*n)->begin(), (*n)->end()), std::to_string(2 * kTimes));
}

// If another process took a kept lock (judging it stale while this one was stalled), this
// process notices at its next token rewrite: it stops keeping it and leaves the other's alone.
TEST_F(DirLockTest, AKeeperWhoseLockWasTakenLetsItGo) {
  {
    Store store = Open(/*linger_ms=*/60'000, /*stale_seconds=*/1);
    Bucket b = *store.Open("");
    ASSERT_TRUE(b.Set("k", AsBytes("v")).ok());
    std::string other = "9999999999999-other-00000000000000000001";
    auto f = PosixFileSystem()->Open(dir_ + "/LOCK", false);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->WriteAt(0, AsBytes(other)).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    auto now = PosixFileSystem()->ReadAll(dir_ + "/LOCK");
    ASSERT_TRUE(now.ok());
    EXPECT_EQ(std::string(now->begin(), now->end()).substr(0, other.size()), other);
  }
  // Closing the store did not remove the other process's lock either.
  EXPECT_TRUE(Locked());
}

// A holder that keeps the lock for longer than the stale time rewrites its token, so a waiter
// that arrives late does not take it for a dead process's lock and break it.
TEST_F(DirLockTest, AKeptLockIsNotTakenForADeadOne) {
  Store holder = Open(/*linger_ms=*/60'000, /*stale_seconds=*/1);
  Bucket b = *holder.Open("");
  ASSERT_TRUE(b.Set("k", AsBytes("v")).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto token = PosixFileSystem()->ReadAll(dir_ + "/LOCK");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  std::string t(token->begin(), token->end());
  int64_t written = std::stoll(t.substr(0, t.find('-')));
  EXPECT_LT(PosixFileSystem()->NowMillis() - written, 1500) << t;
}

}  // namespace
}  // namespace kv::file

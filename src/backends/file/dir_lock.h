// The lock of a file store's directory, shared by every process that uses the store, native or
// component. WASI has no file locking, so it is a file, `LOCK`, created exclusively.
//
// The holder writes a token into it: "<wall-clock ms>-<nonce>-<count>", fixed width. A waiter
// judges a lock stale when it has seen the same token for a while by its own monotonic clock (3 s,
// or the stale time if shorter) and the token is older than `stale_seconds` (by its time, or,
// without one, by how long the waiter has seen it): such a lock was left by a process that died
// holding it, and is removed. File modification times are not used (under jco they are wrong).
//
// A waiter announces itself by writing the time into `LOCK.waiting` at every poll, and removes
// it once it holds the lock; an announcement older than 2 s is left over and is removed. A
// process that has just released the lock lets an announced waiter take it first.
//
// Natively, the lock is kept between changes for `linger_ms` (a lease): back-to-back changes then
// take it once, and a holder knows that no other process changed the store while it kept it. A
// thread releases it once it has been idle that long, or at the end of the current change when a
// waiter has announced itself, and rewrites the token every second while it is kept (first
// checking that the lock is still its own; if it was taken, the lease ends). Components have no
// threads: there the lock is released at the end of every change, and a single change that
// holds it longer than the stale time (a compaction or first open of a very large log on a slow
// disk) can be taken for a dead process's lock.
#ifndef BACKENDS_FILE_DIR_LOCK_H_
#define BACKENDS_FILE_DIR_LOCK_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "backends/file/file_system.h"
#include "kv/backends/file.h"
#include "kv/util/result.h"

#ifndef __wasi__
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#define KV_FILE_LOCK_LEASE 1
#endif

namespace kv::file {

class DirLock {
 public:
  // linger_ms is 0 where there are no threads, whatever is asked.
  DirLock(FileSystem* fs, const std::string& dir, int64_t stale_seconds, int64_t linger_ms);
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

  // Held for one change; at its end the lock is released or, natively, kept for the next.
  class Guard {
   public:
    Guard(Guard&& other) noexcept : lock_(std::exchange(other.lock_, nullptr)) {}
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() {
      if (lock_ != nullptr) lock_->EndChange();
    }

   private:
    friend class DirLock;
    explicit Guard(DirLock* lock) : lock_(lock) {}
    DirLock* lock_;
  };

  // Takes the lock, waiting for other processes; fails when it stays taken (with the path named).
  [[nodiscard]] util::Result<Guard> Acquire();

  // A number that changes whenever this process takes the lock afresh. While KeptSince(n) is
  // true, this process has held the lock since it last read `epoch()` as n: no other process
  // changed the store in between.
  uint64_t epoch();
  bool KeptSince(uint64_t epoch);

  const std::string& path() const { return path_; }

 private:
  std::string NewToken();
  // Whether a waiter has announced itself lately (and removes an announcement long left over).
  bool WaiterAnnounced();
  // Creates or rewrites LOCK.waiting with the time now.
  void Announce();
  void EndChange();
  void ReleaseLocked();

  FileSystem* fs_;
  std::string dir_;
  std::string path_;
  std::string waiting_path_;
  std::string nonce_;
  int64_t stale_ms_;
  int64_t linger_ms_;
  std::atomic<uint64_t> count_ = 0;
  uint64_t epoch_ = 0;
  bool held_ = false;
  bool in_change_ = false;
  int64_t released_ms_ = 0;  // when this process last released the lock (monotonic), or 0
#ifdef KV_FILE_LOCK_LEASE
  void Keeper();
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool yield_ = false;            // a waiter announced itself: release at the end of this change
  std::string token_;             // what this process last wrote into LOCK
  int64_t idle_since_ms_ = 0;     // monotonic
  int64_t token_written_ms_ = 0;  // monotonic
  std::thread keeper_;
#endif
};

}  // namespace kv::file

#endif  // BACKENDS_FILE_DIR_LOCK_H_

// The file store: each bucket is an append-only log in one directory (docs/file-format.md), with
// an in-memory index of where each key's latest value lies. Values are read from the file.
//
// Durability: with SyncPolicy::kAlways (the default) a change is on disk when the call returns;
// set-many and delete-many are one record each, so a batch costs one sync and is all or nothing
// after a crash. kNever leaves syncing to the operating system.
//
// Several processes: every change takes the directory's lock (dir_lock.h) and first catches up
// with what other processes appended; a log that another process compacted is reloaded. Reads
// catch up the same way without the lock. While this process keeps the lock between changes
// (natively), no other process can have changed anything, and catching up is skipped. A swap
// (compare-and-swap) compares and writes under the lock after catching up, so it is atomic
// across processes (docs/file-format.md, "Several processes").
//
// Threads: a FileStore and the buckets it opened are not thread-safe; use them from one thread at
// a time (or guard them with one mutex). The lock's keeper thread (natively) synchronises with
// them by itself. Several FileStores on one directory, in one process or many, are safe: they
// coordinate through the lock like separate processes.
//
// Ownership: FileStore::Open takes `fs` unowned; it must outlive the store and its buckets.
//
// Errors: kIOError naming the file and the reason (no permission, no space, a failed sync, a lock
// that stays taken), kCorruption naming the file and the byte offset of damage (the file is left
// as it is), kUnsupported for a newer format version.
#ifndef BACKENDS_FILE_FILE_BACKEND_H_
#define BACKENDS_FILE_FILE_BACKEND_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "backends/file/dir_lock.h"
#include "backends/file/file_system.h"
#include "engine/backend.h"

namespace kv::file {

enum class SyncPolicy { kAlways, kNever };

struct FileStoreOptions {
  std::string dir;
  SyncPolicy sync = SyncPolicy::kAlways;
  // A log is compacted when its dead bytes exceed both its live bytes and this.
  uint64_t compact_min_dead_bytes = 4 << 20;
  // A lock file this old belongs to a process that died while changing the store.
  int64_t lock_stale_seconds = 10;
  // Natively, how long the lock is kept after a change for the next one (see dir_lock.h); 0
  // releases it after every change, as components always do.
  int64_t lock_linger_ms = 1;
  // With SyncPolicy::kAlways, the log is extended by this many zero bytes at a time, so that a
  // change and its sync rewrite space already in the file instead of growing it (a sync that
  // grows a file must also journal its new size). 0: no preallocation, the file ends at its last
  // record. Readers in other processes then read the log's next bytes to catch up, not only its
  // size, so components, where each file call is costly, do not preallocate.
#ifdef __wasi__
  uint64_t preallocate_bytes = 0;
#else
  uint64_t preallocate_bytes = 256 << 10;
#endif
};

// The environment variables a provider reads these from.
inline constexpr std::string_view kDirVariable = "KV_FILE_DIR";
inline constexpr std::string_view kSyncVariable = "KV_FILE_SYNC";
inline constexpr std::string_view kLockStaleVariable = "KV_FILE_LOCK_STALE_SECONDS";

class FileBucket;

class FileStore final : public StoreBackend {
 public:
  // Creates `options.dir` when missing (not its parents).
  static util::Result<std::unique_ptr<FileStore>> Open(FileSystem* fs, FileStoreOptions options);

  util::Result<std::shared_ptr<BucketBackend>> OpenBucket(std::string_view name) override;

  // The log file of bucket `name` inside the directory: `b-<hex of the name>.log`, or for names
  // over 100 bytes `h-<hash>.log` (the header holds the full name, checked on open).
  static std::string LogFileName(std::string_view name);

  const FileStoreOptions& options() const { return options_; }
  FileSystem* fs() const { return fs_; }

  // The directory's lock; see the header comment.
  DirLock& lock() { return lock_; }

 private:
  FileStore(FileSystem* fs, FileStoreOptions options)
      : fs_(fs),
        options_(std::move(options)),
        lock_(fs, options_.dir, options_.lock_stale_seconds, options_.lock_linger_ms) {}

  FileSystem* fs_;
  FileStoreOptions options_;
  DirLock lock_;
  std::map<std::string, std::shared_ptr<FileBucket>, std::less<>> buckets_;
};

}  // namespace kv::file

#endif  // BACKENDS_FILE_FILE_BACKEND_H_

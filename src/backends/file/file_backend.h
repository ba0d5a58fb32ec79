// The file store: each bucket is an append-only log in one directory (docs/file-format.md), with
// an in-memory index of where each key's latest value lies. Values are read from the file.
//
// Durability: with SyncPolicy::kAlways (the default) a change is on disk when the call returns;
// set-many and delete-many are one record each, so a batch costs one sync and is all or nothing
// after a crash. kNever leaves syncing to the operating system.
//
// Several processes: every change takes the directory's lock file (created exclusively, removed
// after the change), first catches up with what other processes appended, and a log that another
// process compacted is reloaded. A lock older than `lock_stale_seconds` (by the time in its token,
// or unchanged for that long) is left by a process that died mid-change and is broken.
#ifndef BACKENDS_FILE_FILE_BACKEND_H_
#define BACKENDS_FILE_FILE_BACKEND_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

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

  // Holds the directory's lock while alive; see the header comment.
  class Lock {
   public:
    Lock(Lock&& other) noexcept : store_(std::exchange(other.store_, nullptr)) {}
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    ~Lock();

   private:
    friend class FileStore;
    explicit Lock(FileStore* store) : store_(store) {}
    FileStore* store_;
  };
  util::Result<Lock> Acquire();

 private:
  FileStore(FileSystem* fs, FileStoreOptions options, std::string nonce)
      : fs_(fs),
        options_(std::move(options)),
        lock_path_(options_.dir + "/LOCK"),
        nonce_(std::move(nonce)) {}

  FileSystem* fs_;
  FileStoreOptions options_;
  std::string lock_path_;
  std::string nonce_;  // tells this store's lock tokens from other processes'
  uint64_t locks_taken_ = 0;
  std::map<std::string, std::shared_ptr<FileBucket>, std::less<>> buckets_;
};

}  // namespace kv::file

#endif  // BACKENDS_FILE_FILE_BACKEND_H_

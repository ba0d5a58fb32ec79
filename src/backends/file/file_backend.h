// The file store behind kv/backends/file.h: each bucket is an append-only log in one directory
// (docs/file-format.md), with an in-memory index of where each key's latest value lies. Values are
// read from the file. This header is internal: tests and the fuzzer open the store on a file
// system of their own (file_system.h); everyone else calls kv::file::OpenFileStore.
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
// Ownership: FileStore::Open takes `fs` unowned; it must outlive the store and its buckets. A
// bucket keeps what it shares with its store alive (FileStoreState), also after the store is gone.
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
#include "kv/backends/file.h"
#include "kv/engine/backend.h"

namespace kv::file {

class FileBucket;

// What a FileStore and the buckets it opened share. Each bucket holds it, so a bucket stays usable
// after its FileStore is gone (kv/engine/store.h), and the lock lives as long as any of them.
class FileStoreState {
 public:
  FileStoreState(FileSystem* fs, FileStoreOptions options)
      : fs_(fs),
        options_(std::move(options)),
        lock_(fs, options_.dir, options_.lock_stale_seconds, options_.lock_linger_ms) {}

  FileSystem* fs() const { return fs_; }
  const FileStoreOptions& options() const { return options_; }
  DirLock& lock() { return lock_; }

 private:
  FileSystem* fs_;
  FileStoreOptions options_;
  DirLock lock_;
};

class FileStore final : public StoreBackend {
 public:
  // Creates `options.dir` when missing (not its parents).
  static util::Result<std::unique_ptr<FileStore>> Open(FileSystem* fs, FileStoreOptions options);

  util::Result<std::shared_ptr<BucketBackend>> OpenBucket(std::string_view name) override;

  // The log file of bucket `name` inside the directory: `b-<hex of the name>.log`, or for names
  // over 100 bytes `h-<hash>.log` (the header holds the full name, checked on open).
  static std::string LogFileName(std::string_view name);

 private:
  FileStore(FileSystem* fs, FileStoreOptions options)
      : state_(std::make_shared<FileStoreState>(fs, std::move(options))) {}

  std::shared_ptr<FileStoreState> state_;
  std::map<std::string, std::shared_ptr<FileBucket>, std::less<>> buckets_;
};

}  // namespace kv::file

#endif  // BACKENDS_FILE_FILE_BACKEND_H_

// The file store: each bucket is an append-only log in one directory (docs/file-format.md), with
// its index in memory. A change is on disk when the call returns (SyncPolicy::kAlways, the
// default); a batch is one record, so it is all or nothing after a crash. Several processes may
// share one directory: they coordinate through a lock file in it.
//
// Ownership: the caller owns the backend, usually by handing it to a kv::Store. Buckets stay
// usable until the last one and the backend are gone.
// Threads: a backend and its buckets are not thread-safe; use them from one thread at a time.
// Several backends on one directory, in one process or many, are safe.
// Errors: kIOError naming the file and the reason (no permission, no space, a failed sync, a lock
// that stays taken), kCorruption naming the file and the byte offset of damage (the file is left as
// it is), kUnsupported for a newer format version.
#ifndef KV_BACKENDS_FILE_H_
#define KV_BACKENDS_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kv/engine/backend.h"
#include "kv/util/result.h"

namespace kv::file {

enum class SyncPolicy { kAlways, kNever };

struct FileStoreOptions {
  std::string dir;
  SyncPolicy sync = SyncPolicy::kAlways;
  // A log is compacted when its dead bytes exceed both its live bytes and this.
  uint64_t compact_min_dead_bytes = 4 << 20;
  // A lock file this old belongs to a process that died while changing the store. At most
  // kMaxLockStaleSeconds (a larger value counts as that).
  int64_t lock_stale_seconds = 10;
  // Natively, how long the lock is kept after a change for the next one; 0 releases it after
  // every change, as components always do.
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

// The largest stale time accepted: a year. In milliseconds it leaves the lock's clock arithmetic
// far from overflow.
inline constexpr int64_t kMaxLockStaleSeconds = 365 * 24 * 3600;

// The environment variables a provider reads these from.
inline constexpr std::string_view kDirVariable = "KV_FILE_DIR";
inline constexpr std::string_view kSyncVariable = "KV_FILE_SYNC";
inline constexpr std::string_view kLockStaleVariable = "KV_FILE_LOCK_STALE_SECONDS";

// Opens the store in `options.dir` on the operating system's files (wasi-libc in a component),
// creating the directory when missing (not its parents: a missing parent is kIOError).
util::Result<std::unique_ptr<StoreBackend>> OpenFileStore(FileStoreOptions options);

}  // namespace kv::file

#endif  // KV_BACKENDS_FILE_H_

// The file operations the file store needs, behind an interface: PosixFileSystem for real files
// (natively, and in a component through wasi-libc and the preview1 adapter), and in tests a
// fault-injecting in-memory file system that can "crash" after any operation.
#ifndef BACKENDS_FILE_FILE_SYSTEM_H_
#define BACKENDS_FILE_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kv/util/result.h"

namespace kv::file {

// A file open for reading and writing at offsets.
//
// Writes name their offset: the store writes at the end it knows while it holds the lock, and
// never relies on an append mode. Under jco the preview1 adapter keeps one append stream per
// descriptor, which the preview2 shim positions at the size the file had when the stream was
// made, so an "append" after another process grew the file would overwrite that process's records.
class File {
 public:
  virtual ~File() = default;
  // Writes all of `data` at `offset` (at most Size()), or fails.
  virtual util::Status WriteAt(uint64_t offset, std::span<const uint8_t> data) = 0;
  // Makes everything appended so far durable.
  virtual util::Status Sync() = 0;
  // Reads exactly out.size() bytes at `offset`, or fails.
  virtual util::Status ReadAt(uint64_t offset, std::span<uint8_t> out) = 0;
  virtual util::Result<uint64_t> Size() = 0;
  // Cuts the file to `size` bytes (size <= Size()).
  virtual util::Status Truncate(uint64_t size) = 0;
  // An identity that changes when another file is renamed over this one's path.
  virtual util::Result<uint64_t> Id() = 0;
};

// Natively the file store's lock keeper (dir_lock.h) calls the file system from its own thread:
// an implementation used with a lock that lingers must allow calls from two threads at once.
// PosixFileSystem does (it keeps no state); FaultFileSystem does not, and its tests set
// lock_linger_ms to 0.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Opens `path` for reading and writing; creates it (empty) when `create` and it is missing.
  virtual util::Result<std::unique_ptr<File>> Open(const std::string& path, bool create) = 0;
  // Creates `path` with `contents` only if it does not exist (kAlreadyExists when it does). Not
  // synced: callers that need the file durable sync the directory and, for contents, reopen.
  virtual util::Status CreateExclusive(const std::string& path,
                                       std::span<const uint8_t> contents) = 0;
  virtual util::Result<std::vector<uint8_t>> ReadAll(const std::string& path) = 0;
  virtual util::Status Rename(const std::string& from, const std::string& to) = 0;
  virtual util::Status Remove(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // The identity (File::Id) of the file now at `path`.
  virtual util::Result<uint64_t> FileId(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`.
  virtual util::Result<std::vector<std::string>> List(const std::string& dir) = 0;
  virtual util::Status CreateDir(const std::string& dir) = 0;
  // Makes creations, renames and removals in `dir` durable.
  virtual util::Status SyncDir(const std::string& dir) = 0;
  // The wall clock, in milliseconds since the epoch (what lock tokens carry between processes), a
  // monotonic clock for intervals, and waiting. File modification times are not used: under jco
  // the preview2 shim reports them a thousand times too small.
  virtual int64_t NowMillis() = 0;
  virtual int64_t SteadyMillis() = 0;
  virtual void SleepMillis(int64_t ms) = 0;
  // `out.size()` unpredictable bytes.
  virtual void Random(std::span<uint8_t> out) = 0;
};

// The operating system's files (POSIX calls; wasi-libc in a component).
FileSystem* PosixFileSystem();

// The store creates what it needs, so a file or directory missing under it (kNotFound from a
// FileSystem) is an I/O failure to the store's caller, never "no such bucket" (kv/engine/store.h).
inline util::Status MissingIsIOError(util::Status s) {
  if (s.code() != util::Code::kNotFound) return s;
  return util::IOError(s.message());
}

}  // namespace kv::file

#endif  // BACKENDS_FILE_FILE_SYSTEM_H_

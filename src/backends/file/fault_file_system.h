// For tests: an in-memory FileSystem that models what survives a crash, and can crash on demand.
//
// Each file keeps its current bytes and its durable bytes (as of its last Sync); the directory
// keeps its current entries and its durable entries (as of the last SyncDir). CrashAfter(n) lets
// n more changing operations succeed, after which every operation fails. Reboot() then brings
// back only what was durable, optionally with a prefix of the last file's unsynced bytes (a torn
// write), and clears the crash.
#ifndef BACKENDS_FILE_FAULT_FILE_SYSTEM_H_
#define BACKENDS_FILE_FAULT_FILE_SYSTEM_H_

#include <algorithm>
#include <map>
#include <memory>

#include "backends/file/file_system.h"

namespace kv::file {

class FaultFileSystem final : public FileSystem {
 public:
  struct Node {
    std::vector<uint8_t> data;
    std::vector<uint8_t> durable;
    uint64_t id;
  };

  void CrashAfter(int64_t operations) { budget_ = operations; }
  bool crashed() const { return budget_ == 0; }
  int64_t operations() const { return operations_; }
  // Bytes read from files so far, and the most read by one call.
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t largest_read() const { return largest_read_; }
  void CountRead(uint64_t n) {
    bytes_read_ += n;
    largest_read_ = std::max(largest_read_, n);
  }
  // Writes of more than `n` bytes fail, as on a disk with only that much room left.
  void RefuseWritesOver(size_t n) { largest_write_ = n; }
  size_t largest_write() const { return largest_write_; }
  // Restores what was durable. The file written last keeps `torn_bytes` of what it had not
  // synced (as much as there is), from the first byte that write changed.
  void Reboot(size_t torn_bytes = 0);
  // Moves the clock on; sleeping moves it too, so waiting costs no real time.
  void AdvanceSeconds(int64_t seconds) { now_ms_ += seconds * 1000; }
  // Creating a file fails as in a directory the process may not write (existing files stay
  // writable).
  void DenyCreates(bool deny) { deny_creates_ = deny; }
  // Direct access, for tests that damage files.
  std::vector<uint8_t>* Bytes(const std::string& path);

  util::Result<std::unique_ptr<File>> Open(const std::string& path, bool create) override;
  util::Status CreateExclusive(const std::string& path, std::span<const uint8_t> contents) override;
  util::Result<std::vector<uint8_t>> ReadAll(const std::string& path) override;
  util::Status Rename(const std::string& from, const std::string& to) override;
  util::Status Remove(const std::string& path) override;
  bool Exists(const std::string& path) override;
  util::Result<uint64_t> FileId(const std::string& path) override;
  util::Result<std::vector<std::string>> List(const std::string& dir) override;
  util::Status CreateDir(const std::string& dir) override;
  util::Status SyncDir(const std::string& dir) override;
  int64_t NowMillis() override { return now_ms_; }
  int64_t SteadyMillis() override { return now_ms_; }
  void SleepMillis(int64_t ms) override { now_ms_ += ms; }
  void Random(std::span<uint8_t> out) override;

  // Counts a changing operation; fails once the crash point is reached.
  util::Status Step();
  util::Status Alive() const;
  static util::Status Denied(const std::string& path);
  void NoteWrite(const std::shared_ptr<Node>& node) { last_written_ = node; }

 private:
  int64_t now_ms_ = 1'000'000;
  uint64_t random_state_ = 1;
  std::map<std::string, std::shared_ptr<Node>> entries_;
  std::map<std::string, std::shared_ptr<Node>> durable_entries_;
  std::shared_ptr<Node> last_written_;
  int64_t budget_ = -1;  // -1: no crash planned
  int64_t operations_ = 0;
  uint64_t bytes_read_ = 0;
  uint64_t largest_read_ = 0;
  size_t largest_write_ = SIZE_MAX;
  bool deny_creates_ = false;
  uint64_t next_id_ = 1;
};

}  // namespace kv::file

#endif  // BACKENDS_FILE_FAULT_FILE_SYSTEM_H_

// What a bucket knows of its log file: the one thing that decides what its next operation must do
// first. Its states, and the only transitions between them:
//
//   unread --ReadWhole--> current(epoch 0) --KeptAt(e)--> current(e)
//   unread --ReadToTornWrite--> torn --Repaired--> current(epoch 0)
//   current, torn --Unread--> unread              (a catch-up or reload begins)
//   any --Break--> broken                          (final: the store must be reopened)
//
// - unread: the index does not reflect a whole read of the file (none yet, or one that failed
//   part way): the next catch-up reads the file from the start.
// - current(epoch): the index holds the file up to its last record. With an epoch, that was so
//   while the directory lock had that epoch; as long as this process keeps the lock since then
//   (DirLock::KeptSince), nobody else can have written, and catching up is skipped.
// - torn: the index holds the file up to a torn write at its end, which only a holder of the lock
//   may repair (without it, a writer in another process may be in the middle of that write).
// - broken: a failed write or sync left the file in a state this process cannot know.
//
// Not thread-safe; each bucket's owner serialises its operations.
#ifndef BACKENDS_FILE_LOG_STATE_H_
#define BACKENDS_FILE_LOG_STATE_H_

#include <cstdint>

#include "kv/util/status.h"

namespace kv::file {

class LogState {
 public:
  enum class Kind { kUnread, kCurrent, kTorn, kBroken };

  Kind kind() const { return kind_; }
  bool broken() const { return kind_ == Kind::kBroken; }
  // Why it is broken; OK otherwise.
  const util::Status& failure() const { return failure_; }
  // The lock epoch the index is current at, or 0 when it is not tied to a kept lock.
  uint64_t epoch() const { return kind_ == Kind::kCurrent ? epoch_ : 0; }

  void Unread() { Move(Kind::kUnread); }
  void ReadWhole() { Move(Kind::kCurrent); }
  void ReadToTornWrite() { Move(Kind::kTorn); }
  void Repaired() { Move(Kind::kCurrent); }
  // Ties a current index to the lock's epoch `epoch`; does nothing in any other state.
  void KeptAt(uint64_t epoch) {
    if (kind_ == Kind::kCurrent) epoch_ = epoch;
  }
  void Break(util::Status why) {
    failure_ = std::move(why);
    kind_ = Kind::kBroken;
  }

 private:
  void Move(Kind to) {
    if (kind_ == Kind::kBroken) return;  // final
    kind_ = to;
    epoch_ = 0;
  }

  Kind kind_ = Kind::kUnread;
  uint64_t epoch_ = 0;
  util::Status failure_;
};

}  // namespace kv::file

#endif  // BACKENDS_FILE_LOG_STATE_H_

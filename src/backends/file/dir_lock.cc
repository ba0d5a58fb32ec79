#include "backends/file/dir_lock.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string_view>

#include "kv/engine/types.h"
#include "util/hex.h"

namespace kv::file {
namespace {

constexpr int64_t kPollMs = 2;           // how often a waiter tries again
constexpr int64_t kYieldMs = 20;         // how long a holder that released stays away at most
constexpr int64_t kWaiterFreshMs = 500;  // a LOCK.waiting older than this: its waiter is gone
constexpr int64_t kConfirmMs = 3000;     // a waiter sees a token unchanged this long to break it

// The wall-clock milliseconds a lock token ("<ms>-...") or an announcement ("<ms>") starts with.
std::optional<int64_t> LeadingMillis(std::string_view text, char then) {
  int64_t ms = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec != std::errc()) return std::nullopt;
  bool at_end = end == text.data() + text.size();
  if (then == '\0' ? !at_end : (at_end || *end != then)) return std::nullopt;
  return ms;
}
std::optional<int64_t> TokenMillis(std::string_view token) { return LeadingMillis(token, '-'); }

std::string Text(const util::Result<std::vector<uint8_t>>& bytes) {
  return bytes.ok() ? std::string(bytes->begin(), bytes->end()) : std::string();
}

}  // namespace

DirLock::DirLock(FileSystem* fs, const std::string& dir, int64_t stale_seconds, int64_t linger_ms)
    : fs_(fs),
      dir_(dir),
      path_(dir + "/LOCK"),
      waiting_path_(dir + "/LOCK.waiting"),
      // Saturating: a caller's stale time beyond kMaxLockStaleSeconds means the same year.
      stale_ms_(std::clamp<int64_t>(stale_seconds, 0, kMaxLockStaleSeconds) * 1000),
#ifdef KV_FILE_LOCK_LEASE
      linger_ms_(std::max<int64_t>(linger_ms, 0)) {
#else
      linger_ms_(0) {
  (void)linger_ms;
#endif
  uint8_t raw[8];
  fs_->Random(raw);
  nonce_ = util::Hex({reinterpret_cast<const char*>(raw), sizeof raw});
#ifdef KV_FILE_LOCK_LEASE
  if (linger_ms_ > 0) keeper_ = std::thread([this] { Keeper(); });
#endif
}

DirLock::~DirLock() {
#ifdef KV_FILE_LOCK_LEASE
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (keeper_.joinable()) keeper_.join();
#endif
  if (held_) ReleaseLocked();
}

std::string DirLock::NewToken() {
  // Fixed width, so that rewriting it in place leaves nothing of the old one behind.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%013lld-%s-%020llu", static_cast<long long>(fs_->NowMillis()),
                nonce_.c_str(), static_cast<unsigned long long>(++count_));
  return buf;
}

bool DirLock::WaiterAnnounced() {
  if (!fs_->Exists(waiting_path_)) return false;
  auto since = LeadingMillis(Text(fs_->ReadAll(waiting_path_)), '\0');
  int64_t age = since ? fs_->NowMillis() - *since : -1;
  if (since && age >= -kWaiterFreshMs && age < kWaiterFreshMs) return true;
  // Left by a waiter that gave up or died (a live one rewrites it every poll), or dated by a
  // clock since set back.
  if (!since || age < -kWaiterFreshMs || age > 4 * kWaiterFreshMs) {
    (void)fs_->Remove(waiting_path_);
  }
  return false;
}

void DirLock::Announce() {
  std::string now = std::to_string(fs_->NowMillis());
  now.insert(0, 13 - std::min<size_t>(13, now.size()), '0');  // fixed width
  if (fs_->CreateExclusive(waiting_path_, AsBytes(now)).ok()) return;
  auto file = fs_->Open(waiting_path_, false);
  if (file.ok()) (void)(*file)->WriteAt(0, AsBytes(now));
}

util::Result<DirLock::Guard> DirLock::Acquire() {
  int64_t released_ms;
  {
#ifdef KV_FILE_LOCK_LEASE
    std::lock_guard<std::mutex> l(mu_);
#endif
    if (held_) {  // kept since the last change
      in_change_ = true;
      return Guard(this);
    }
    released_ms = released_ms_;
  }
  // Having just released it, let a waiter in first: otherwise a process that changes the store
  // without pause would take the lock back between two polls of the waiter, every time.
  if (released_ms != 0) {
    while (fs_->SteadyMillis() - released_ms < kYieldMs && WaiterAnnounced()) {
      fs_->SleepMillis(1);
    }
  }
  const int64_t start = fs_->SteadyMillis();
  bool announced = false;
  std::string seen;        // the holder's token, as last read
  int64_t seen_since = 0;  // when this waiter first read it (monotonic)
  bool just_released = false;  // the last try found the lock gone
  for (;;) {
    std::string token = NewToken();
    util::Status s = fs_->CreateExclusive(path_, AsBytes(token));
    if (s.ok()) {
      if (announced) (void)fs_->Remove(waiting_path_);
#ifdef KV_FILE_LOCK_LEASE
      std::lock_guard<std::mutex> l(mu_);
      token_ = token;
      token_written_ms_ = fs_->SteadyMillis();
      yield_ = false;
#endif
      held_ = true;
      in_change_ = true;
      ++epoch_;
#ifdef KV_FILE_LOCK_LEASE
      cv_.notify_all();
#endif
      return Guard(this);
    }
    // Only "it exists" means another process holds it; no permission, a read-only file system
    // or no space is an error, named.
    if (s.code() != util::Code::kAlreadyExists) {
      if (announced) (void)fs_->Remove(waiting_path_);
      return MissingIsIOError(std::move(s).WithContext("taking the lock of the file store " +
                                                       util::Quoted(dir_, util::kWhole)));
    }
    // Tell the holder that someone waits (a native holder keeping the lock then releases it).
    Announce();
    announced = true;
    auto held = fs_->ReadAll(path_);
    int64_t steady = fs_->SteadyMillis();
    if (steady - start > stale_ms_ + kConfirmMs + 2000) {
      (void)fs_->Remove(waiting_path_);
      return util::IOError("the file store " + util::Quoted(dir_, util::kWhole) +
                           " stays locked by another process (" + util::Quoted(path_, util::kWhole) + ")");
    }
    if (!held.ok() && held.status().code() == util::Code::kNotFound) {
      // Just released: try again at once, but not twice in a row without a pause (a `LOCK` that
      // can be neither created nor read, a dangling link, must not spin).
      if (just_released) fs_->SleepMillis(kPollMs);
      just_released = true;
      continue;
    }
    just_released = false;
    std::string holder = Text(held);
    if (holder != seen || seen_since == 0) seen = holder, seen_since = steady;
    // Stale: unchanged for a while by this waiter's own clock (a live keeper rewrites its token
    // every second, so a clock stepped forward cannot make it look dead), and older than the
    // stale time by its token, or, without a readable time, unchanged for the stale time.
    int64_t unchanged = steady - seen_since;
    auto taken = TokenMillis(holder);
    int64_t age = taken ? fs_->NowMillis() - *taken : unchanged;
    if (unchanged >= std::min(kConfirmMs, stale_ms_) && std::max(age, unchanged) > stale_ms_) {
      // Left by a process that died holding it.
      if (Text(fs_->ReadAll(path_)) == holder) {
        util::Status removed = fs_->Remove(path_);
        if (!removed.ok() && removed.code() != util::Code::kNotFound) {
          if (announced) (void)fs_->Remove(waiting_path_);
          return std::move(removed).WithContext("breaking the stale lock of the file store " +
                                                util::Quoted(dir_, util::kWhole));
        }
      }
      continue;
    }
    fs_->SleepMillis(kPollMs);
  }
}

void DirLock::EndChange() {
#ifdef KV_FILE_LOCK_LEASE
  std::lock_guard<std::mutex> l(mu_);
  in_change_ = false;
  if (linger_ms_ > 0 && !yield_) {
    idle_since_ms_ = fs_->SteadyMillis();  // the keeper releases it once idle for linger_ms
    return;
  }
#endif
  in_change_ = false;
  ReleaseLocked();
}

void DirLock::ReleaseLocked() {
#ifdef KV_FILE_LOCK_LEASE
  // A kept lock may have been taken from this process (judged stale while it was stalled):
  // remove only our own, or one we cannot read. (A component's lock lives for one change; it is
  // removed unread.)
  if (linger_ms_ > 0) {
    auto now = fs_->ReadAll(path_);
    if (now.ok() && Text(now) != token_) {
      held_ = false;
      released_ms_ = fs_->SteadyMillis();
      return;
    }
  }
#endif
  (void)fs_->Remove(path_);
  held_ = false;
  released_ms_ = fs_->SteadyMillis();
}

uint64_t DirLock::epoch() {
#ifdef KV_FILE_LOCK_LEASE
  std::lock_guard<std::mutex> l(mu_);
#endif
  return epoch_;
}

bool DirLock::KeptSince(uint64_t epoch) {
#ifdef KV_FILE_LOCK_LEASE
  std::lock_guard<std::mutex> l(mu_);
#endif
  return held_ && epoch_ == epoch;
}

#ifdef KV_FILE_LOCK_LEASE
void DirLock::Keeper() {
  // Rewrite the token well within the time a waiter watches it before judging it stale.
  const int64_t refresh_ms = std::clamp<int64_t>(std::min(kConfirmMs, stale_ms_) / 3, 10, 1000);
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    if (!held_) {
      cv_.wait(l);
      continue;
    }
    int64_t now = fs_->SteadyMillis();
    if (!in_change_ && (yield_ || now - idle_since_ms_ >= linger_ms_)) {
      ReleaseLocked();
      continue;
    }
    if (now - token_written_ms_ >= refresh_ms) {
      auto lock = fs_->ReadAll(path_);
      bool unreadable = !lock.ok() && lock.status().code() != util::Code::kNotFound;
      if (!unreadable && Text(lock) != token_) {
        // Taken from us: nothing this process saw while it believed it kept the lock can be
        // trusted to be current, and the epoch says so to every bucket.
        held_ = false;
        ++epoch_;
        continue;
      }
      if (!unreadable) {
        // Still ours: tell waiters so, or they would take it for a dead process's lock.
        std::string token = NewToken();
        auto file = fs_->Open(path_, false);
        if (file.ok() && (*file)->WriteAt(0, AsBytes(token)).ok()) token_ = token;
      }
      // When it could not be read, try again soon.
      token_written_ms_ = unreadable ? now - refresh_ms / 2 : now;
    }
    l.unlock();
    bool waiting = WaiterAnnounced();
    l.lock();
    if (waiting && held_) yield_ = true;
    cv_.wait_for(l, std::chrono::milliseconds(1));
  }
}
#endif

}  // namespace kv::file

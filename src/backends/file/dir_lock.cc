#include "backends/file/dir_lock.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string_view>

namespace kv::file {
namespace {

constexpr int64_t kPollMs = 2;  // how often a waiter tries again
#ifdef KV_FILE_LOCK_LEASE
constexpr int64_t kTokenRefreshMs = 1000;  // how often a kept lock's token is rewritten
constexpr int64_t kYieldMs = 20;           // how long a holder that yielded stays away at most
#endif

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// The wall-clock milliseconds at the start of a token, if it has them.
std::optional<int64_t> TokenMillis(std::string_view token) {
  int64_t ms = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), ms);
  if (ec != std::errc() || end == token.data() + token.size() || *end != '-') return std::nullopt;
  return ms;
}

}  // namespace

DirLock::DirLock(FileSystem* fs, const std::string& dir, int64_t stale_seconds, int64_t linger_ms)
    : fs_(fs),
      dir_(dir),
      path_(dir + "/LOCK"),
      waiting_path_(dir + "/LOCK.waiting"),
      stale_ms_(stale_seconds * 1000),
#ifdef KV_FILE_LOCK_LEASE
      linger_ms_(std::max<int64_t>(linger_ms, 0)) {
#else
      linger_ms_(0) {
  (void)linger_ms;
#endif
  uint8_t raw[8];
  fs_->Random(raw);
  static const char* digits = "0123456789abcdef";
  for (uint8_t b : raw) nonce_ += digits[b >> 4], nonce_ += digits[b & 0xf];
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

util::Result<DirLock::Guard> DirLock::Acquire() {
#ifdef KV_FILE_LOCK_LEASE
  {
    std::lock_guard<std::mutex> l(mu_);
    if (held_) {  // kept since the last change
      in_change_ = true;
      return Guard(this);
    }
  }
  // Having just yielded to a waiter, let it in first.
  while (fs_->NowMillis() - yielded_ms_ < kYieldMs && fs_->Exists(waiting_path_)) {
    fs_->SleepMillis(1);
  }
#endif
  const int64_t start = fs_->NowMillis();
  bool announced = false;
  std::string seen;        // the holder's token, as last read
  int64_t seen_since = 0;  // when this waiter first read it
  for (;;) {
    std::string token = NewToken();
    util::Status s = fs_->CreateExclusive(path_, Bytes(token));
    if (s.ok()) {
      if (announced) (void)fs_->Remove(waiting_path_);
#ifdef KV_FILE_LOCK_LEASE
      std::lock_guard<std::mutex> l(mu_);
      token_written_ms_ = fs_->NowMillis();
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
    if (s.code() != util::Code::kAccessDenied) {
      return std::move(s).WithContext("taking the lock " + util::Quoted(path_));
    }
    // Tell a holder that keeps the lock between changes that someone is waiting.
    (void)fs_->CreateExclusive(waiting_path_, {});
    announced = true;
    auto held = fs_->ReadAll(path_);
    if (!held.ok() && held.status().code() == util::Code::kNotFound) continue;  // just released
    std::string holder = held.ok() ? std::string(held->begin(), held->end()) : std::string();
    int64_t now = fs_->NowMillis();
    if (holder != seen || seen_since == 0) seen = holder, seen_since = now;
    // Taken when its token says or (a token cut short by a crash, a clock set back) no later
    // than this waiter first saw it.
    int64_t taken = std::min(TokenMillis(holder).value_or(seen_since), seen_since);
    if (now - taken > stale_ms_) {
      // Left by a process that died holding it: a live holder rewrites its token every second.
      auto again = fs_->ReadAll(path_);
      if (again.ok() && std::string(again->begin(), again->end()) == holder) {
        (void)fs_->Remove(path_);
      }
      continue;
    }
    if (now - start > stale_ms_ + 2000) {
      if (announced) (void)fs_->Remove(waiting_path_);
      return util::IOError("the file store " + util::Quoted(dir_) +
                           " stays locked by another process (" + util::Quoted(path_) + ")");
    }
    fs_->SleepMillis(kPollMs);
  }
}

void DirLock::EndChange() {
#ifdef KV_FILE_LOCK_LEASE
  std::lock_guard<std::mutex> l(mu_);
  in_change_ = false;
  if (linger_ms_ > 0 && !yield_) {
    idle_since_ms_ = fs_->NowMillis();  // the keeper releases it once idle for linger_ms
    return;
  }
  if (yield_) yielded_ms_ = fs_->NowMillis();
#endif
  in_change_ = false;
  ReleaseLocked();
}

void DirLock::ReleaseLocked() {
  (void)fs_->Remove(path_);
  held_ = false;
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
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    if (!held_) {
      cv_.wait(l);
      continue;
    }
    int64_t now = fs_->NowMillis();
    if (!in_change_ && (yield_ || now - idle_since_ms_ >= linger_ms_)) {
      if (yield_) yielded_ms_ = now;
      ReleaseLocked();
      continue;
    }
    if (now - token_written_ms_ >= kTokenRefreshMs) {
      // Still held: tell waiters so, or they would take it for a dead process's lock.
      std::string token = NewToken();
      auto file = fs_->Open(path_, false);
      if (file.ok()) (void)(*file)->WriteAt(0, Bytes(token));
      token_written_ms_ = now;
    }
    l.unlock();
    bool waiting = fs_->Exists(waiting_path_);
    l.lock();
    if (waiting && held_) yield_ = true;
    cv_.wait_for(l, std::chrono::milliseconds(1));
  }
}
#endif

}  // namespace kv::file

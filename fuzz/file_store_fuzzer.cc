// libFuzzer target: the file store against a model.
//
// The input is a small program. Each step is applied to a kv::Store over kv::file::FileStore on a
// kv::file::FaultFileSystem (in memory; it models what survives a crash) and to a
// std::map<std::string, std::string> model of the bucket, and after every step the store must
// agree with the model: every value read back, a full list-keys walk returning exactly the
// model's keys, each once. Compactions are frequent (a small threshold), counters must count
// exactly and refuse what the contract refuses, a reopened store must hold the model, and a
// second store on the same directory (another process) must see every change of the first,
// and the first its changes. A walk may run while changes are made between its pages: every key
// present for the whole walk comes back exactly once, and a listed key exists. The stores release
// the directory's lock after every change (lock_linger_ms 0), so between steps neither LOCK nor
// LOCK.waiting may exist.
//
// A crash step makes the file system fail after n more changing file operations; the following
// steps run until one fails. Then the machine reboots (keeping 0, 5 or 1000 unsynced bytes of
// the last write), the clock moves on so that a LOCK left behind is stale, the store reopens
// (itself crashed once more, when the input asks, and rebooted again) and must hold either what
// was acknowledged or that plus the one change in flight, applied whole. The stores take a lock
// for stale after 1 s rather than 10, so that breaking one costs 500 polls of the fake clock
// rather than 1500.
//
// A disagreement, or a failure the contract does not define when no crash is planned, is
// printed to stderr with the steps that led to it, and traps.
//
// Input (a read past the end gives 0; decoding stops when the input runs out, or at kMaxSteps):
//   byte 0  compaction threshold: 64 << (b % 7) dead bytes (64 .. 4096)
//   byte 1  bit 0: the first store preallocates 64 bytes (else 0); bit 1: the second one does;
//           bits 2-3: list-keys page size 1..4 keys; bit 4: pages of at most 4 key bytes
//   then steps: an opcode byte o, op = o % 13, through the second store when (o / 13) is odd
//   (and it is open), then the op's arguments:
//     0 set          key, value
//     1 delete       key
//     2 set-many     n = b % 5, then n times key, value
//     3 delete-many  n = b % 5, then n keys
//     4 increment    key, delta, b: draft's u64 increment when b is even, draft2's s64 one
//                    (the delta's bits as an s64) when it is odd
//     5 churn        key, value, b: 8 * (1 + b % 16) rounds of set and delete of the key (at
//                    most 256 in all per input), then a last set when (b >> 4) & 1: many
//                    compactions from a few input bytes
//     6 read         key, b: b % 3 picks get, get-into or exists
//     7 get-many     n = b % 5, then n keys
//     8 walk         n = b % 5, then n changes (ops 0-5, each with its opcode byte o', through
//                    the second store when (o' / 6) is odd) made between the walk's pages
//     9 reopen       b: the first store is dropped and opened again preallocating
//                    {as configured, 0, 64}[b % 3]
//    10 second       opens the second store, or drops it when open
//    11 crash        n = b, t: torn bytes {0, 5, 1000}[t % 3]; when (t / 3) is odd the reopen
//                    after the reboot crashes too, after m % 16 operations (byte m), and the
//                    reboot after that keeps {0, 5, 1000}[(t / 6) % 3] bytes
//    12 swap         key, value, b: b % 2 changes (as for walk) made between the compare-and-
//                    swap's read and its swap, which must then fail if they changed the key
//   key   b: (b % 4) characters from "abc", the i-th "abc"[(b / 4 / 3^i) % 3]: 40 keys, "" one
//   value b, by b % 4:
//     0 (b >> 2) % 16 bytes of the input, as they are
//     1 length L + 64 * ((b >> 2) & 1), with L and a seed s the next two bytes: byte i is
//       s + i * (1 + 2 * ((b >> 3) & 7)); when b & 0x40, a last byte 0 becomes 0xff
//     2 decimal text from the next byte n, by (b >> 2) % 8: n, 2^64-1-n, "0" n, 2^64 (past the
//       largest counter), n " ", "-" n, n "\0", n << 56
//     3 empty
//   delta b, by b % 4: b >> 2, 1, 2^64-1 - (b >> 2), 2^((b >> 2) % 64)
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backends/file/fault_file_system.h"
#include "backends/file/file_backend.h"
#include "kv/engine/store.h"

namespace {

constexpr size_t kMaxSteps = 200;
constexpr size_t kMaxValueBytes = 64 << 10;  // all values of one input together
constexpr int kMaxCrashes = 8;
constexpr uint32_t kMaxChurnRounds = 256;  // all churn steps of one input together
constexpr int kMaxPages = 1000;  // a walk over at most 40 keys that takes more does not end
constexpr size_t kTorn[] = {0, 5, 1000};
constexpr const char* kDir = "/store";
constexpr const char* kBucket = "fuzz";

using Model = std::map<std::string, std::string>;

// ---- the input ----

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // Up to `n` bytes: fewer at the end of the input.
  std::string Take(size_t n) {
    n = std::min(n, size_ - std::min(pos_, size_));
    std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct Config {
  uint64_t compact_min_dead_bytes = 64;
  uint64_t preallocate[2] = {0, 0};  // the first store's, the second's
  uint32_t page_keys = 1;
  uint32_t page_bytes = kv::kDefaultListPageBytes;
};

enum class Op : uint8_t {
  kSet, kDelete, kSetMany, kDeleteMany, kIncrement, kChurn,  // changes
  kRead, kGetMany, kWalk, kReopen, kSecond, kCrash, kSwap,
};
constexpr int kOps = 13;
constexpr int kChanges = 6;
constexpr const char* kOpNames[] = {"set",  "delete",   "set-many", "delete-many",
                                    "increment", "churn", "read", "get-many",
                                    "walk", "reopen", "second", "crash", "swap"};

struct Step {
  Op op = Op::kSet;
  bool second = false;              // through the second store, when it is open
  std::vector<std::string> keys;
  std::vector<std::string> values;  // set, set-many: values[i] goes with keys[i]
  uint64_t delta = 0;               // increment
  uint8_t arg = 0;                  // read: which call; reopen: which preallocation;
                                    // increment: 1 for the s64 one
  uint32_t rounds = 0;              // churn
  bool keep = false;                // churn: the key is left set
  int64_t crash_after = 0;          // crash
  size_t torn = 0;
  int64_t recovery_crash_after = -1;  // -1: the reopen after the reboot does not crash
  size_t recovery_torn = 0;
  std::vector<Step> during;         // walk: changes made between its pages; swap: between its
                                    // read and its write (through either store)
};

class Decoder {
 public:
  explicit Decoder(Reader& in) : in_(in) {}

  Config DecodeConfig() {
    Config c;
    c.compact_min_dead_bytes = uint64_t{64} << (in_.Byte() % 7);
    const uint8_t b = in_.Byte();
    c.preallocate[0] = (b & 1) ? 64 : 0;
    c.preallocate[1] = (b & 2) ? 64 : 0;
    c.page_keys = 1 + ((b >> 2) & 3);
    if (b & 0x10) c.page_bytes = 4;
    return c;
  }

  Step DecodeStep(uint8_t opcode, bool changes_only) {
    Step s;
    const int kinds = changes_only ? kChanges : kOps;
    s.op = static_cast<Op>(opcode % kinds);
    s.second = (opcode / kinds) & 1;
    switch (s.op) {
      case Op::kSet:
        s.keys.push_back(Key());
        s.values.push_back(Value());
        break;
      case Op::kDelete:
        s.keys.push_back(Key());
        break;
      case Op::kSetMany:
        for (int n = in_.Byte() % 5; n > 0; --n) {
          s.keys.push_back(Key());
          s.values.push_back(Value());
        }
        break;
      case Op::kDeleteMany:
      case Op::kGetMany:
        for (int n = in_.Byte() % 5; n > 0; --n) s.keys.push_back(Key());
        break;
      case Op::kIncrement:
        s.keys.push_back(Key());
        s.delta = Delta();
        s.arg = in_.Byte() & 1;
        break;
      case Op::kChurn: {
        s.keys.push_back(Key());
        s.values.push_back(Value());
        const uint8_t b = in_.Byte();
        s.rounds = std::min<uint32_t>(8 * (1 + b % 16), kMaxChurnRounds - churn_rounds_);
        churn_rounds_ += s.rounds;
        s.keep = (b >> 4) & 1;
        break;
      }
      case Op::kRead:
        s.keys.push_back(Key());
        s.arg = in_.Byte() % 3;
        break;
      case Op::kWalk:
        for (int n = in_.Byte() % 5; n > 0; --n) s.during.push_back(DecodeStep(in_.Byte(), true));
        break;
      case Op::kSwap:
        s.keys.push_back(Key());
        s.values.push_back(Value());
        for (int n = in_.Byte() % 2; n > 0; --n) s.during.push_back(DecodeStep(in_.Byte(), true));
        break;
      case Op::kReopen:
        s.arg = in_.Byte() % 3;
        break;
      case Op::kSecond:
        break;
      case Op::kCrash: {
        s.crash_after = in_.Byte();
        const uint8_t t = in_.Byte();
        s.torn = kTorn[t % 3];
        if ((t / 3) & 1) {
          s.recovery_crash_after = in_.Byte() % 16;
          s.recovery_torn = kTorn[(t / 6) % 3];
        }
        break;
      }
    }
    return s;
  }

 private:
  std::string Key() {
    const uint8_t b = in_.Byte();
    std::string key;
    for (int i = 0, digits = b / 4; i < b % 4; ++i, digits /= 3) key += "abc"[digits % 3];
    return key;
  }

  std::string Value() {
    const uint8_t b = in_.Byte();
    switch (b % 4) {
      case 0:
        return Budget(in_.Take((b >> 2) % 16));
      case 1: {
        const size_t length = in_.Byte() + 64 * ((b >> 2) & 1);
        const uint8_t seed = in_.Byte();
        const unsigned stride = 1 + 2 * ((b >> 3) & 7);
        std::string v(std::min(length, kMaxValueBytes - value_bytes_), '\0');
        for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<char>(seed + i * stride);
        if ((b & 0x40) && !v.empty() && v.back() == '\0') v.back() = '\xff';
        return Budget(std::move(v));
      }
      case 2:
        return Budget(DecimalText((b >> 2) % 8, in_.Byte()));
      default:
        return "";
    }
  }

  static std::string DecimalText(int kind, uint8_t n) {
    const std::string digits = std::to_string(n);
    switch (kind) {
      case 0: return digits;
      case 1: return std::to_string(UINT64_MAX - n);
      case 2: return "0" + digits;
      case 3: return "18446744073709551616";
      case 4: return digits + " ";
      case 5: return "-" + digits;
      case 6: return digits + std::string(1, '\0');
      default: return std::to_string(uint64_t{n} << 56);
    }
  }

  uint64_t Delta() {
    const uint8_t b = in_.Byte();
    switch (b % 4) {
      case 0: return b >> 2;
      case 1: return 1;
      case 2: return UINT64_MAX - (b >> 2);
      default: return uint64_t{1} << ((b >> 2) % 64);
    }
  }

  // `v`, or as much of it as the input's value budget has left.
  std::string Budget(std::string v) {
    if (v.size() > kMaxValueBytes - value_bytes_) v.resize(kMaxValueBytes - value_bytes_);
    value_bytes_ += v.size();
    return v;
  }

  Reader& in_;
  size_t value_bytes_ = 0;
  uint32_t churn_rounds_ = 0;
};

// ---- the model ----

// The counter `increment` finds in a stored value: decimal text with an optional `-`, no other
// sign, no spaces, no leading zeros and no "-0", from -2^63 to 2^64-1. Anything else is refused.
__extension__ typedef __int128 Wide;
std::optional<Wide> ParseCounter(const std::string& v) {
  const bool negative = !v.empty() && v[0] == '-';
  const std::string digits = negative ? v.substr(1) : v;
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0') || (negative && digits == "0")) {
    return std::nullopt;
  }
  Wide n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
    if (n > Wide(UINT64_MAX) + 1) return std::nullopt;  // stops long before the wide type would
  }
  if (negative ? -n < INT64_MIN : n > Wide(UINT64_MAX)) return std::nullopt;
  return negative ? -n : n;
}

std::string Decimal(Wide n) {
  if (n < 0) return "-" + std::to_string(static_cast<uint64_t>(-n));
  return std::to_string(static_cast<uint64_t>(n));
}

// Applies change `s` to `m`. For an increment, the counter it leaves, or none when the contract
// refuses it (m unchanged).
std::optional<Wide> ApplyToModel(Model& m, const Step& s) {
  switch (s.op) {
    case Op::kSet:
    case Op::kSetMany:
      for (size_t i = 0; i < s.keys.size(); ++i) m[s.keys[i]] = s.values[i];
      break;
    case Op::kDelete:
    case Op::kDeleteMany:
      for (const std::string& k : s.keys) m.erase(k);
      break;
    case Op::kIncrement: {
      Wide current = 0;
      if (auto it = m.find(s.keys[0]); it != m.end()) {
        auto parsed = ParseCounter(it->second);
        if (!parsed) return std::nullopt;
        current = *parsed;
      }
      if (s.arg == 1) {  // draft2's s64 increment: the sum must be an s64
        const Wide sum = current + static_cast<int64_t>(s.delta);
        if (sum < INT64_MIN || sum > INT64_MAX) return std::nullopt;
        m[s.keys[0]] = Decimal(sum);
        return sum;
      }
      const Wide sum = current + s.delta;  // draft's u64 increment: the sum must be a u64
      if (sum < 0 || sum > Wide(UINT64_MAX)) return std::nullopt;
      m[s.keys[0]] = Decimal(sum);
      return sum;
    }
    default:
      break;
  }
  return std::nullopt;
}

// ---- printing what differed ----

std::string Escaped(const std::string& s) {
  std::string out = "\"";
  const size_t shown = s.size() > 40 ? 24 : s.size();
  for (size_t i = 0; i < shown; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (shown < s.size()) {
    char tail[64];
    std::snprintf(tail, sizeof tail, "...\" (%zu bytes, last 0x%02x)", s.size(),
                  static_cast<unsigned char>(s.back()));
    return out + tail;
  }
  return out + "\"";
}

std::string Describe(const Step& s) {
  std::string out = kOpNames[static_cast<int>(s.op)];
  if (s.second && s.op <= Op::kWalk) out += " (second)";
  for (size_t i = 0; i < s.keys.size(); ++i) {
    out += " " + Escaped(s.keys[i]);
    if (i < s.values.size()) out += "=" + Escaped(s.values[i]);
  }
  if (s.op == Op::kIncrement) {
    out += s.arg == 1 ? " (s64) by " + std::to_string(static_cast<int64_t>(s.delta))
                      : " by " + std::to_string(s.delta);
  }
  if (s.op == Op::kChurn) {
    out += ", " + std::to_string(s.rounds) + " rounds" + (s.keep ? ", kept" : ", deleted");
  }
  if (s.op == Op::kRead || s.op == Op::kReopen) out += " arg " + std::to_string(s.arg);
  if (s.op == Op::kCrash) {
    out += " after " + std::to_string(s.crash_after) + " ops, torn " + std::to_string(s.torn);
    if (s.recovery_crash_after >= 0) {
      out += ", reopen crashes after " + std::to_string(s.recovery_crash_after) +
             " ops, torn " + std::to_string(s.recovery_torn);
    }
  }
  for (const Step& d : s.during) out += "\n      during the walk: " + Describe(d);
  return out;
}

std::string Show(const Model& m) {
  std::string out = "{";
  for (const auto& [k, v] : m) out += " " + Escaped(k) + ": " + Escaped(v);
  return out + " }";
}

std::string Text(const kv::Bytes& b) { return std::string(b.begin(), b.end()); }

// ---- the harness ----

// One process: a store on the directory and its bucket (the bucket is dropped first).
struct Process {
  kv::Store store;
  kv::Bucket bucket;
  const char* name;
};

class Sink final : public kv::ValueSink {
 public:
  uint8_t* Allocate(size_t size) override {
    bytes.assign(size, 0);
    return bytes.data();
  }
  kv::Bytes bytes;
};

class Harness {
 public:
  Harness(const Config& config, const std::vector<Step>& steps)
      : config_(config), steps_(steps), preallocate_(config.preallocate[0]) {}

  void Run() {
    if (!Open(&first_, preallocate_, "first")) Finding("the store does not open");
    for (current_ = 0; current_ < steps_.size(); ++current_) {
      in_flight_ = model_;
      if (!Execute(steps_[current_]) || !VerifyAll()) Recover();
      ExpectNoLock();
    }
    // The input has ended: a crash that came after the last acknowledged change is recovered
    // from; one planned that has not come is called off (the machine stays up).
    if (crash_planned_ && fs_.crashed()) {
      in_flight_ = model_;
      Recover();
    }
    fs_.CrashAfter(-1);
    crash_planned_ = false;
    if (!VerifyAll()) Finding("reading at the end failed");
  }

 private:
  [[noreturn]] void Finding(const std::string& what) {
    std::fprintf(stderr, "\nfile_store_fuzzer: FINDING: %s\n", what.c_str());
    std::fprintf(stderr, "config: compact_min_dead_bytes %llu, preallocate %llu/%llu, "
                 "page keys %u, page bytes %u\n",
                 static_cast<unsigned long long>(config_.compact_min_dead_bytes),
                 static_cast<unsigned long long>(config_.preallocate[0]),
                 static_cast<unsigned long long>(config_.preallocate[1]), config_.page_keys,
                 config_.page_bytes);
    for (size_t i = 0; i < steps_.size() && i <= current_; ++i) {
      std::fprintf(stderr, "%s step %zu: %s\n", i == current_ ? "=>" : "  ", i,
                   Describe(steps_[i]).c_str());
    }
    std::fprintf(stderr, "model: %s\n", Show(model_).c_str());
    __builtin_trap();
  }

  // True when `s` failed because the planned crash happened; false when it succeeded. Any other
  // failure is a finding.
  bool Failed(const util::Status& s, const char* what, const Process* p) {
    if (s.ok()) return false;
    if (crash_planned_ && fs_.crashed()) return true;
    Finding(std::string(what) + (p ? std::string(" through the ") + p->name + " store" : "") +
            " failed: " + s.ToString());
  }

  // Between steps, with no crash pending, no change holds the lock or waits for it.
  void ExpectNoLock() {
    if (fs_.crashed()) return;
    for (const char* name : {"/LOCK", "/LOCK.waiting"}) {
      if (fs_.Exists(std::string(kDir) + name)) Finding(std::string(name + 1) + " was left behind");
    }
  }

  Process& Through(bool second) { return second && second_ ? *second_ : *first_; }

  // Opens a store on the directory and its bucket, as a process starting would. False when the
  // planned crash stopped it.
  bool Open(std::unique_ptr<Process>* out, uint64_t preallocate, const char* name) {
    out->reset();
    kv::file::FileStoreOptions o;
    o.dir = kDir;
    o.sync = kv::file::SyncPolicy::kAlways;
    o.compact_min_dead_bytes = config_.compact_min_dead_bytes;
    o.preallocate_bytes = preallocate;
    o.lock_linger_ms = 0;  // FaultFileSystem takes calls from one thread only
    o.lock_stale_seconds = 1;
    auto backend = kv::file::FileStore::Open(&fs_, o);
    if (Failed(backend.status(), "opening the store", nullptr)) return false;
    kv::StoreOptions options;
    options.limits.list_page_keys = config_.page_keys;
    options.limits.list_page_bytes = config_.page_bytes;
    kv::Store store(std::move(backend).value(), options);
    auto bucket = store.Open(kBucket);
    if (Failed(bucket.status(), "opening the bucket", nullptr)) return false;
    *out = std::make_unique<Process>(Process{std::move(store), std::move(bucket).value(), name});
    return true;
  }

  // Runs one step. False when the planned crash stopped it.
  bool Execute(const Step& s) {
    switch (s.op) {
      case Op::kSet:
      case Op::kDelete:
      case Op::kSetMany:
      case Op::kDeleteMany:
      case Op::kIncrement:
      case Op::kChurn:
        return Mutate(s, Through(s.second));
      case Op::kRead:
        return Read(s, Through(s.second));
      case Op::kGetMany:
        return GetMany(s.keys, Through(s.second));
      case Op::kWalk:
        return Walk(s, Through(s.second));
      case Op::kReopen:
        preallocate_ = s.arg == 0 ? config_.preallocate[0] : s.arg == 1 ? 0 : 64;
        first_.reset();
        return Open(&first_, preallocate_, "first");
      case Op::kSecond:
        if (second_) {
          second_.reset();
          return true;
        }
        return Open(&second_, config_.preallocate[1], "second");
      case Op::kSwap:
        return Swap(s, Through(s.second));
      case Op::kCrash:
        if (!crash_planned_ && crashes_ < kMaxCrashes) {
          ++crashes_;
          crash_planned_ = true;
          crash_ = &s;
          fs_.CrashAfter(s.crash_after);
        }
        return true;
    }
    return true;
  }

  // Makes change `s` through `p`: a churn as the sets and deletes it stands for, each
  // acknowledged on its own; any other as one change. False when the planned crash stopped it.
  bool Mutate(const Step& s, Process& p) {
    if (s.op != Op::kChurn) return Change(s, p);
    Step set, del;
    set.op = Op::kSet, set.keys = s.keys, set.values = s.values;
    del.op = Op::kDelete, del.keys = s.keys;
    for (uint32_t i = 0; i < s.rounds; ++i) {
      if (!Change(set, p) || !Change(del, p)) return false;
    }
    return !s.keep || Change(set, p);
  }

  // Makes change `s` through `p` and, once the store acknowledges it, in the model. False when
  // the planned crash stopped it; `in_flight_` is then the model with the change applied.
  bool Change(const Step& s, Process& p) {
    Model next = model_;
    const std::optional<Wide> counter = ApplyToModel(next, s);
    in_flight_ = next;
    util::Status status;
    switch (s.op) {
      case Op::kSet:
        status = p.bucket.Set(s.keys[0], kv::AsBytes(s.values[0]));
        break;
      case Op::kDelete:
        status = p.bucket.Delete(s.keys[0]);
        break;
      case Op::kSetMany: {
        std::vector<kv::KeyValueView> pairs;
        for (size_t i = 0; i < s.keys.size(); ++i) {
          pairs.push_back({s.keys[i], kv::AsBytes(s.values[i])});
        }
        status = p.bucket.SetMany(pairs);
        break;
      }
      case Op::kDeleteMany: {
        std::vector<std::string_view> keys(s.keys.begin(), s.keys.end());
        status = p.bucket.DeleteMany(keys);
        break;
      }
      case Op::kIncrement:
        return Increment(s, p, counter, std::move(next));
      default:
        return true;
    }
    if (Failed(status, kOpNames[static_cast<int>(s.op)], &p)) return false;
    model_ = std::move(next);
    return true;
  }

  // Compare-and-swap through `p`: a read of the key, the changes of `s.during` (through either
  // store), then the swap. A swap that writes must not have been preceded by a change of the
  // key; one that does not write returns the key as the model has it now. (A swap may fail with
  // nothing changed: versions are allowed to move on their own.) False when the planned crash
  // stopped it.
  bool Swap(const Step& s, Process& p) {
    const std::string& key = s.keys[0];
    auto seen = p.bucket.ReadForSwap(key);
    if (Failed(seen.status(), "cas", &p)) return false;
    ExpectValue(key, MaybeText(seen->value), "cas of", p);
    const Model before = model_;
    for (const Step& c : s.during) {
      if (!Mutate(c, Through(c.second))) return false;
    }
    const bool changed = HadEffect(s.during, key, before);
    Model next = model_;
    next[key] = s.values[0];
    in_flight_ = next;
    auto swapped = p.bucket.Swap(*seen, kv::AsBytes(s.values[0]));
    if (Failed(swapped.status(), "swap", &p)) return false;
    if (swapped->has_value()) {
      ExpectValue(key, MaybeText((*swapped)->value), "the state a failed swap returned of", p);
      return true;
    }
    if (changed) {
      Finding("swap of " + Escaped(key) + " through the " + std::string(p.name) +
              " store wrote although the key changed since its cas");
    }
    model_ = std::move(next);
    return true;
  }

  // Whether one of `changes`, applied from `start`, changed `key` at all (a set of the value it
  // had is a change; a refused increment or the delete of a missing key is not).
  static bool HadEffect(const std::vector<Step>& changes, const std::string& key, Model m) {
    for (const Step& c : changes) {
      const bool names_key = std::find(c.keys.begin(), c.keys.end(), key) != c.keys.end();
      if (names_key) {
        switch (c.op) {
          case Op::kSet:
          case Op::kSetMany:
            return true;
          case Op::kChurn:  // rounds of set and delete, then maybe a set; the budget can leave none
            if (c.rounds > 0 || c.keep) return true;
            break;
          case Op::kDelete:
          case Op::kDeleteMany:
            if (m.contains(key)) return true;
            break;
          case Op::kIncrement:
            if (ApplyToModel(m, c)) return true;
            continue;
          default:
            break;
        }
      }
      ApplyToModel(m, c);
    }
    return false;
  }

  static std::optional<std::string> MaybeText(const std::optional<kv::Bytes>& v) {
    if (!v) return std::nullopt;
    return std::string(v->begin(), v->end());
  }

  bool Increment(const Step& s, Process& p, std::optional<Wide> expected, Model next) {
    auto got = [&]() -> util::Result<Wide> {
      if (s.arg == 1) {
        ASSIGN_OR_RETURN(int64_t sum, p.bucket.IncrementSigned(s.keys[0], static_cast<int64_t>(s.delta)));
        return Wide(sum);
      }
      ASSIGN_OR_RETURN(uint64_t sum, p.bucket.Increment(s.keys[0], s.delta));
      return Wide(sum);
    }();
    if (!got.ok()) {
      if (crash_planned_ && fs_.crashed()) return false;
      if (!expected && got.status().code() == util::Code::kInvalidArgument) return true;
      Finding("increment through the " + std::string(p.name) + " store failed: " +
              got.status().ToString() + (expected ? "; the model expected " + Decimal(*expected) : ""));
    }
    if (!expected) {
      Finding("increment through the " + std::string(p.name) + " store gave " + Decimal(*got) +
              "; the model expected an error");
    }
    if (*got != *expected) {
      Finding("increment through the " + std::string(p.name) + " store gave " + Decimal(*got) +
              "; the model expected " + Decimal(*expected));
    }
    model_ = std::move(next);
    return true;
  }

  void ExpectValue(const std::string& key, const std::optional<std::string>& got, const char* how,
                   const Process& p) {
    auto it = model_.find(key);
    const std::optional<std::string> want =
        it == model_.end() ? std::nullopt : std::optional<std::string>(it->second);
    if (got != want) {
      Finding(std::string(how) + " " + Escaped(key) + " through the " + p.name + " store gave " +
              (got ? Escaped(*got) : "none") + "; the model has " +
              (want ? Escaped(*want) : "none"));
    }
  }

  bool Read(const Step& s, Process& p) {
    const std::string& key = s.keys[0];
    if (s.arg == 0) {
      auto got = p.bucket.Get(key);
      if (Failed(got.status(), "get", &p)) return false;
      ExpectValue(key, *got ? std::optional<std::string>(Text(**got)) : std::nullopt, "get", p);
    } else if (s.arg == 1) {
      Sink sink;
      auto found = p.bucket.GetInto(key, sink);
      if (Failed(found.status(), "get-into", &p)) return false;
      ExpectValue(key, *found ? std::optional<std::string>(Text(sink.bytes)) : std::nullopt,
                  "get-into", p);
    } else {
      auto found = p.bucket.Exists(key);
      if (Failed(found.status(), "exists", &p)) return false;
      if (*found != model_.contains(key)) {
        Finding("exists " + Escaped(key) + " through the " + p.name + " store gave " +
                (*found ? "true" : "false"));
      }
    }
    return true;
  }

  bool GetMany(const std::vector<std::string>& keys, Process& p) {
    std::vector<std::string_view> views(keys.begin(), keys.end());
    auto got = p.bucket.GetMany(views);
    if (Failed(got.status(), "get-many", &p)) return false;
    if (got->size() != keys.size()) Finding("get-many gave the wrong number of values");
    for (size_t i = 0; i < keys.size(); ++i) {
      const auto& v = (*got)[i];
      ExpectValue(keys[i], v ? std::optional<std::string>(Text(*v)) : std::nullopt, "get-many", p);
    }
    return true;
  }

  // A cursor walk through `walker` with the step's changes made between its pages: each listed
  // key exists when its page is read; each key present for the whole walk comes back exactly
  // once, and a key never deleted during the walk at most once.
  bool Walk(const Step& s, Process& walker) {
    std::set<std::string> deleted;  // keys deleted at some point during the walk
    std::map<std::string, int> seen;
    const Model start = model_;
    size_t next = 0;
    std::optional<uint64_t> cursor;
    int pages = 0;
    do {
      auto page = walker.bucket.ListKeys(cursor);
      if (Failed(page.status(), "list-keys", &walker)) return false;
      for (const std::string& k : page->keys) {
        if (!model_.contains(k)) Finding("list-keys listed " + Escaped(k) + ", which is absent");
        ++seen[k];
      }
      cursor = page->cursor;
      if (++pages > kMaxPages) Finding("a list-keys walk does not end");
      if (cursor && next < s.during.size()) {
        const Step& change = s.during[next++];
        const Model before = model_;
        if (!Mutate(change, Through(change.second))) return false;
        // The keys it deleted: those gone since, and a churned key (every round deletes it).
        for (const auto& [k, v] : before) {
          if (!model_.contains(k)) deleted.insert(k);
        }
        if (change.op == Op::kChurn) deleted.insert(change.keys[0]);
      }
    } while (cursor);
    for (const auto& [k, v] : start) {
      if (!deleted.contains(k) && seen[k] != 1) {
        Finding("a walk with changes listed " + Escaped(k) + " " + std::to_string(seen[k]) +
                " times; it was present throughout");
      }
    }
    for (const auto& [k, n] : seen) {
      if (!deleted.contains(k) && n > 1) {
        Finding("a walk with changes listed " + Escaped(k) + " " + std::to_string(n) + " times");
      }
    }
    for (; next < s.during.size(); ++next) {
      if (!Mutate(s.during[next], Through(s.during[next].second))) return false;
    }
    return true;
  }

  // Everything in the bucket through `p`, by a full walk (each key listed once) and get-many.
  // False when the planned crash stopped it.
  bool Dump(Process& p, Model* out) {
    out->clear();
    std::vector<std::string> listed;
    std::optional<uint64_t> cursor;
    int pages = 0;
    do {
      auto page = p.bucket.ListKeys(cursor);
      if (Failed(page.status(), "list-keys", &p)) return false;
      for (std::string& k : page->keys) {
        if (out->contains(k)) Finding("a walk listed " + Escaped(k) + " twice");
        (*out)[k];
        listed.push_back(std::move(k));
      }
      cursor = page->cursor;
      if (++pages > kMaxPages) Finding("a list-keys walk does not end");
    } while (cursor);
    std::vector<std::string_view> views(listed.begin(), listed.end());
    auto values = p.bucket.GetMany(views);
    if (Failed(values.status(), "get-many", &p)) return false;
    for (size_t i = 0; i < listed.size(); ++i) {
      const auto& v = (*values)[i];
      if (!v) Finding("list-keys listed " + Escaped(listed[i]) + ", which get-many does not find");
      (*out)[listed[i]] = Text(*v);
    }
    return true;
  }

  bool Verify(Process& p) {
    Model got;
    if (!Dump(p, &got)) return false;
    if (got != model_) {
      Finding(std::string("the ") + p.name + " store holds " + Show(got));
    }
    return true;
  }

  bool VerifyAll() {
    if (first_ && !Verify(*first_)) return false;
    return !second_ || Verify(*second_);
  }

  // After the planned crash: reboot, reopen (crashing once more if the crash step asks) and check
  // that the store holds the acknowledged changes, or those and the change in flight.
  void Recover() {
    const bool had_second = second_ != nullptr;
    second_.reset();
    first_.reset();
    size_t torn = crash_->torn;
    int64_t again = crash_->recovery_crash_after;
    Model first, second;
    for (;;) {
      fs_.Reboot(torn);
      fs_.AdvanceSeconds(100);  // a LOCK left behind is stale by now
      crash_planned_ = again >= 0;
      fs_.CrashAfter(again);
      bool done = Open(&first_, preallocate_, "first") && Dump(*first_, &first);
      if (done && had_second) {
        done = Open(&second_, config_.preallocate[1], "second") && Dump(*second_, &second);
      }
      if (done && !fs_.crashed()) break;
      second_.reset();
      first_.reset();
      torn = crash_->recovery_torn;
      again = -1;
    }
    fs_.CrashAfter(-1);
    crash_planned_ = false;
    if (first != model_ && first != in_flight_) {
      Finding("after the crash the store holds " + Show(first) + "; acknowledged were " +
              Show(model_) + ", with the change in flight " + Show(in_flight_));
    }
    if (had_second && second != first) {
      Finding("after the crash the second store holds " + Show(second) + ", the first " +
              Show(first));
    }
    model_ = first;
  }

  kv::file::FaultFileSystem fs_;
  const Config config_;
  const std::vector<Step>& steps_;
  size_t current_ = 0;
  uint64_t preallocate_;  // the first store's, as last opened
  std::unique_ptr<Process> first_;
  std::unique_ptr<Process> second_;
  Model model_;      // every acknowledged change
  Model in_flight_;  // the model with the change of the current step, acknowledged or not
  bool crash_planned_ = false;
  const Step* crash_ = nullptr;  // the step that planned it
  int crashes_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  Decoder decoder(in);
  const Config config = decoder.DecodeConfig();
  std::vector<Step> steps;
  while (!in.done() && steps.size() < kMaxSteps) steps.push_back(decoder.DecodeStep(in.Byte(), false));
  Harness(config, steps).Run();
  return 0;
}

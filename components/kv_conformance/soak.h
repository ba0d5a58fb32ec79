// The kill -9 soak test's writer and verifier (tools/soak.mjs drives them), written once for any
// bucket type with the engine's call shapes: the conformance command runs them over its imported
// wasi:keyvalue bucket (`--phase soak-writer`, `--phase soak-reader`), tools/soak/soak_native.cc
// over kv::Bucket on the file store.
//
// The writer is deterministic from its seed: a pseudo-random mix of set, delete, set-many,
// delete-many and increment over the keys `<slot>/k00` .. `<slot>/k15` of bucket `<prefix>keys`
// (so values are overwritten and deleted, and the log compacts), and increments of the counter
// `n` in bucket `<prefix>counter`, which every writer shares. Around each operation it prints,
// flushed:
//   TRY <version> <op>      before the operation touches the store
//   ACK <version> <op>      once it returned ok
//   ERROR <version> <message>   when it failed (the writer then stops, status 1)
// where <version> is `<seed>.<n>` and <op> is one of
//   set <key> <size> | delete <key> | set-many (<key> <size>)... | delete-many <key>...
//   | increment <delta>
// Every value written by operation <version> under <key> is Encode(key, version, size): the header
// `<key> <version>\n`, then bytes drawn from a generator seeded by that header, cut to <size>
// bytes (0 to 1 MiB; a value shorter than its header is a prefix of it).
//
// The verifier opens both buckets (an open that fails prints `OPEN-ERROR <message>`, status 3)
// and prints, for every key of slots a and b:
//   ABSENT <key> | HAVE <key> <version> <size> | SHORT <key> <hex, or - when empty>
//   | BAD <key> <size> <what is wrong> | READ-ERROR <key> <message>
// then `LISTED <key>` for every key a list-keys walk of the bucket returns, `COUNTER <decimal>`
// (0 when absent; `COUNTER-BAD <hex>` when not decimal), and `DONE`.
#ifndef KV_CONFORMANCE_SOAK_H_
#define KV_CONFORMANCE_SOAK_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kv/engine/types.h"
#include "kv/util/result.h"

namespace soak {

inline constexpr int kKeysPerSlot = 16;
inline constexpr const char* kSlots[] = {"a", "b"};
inline constexpr uint32_t kMaxValueBytes = 1 << 20;
inline constexpr std::string_view kCounterKey = "n";

inline std::string KeysBucket(std::string_view prefix) { return std::string(prefix) + "keys"; }
inline std::string CounterBucket(std::string_view prefix) {
  return std::string(prefix) + "counter";
}

inline std::string KeyName(std::string_view slot, int i) {
  const char digits[] = {static_cast<char>('0' + i / 10), static_cast<char>('0' + i % 10), '\0'};
  return std::string(slot) + "/k" + digits;
}

// splitmix64: small, fast, and the same on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n) for a test's purposes.
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

inline uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

inline std::string Header(std::string_view key, std::string_view version) {
  return std::string(key) + " " + std::string(version) + "\n";
}

// The value operation `version` writes under `key`, `size` bytes long.
inline kv::Bytes Encode(std::string_view key, std::string_view version, uint32_t size) {
  const std::string header = Header(key, version);
  kv::Bytes out(size);
  Random r(Fnv1a(header));
  uint64_t word = 0;
  for (uint32_t i = 0; i < size; ++i) {
    if (i < header.size()) {
      out[i] = static_cast<uint8_t>(header[i]);
      continue;
    }
    if ((i - header.size()) % 8 == 0) word = r.Next();
    out[i] = static_cast<uint8_t>(word >> (8 * ((i - header.size()) % 8)));
  }
  return out;
}

enum class Kind { kSet, kDelete, kSetMany, kDeleteMany, kIncrement };

struct Op {
  Kind kind;
  std::vector<std::pair<std::string, uint32_t>> items;  // keys, with sizes for the sets
  uint64_t delta = 0;                                   // increment

  std::string Describe() const {
    static constexpr const char* kNames[] = {"set", "delete", "set-many", "delete-many",
                                             "increment"};
    std::string s = kNames[static_cast<int>(kind)];
    if (kind == Kind::kIncrement) return s + " " + std::to_string(delta);
    for (const auto& [key, size] : items) {
      s += " " + key;
      if (kind == Kind::kSet || kind == Kind::kSetMany) s += " " + std::to_string(size);
    }
    return s;
  }
};

// Sizes from empty to 1 MiB, most of them small: the large ones fill the log quickly.
inline uint32_t ValueSize(Random& r) {
  const uint64_t band = r.Below(100);
  if (band < 15) return static_cast<uint32_t>(r.Below(17));  // 0..16: shorter than the header
  if (band < 50) return static_cast<uint32_t>(17 + r.Below(1008));
  if (band < 75) return static_cast<uint32_t>(r.Below(64 << 10) + 1);
  if (band < 90) return static_cast<uint32_t>(r.Below(256 << 10) + 1);
  if (band < 93) return kMaxValueBytes;
  return static_cast<uint32_t>(r.Below(kMaxValueBytes) + 1);
}

// The operation sequence of one writer.
class OpGenerator {
 public:
  OpGenerator(uint64_t seed, std::string slot) : random_(seed), slot_(std::move(slot)) {}

  Op Next() {
    const uint64_t pick = random_.Below(100);
    Op op{};
    if (pick < 40) {
      op.kind = Kind::kSet;
    } else if (pick < 55) {
      op.kind = Kind::kDelete;
    } else if (pick < 70) {
      op.kind = Kind::kSetMany;
    } else if (pick < 80) {
      op.kind = Kind::kDeleteMany;
    } else {
      op.kind = Kind::kIncrement;
      op.delta = 1 + random_.Below(1000);
      return op;
    }
    const bool many = op.kind == Kind::kSetMany || op.kind == Kind::kDeleteMany;
    const int count = many ? 2 + static_cast<int>(random_.Below(4)) : 1;
    // Distinct keys, so that a batch's effect does not depend on the order of its items.
    bool used[kKeysPerSlot] = {};
    for (int n = 0; n < count; ++n) {
      int k = static_cast<int>(random_.Below(kKeysPerSlot));
      while (used[k]) k = (k + 1) % kKeysPerSlot;
      used[k] = true;
      const bool sets = op.kind == Kind::kSet || op.kind == Kind::kSetMany;
      op.items.emplace_back(KeyName(slot_, k), sets ? ValueSize(random_) : 0);
    }
    return op;
  }

 private:
  Random random_;
  std::string slot_;
};

template <class B>
util::Status Apply(B& keys, B& counter, const Op& op, std::string_view version) {
  switch (op.kind) {
    case Kind::kSet: {
      const auto& [key, size] = op.items[0];
      return keys.Set(key, Encode(key, version, size));
    }
    case Kind::kDelete:
      return keys.Delete(op.items[0].first);
    case Kind::kSetMany: {
      std::vector<kv::Bytes> values;
      std::vector<kv::KeyValueView> pairs;
      values.reserve(op.items.size());
      for (const auto& [key, size] : op.items) values.push_back(Encode(key, version, size));
      for (size_t i = 0; i < op.items.size(); ++i) pairs.push_back({op.items[i].first, values[i]});
      return keys.SetMany(pairs);
    }
    case Kind::kDeleteMany: {
      std::vector<std::string_view> names;
      for (const auto& item : op.items) names.push_back(item.first);
      return keys.DeleteMany(names);
    }
    case Kind::kIncrement: {
      auto v = counter.Increment(kCounterKey, op.delta);
      return v.ok() ? util::Status::Ok() : v.status();
    }
  }
  return util::Status::Ok();
}

inline void Line(const std::string& s) {
  std::fputs(s.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// Prints `line` and returns `status`: how the phases end.
inline int End(const std::string& line, int status) {
  Line(line);
  return status;
}

// `open(name)` returns util::Result<B>. Runs until killed; returns 1 on an error, 3 when a bucket
// does not open.
template <class Open>
int RunWriter(Open open, std::string_view prefix, std::string_view slot, uint64_t seed) {
  auto keys = open(KeysBucket(prefix));
  if (!keys.ok()) return End("OPEN-ERROR " + keys.status().ToString(), 3);
  auto counter = open(CounterBucket(prefix));
  if (!counter.ok()) return End("OPEN-ERROR " + counter.status().ToString(), 3);
  OpGenerator ops(seed, std::string(slot));
  for (uint64_t n = 1;; ++n) {
    const Op op = ops.Next();
    const std::string version = std::to_string(seed) + "." + std::to_string(n);
    const std::string what = version + " " + op.Describe();
    Line("TRY " + what);
    util::Status s = Apply(*keys, *counter, op, version);
    if (!s.ok()) return End("ERROR " + version + " " + s.ToString(), 1);
    Line("ACK " + what);
  }
}

inline std::string Hex(kv::ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) s += {kDigits[b >> 4], kDigits[b & 15]};
  return s.empty() ? "-" : s;
}

// What a value read under `key` is, as one verifier line.
inline std::string Judge(const std::string& key, const kv::Bytes& v) {
  const std::string size = std::to_string(v.size());
  size_t nl = 0;
  while (nl < v.size() && nl <= key.size() + 64 && v[nl] != '\n') ++nl;
  if (nl >= v.size() || v[nl] != '\n') {
    if (v.size() <= key.size() + 64) return "SHORT " + key + " " + Hex(v);
    return "BAD " + key + " " + size + " no header";
  }
  const std::string header(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(nl));
  const size_t space = header.rfind(' ');
  if (space == std::string::npos || header.substr(0, space) != key) {
    return "BAD " + key + " " + size + " header names another key: " + Hex(kv::AsBytes(header));
  }
  const std::string version = header.substr(space + 1);
  const kv::Bytes want = Encode(key, version, static_cast<uint32_t>(v.size()));
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != want[i]) {
      return "BAD " + key + " " + size + " differs from version " + version + " at byte " +
             std::to_string(i);
    }
  }
  return "HAVE " + key + " " + version + " " + size;
}

template <class Open>
int RunVerifier(Open open, std::string_view prefix) {
  auto keys = open(KeysBucket(prefix));
  if (!keys.ok()) return End("OPEN-ERROR " + keys.status().ToString(), 3);
  auto counter = open(CounterBucket(prefix));
  if (!counter.ok()) return End("OPEN-ERROR " + counter.status().ToString(), 3);
  for (const char* slot : kSlots) {
    for (int i = 0; i < kKeysPerSlot; ++i) {
      const std::string key = KeyName(slot, i);
      auto v = keys->Get(key);
      if (!v.ok()) {
        Line("READ-ERROR " + key + " " + v.status().ToString());
      } else if (!*v) {
        Line("ABSENT " + key);
      } else {
        Line(Judge(key, **v));
      }
    }
  }
  std::optional<uint64_t> cursor;
  do {
    auto page = keys->ListKeys(cursor);
    if (!page.ok()) return End("READ-ERROR list-keys " + page.status().ToString(), 1);
    for (const std::string& key : page->keys) Line("LISTED " + key);
    cursor = page->cursor;
  } while (cursor);
  auto n = counter->Get(kCounterKey);
  if (!n.ok()) return End("READ-ERROR counter " + n.status().ToString(), 1);
  if (!*n) {
    Line("COUNTER 0");
  } else {
    const kv::Bytes& text = **n;
    bool decimal = !text.empty() && text.size() <= 20;
    for (uint8_t c : text) decimal = decimal && c >= '0' && c <= '9';
    Line(decimal ? "COUNTER " + std::string(text.begin(), text.end()) : "COUNTER-BAD " + Hex(text));
  }
  Line("DONE");
  return 0;
}

}  // namespace soak

#endif  // KV_CONFORMANCE_SOAK_H_

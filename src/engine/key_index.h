// A key index for the backends: for each key, a 40-byte entry (where its value lies: a file offset
// for the file store, a slot number for the in-memory backend). Built to stay small and quick at
// millions of keys: keys live back to back in one arena, entries stay in insertion order (the
// order list-keys walks), and an open-addressing table of 32-bit entry numbers finds them, kept
// at most half full. About 48 bytes per key beyond the key.
#ifndef ENGINE_KEY_INDEX_H_
#define ENGINE_KEY_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

class KeyIndex {
 public:
  struct Entry {
    uint64_t value_offset;
    uint64_t key_offset;  // in the arena
    uint32_t value_len;
    uint32_t bytes;  // of the log this key's latest change accounts for
    uint32_t key_len;
    uint32_t live;   // 0 once deleted; the entry keeps its position
    uint64_t stamp;  // the backend's number for the key's latest change (compare-and-swap)
  };
  static constexpr size_t kNone = SIZE_MAX;

  // The entry number of `key`, or kNone.
  size_t Find(std::string_view key) const;
  // Sets `key`'s location and stamp, adding an entry for a new key. Returns the bytes the previous
  // change of the key accounted for (0 for a new key); `*entry`, when given, is the key's entry.
  uint32_t Put(std::string_view key, uint64_t value_offset, uint32_t value_len, uint32_t bytes,
               uint64_t stamp, size_t* entry = nullptr);
  // Removes `key`; returns the bytes its latest change accounted for (0 if it was absent).
  uint32_t Erase(std::string_view key);

  std::string_view KeyOf(const Entry& e) const { return {arena_.data() + e.key_offset, e.key_len}; }
  // The compare-and-swap version (kv/engine/backend.h) of `key` for a backend that stamps every change:
  // "p<stamp>" while the key is present, "a<absent_stamp>" (the stamp of the latest delete)
  // while it is absent. The letters keep a present key's version from ever equalling an absent
  // one's.
  std::string VersionOf(std::string_view key, uint64_t absent_stamp) const;
  const std::vector<Entry>& entries() const { return entries_; }
  Entry& entry(size_t i) { return entries_[i]; }
  size_t live() const { return live_; }
  size_t dead() const { return entries_.size() - live_; }
  // One list-keys page: the live keys from entry `start` on, at most `max_keys` of them and at
  // most `max_bytes` of key bytes (but at least one key when any remains). `*next` is the entry
  // the following page starts at, or entries().size() when none remains.
  std::vector<std::string> Page(size_t start, uint32_t max_keys, uint32_t max_bytes,
                                size_t* next) const;
  void Clear();
  // Frees the slack left by growth (after a full load).
  void Shrink();
  // Drops deleted entries and their key bytes; live entries keep their order. `moved(from, to)`
  // is called for every live entry, in order, so that callers can move data kept beside it.
  template <class F>
  void Compact(F&& moved) {
    std::string arena;
    arena.reserve(arena_.size());
    size_t to = 0;
    for (size_t from = 0; from < entries_.size(); ++from) {
      Entry e = entries_[from];
      if (!e.live) continue;
      uint64_t key_offset = arena.size();
      arena.append(arena_, e.key_offset, e.key_len);
      e.key_offset = key_offset;
      entries_[to] = e;
      moved(from, to);
      ++to;
    }
    entries_.resize(to);
    arena_ = std::move(arena);
    Rebuild();
  }

 private:
  static constexpr uint32_t kEmpty = 0;
  static constexpr uint32_t kTombstone = UINT32_MAX;
  size_t Slot(std::string_view key, bool* found) const;
  void Grow();
  void Rebuild();

  std::string arena_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;  // entry number + 1, kEmpty, or kTombstone
  size_t live_ = 0;
  size_t used_slots_ = 0;  // live and tombstones
};

}  // namespace kv

#endif  // ENGINE_KEY_INDEX_H_

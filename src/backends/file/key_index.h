// The file store's in-memory index: for each key, where its latest value lies in the log. Built
// to stay small at millions of keys: keys live back to back in one arena, entries are 32 bytes in
// insertion order (an entry's position is the list-keys cursor), and an open-addressing table of
// 32-bit entry numbers finds them, kept at most half full. About 40 bytes per key beyond the key.
#ifndef BACKENDS_FILE_KEY_INDEX_H_
#define BACKENDS_FILE_KEY_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kv::file {

class KeyIndex {
 public:
  struct Entry {
    uint64_t value_offset;
    uint64_t key_offset;  // in the arena
    uint32_t value_len;
    uint32_t bytes;       // of the log this key's latest change accounts for
    uint32_t key_len;
    uint32_t live;        // 0 once deleted; the entry keeps its position
  };
  static constexpr size_t kNone = SIZE_MAX;

  // The entry number of `key`, or kNone.
  size_t Find(std::string_view key) const;
  // Sets `key`'s location, adding an entry for a new key. Returns the bytes the previous change
  // of the key accounted for (0 for a new key).
  uint32_t Put(std::string_view key, uint64_t value_offset, uint32_t value_len, uint32_t bytes);
  // Removes `key`; returns the bytes its latest change accounted for (0 if it was absent).
  uint32_t Erase(std::string_view key);

  std::string_view KeyOf(const Entry& e) const { return {arena_.data() + e.key_offset, e.key_len}; }
  const std::vector<Entry>& entries() const { return entries_; }
  Entry& entry(size_t i) { return entries_[i]; }
  size_t live() const { return live_; }
  void Clear();
  // Frees the slack left by growth (after a full load).
  void Shrink();

 private:
  static constexpr uint32_t kEmpty = 0;
  static constexpr uint32_t kTombstone = UINT32_MAX;
  size_t Slot(std::string_view key, bool* found) const;
  void Grow();

  std::string arena_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;  // entry number + 1, kEmpty, or kTombstone
  size_t live_ = 0;
  size_t used_slots_ = 0;  // live and tombstones
};

}  // namespace kv::file

#endif  // BACKENDS_FILE_KEY_INDEX_H_

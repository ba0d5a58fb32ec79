#include "engine/key_index.h"

#include <algorithm>
#include <functional>

namespace kv {

size_t KeyIndex::Slot(std::string_view key, bool* found) const {
  *found = false;
  if (slots_.empty()) return kNone;
  size_t mask = slots_.size() - 1;
  size_t i = std::hash<std::string_view>{}(key)&mask;
  size_t first_tombstone = kNone;
  for (;;) {
    uint32_t s = slots_[i];
    if (s == kEmpty) return first_tombstone != kNone ? first_tombstone : i;
    if (s == kTombstone) {
      if (first_tombstone == kNone) first_tombstone = i;
    } else if (KeyOf(entries_[s - 1]) == key) {
      *found = true;
      return i;
    }
    i = (i + 1) & mask;
  }
}

size_t KeyIndex::Find(std::string_view key) const {
  bool found;
  size_t i = Slot(key, &found);
  return found ? slots_[i] - 1 : kNone;
}

void KeyIndex::Grow() {
  size_t size = slots_.empty() ? 16 : slots_.size();
  while ((live_ + 1) * 2 > size) size *= 2;
  std::vector<uint32_t> old = std::move(slots_);
  slots_.assign(size, kEmpty);
  used_slots_ = 0;
  for (uint32_t s : old) {
    if (s == kEmpty || s == kTombstone) continue;
    bool found;
    slots_[Slot(KeyOf(entries_[s - 1]), &found)] = s;
    ++used_slots_;
  }
}

uint32_t KeyIndex::Put(std::string_view key, uint64_t value_offset, uint32_t value_len,
                       uint32_t bytes, uint64_t stamp, size_t* entry) {
  if ((used_slots_ + 1) * 2 > slots_.size()) Grow();
  bool found;
  size_t i = Slot(key, &found);
  if (found) {
    Entry& e = entries_[slots_[i] - 1];
    uint32_t previous = e.bytes;
    e.value_offset = value_offset;
    e.value_len = value_len;
    e.bytes = bytes;
    e.stamp = stamp;
    if (entry != nullptr) *entry = slots_[i] - 1;
    return previous;
  }
  if (slots_[i] == kEmpty) ++used_slots_;
  entries_.push_back(
      {value_offset, arena_.size(), value_len, bytes, static_cast<uint32_t>(key.size()), 1, stamp});
  arena_.append(key);
  slots_[i] = static_cast<uint32_t>(entries_.size());
  if (entry != nullptr) *entry = entries_.size() - 1;
  ++live_;
  return 0;
}

uint32_t KeyIndex::Erase(std::string_view key) {
  bool found;
  size_t i = Slot(key, &found);
  if (!found) return 0;
  Entry& e = entries_[slots_[i] - 1];
  e.live = 0;
  slots_[i] = kTombstone;
  --live_;
  return e.bytes;
}

void KeyIndex::Rebuild() {
  size_t size = 16;
  while ((live_ + 1) * 2 > size) size *= 2;
  slots_.assign(size, kEmpty);
  used_slots_ = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    bool found;
    slots_[Slot(KeyOf(entries_[i]), &found)] = static_cast<uint32_t>(i + 1);
    ++used_slots_;
  }
}

std::vector<std::string> KeyIndex::Page(size_t start, uint32_t max_keys, uint32_t max_bytes,
                                        size_t* next) const {
  std::vector<std::string> keys;
  uint64_t bytes = 0;
  size_t i = std::min(start, entries_.size());
  for (; i < entries_.size(); ++i) {
    if (!entries_[i].live) continue;
    std::string_view key = KeyOf(entries_[i]);
    bool room = keys.size() < max_keys && bytes + key.size() <= max_bytes;
    if (!keys.empty() && !room) break;
    bytes += key.size();
    keys.emplace_back(key);
  }
  while (i < entries_.size() && !entries_[i].live) ++i;
  *next = i;
  return keys;
}

std::string KeyIndex::VersionOf(std::string_view key, uint64_t absent_stamp) const {
  const size_t i = Find(key);
  if (i == kNone) return "a" + std::to_string(absent_stamp);
  return "p" + std::to_string(entries_[i].stamp);
}

void KeyIndex::Clear() {
  arena_.clear();
  entries_.clear();
  slots_.clear();
  live_ = used_slots_ = 0;
}

void KeyIndex::Shrink() {
  arena_.shrink_to_fit();
  entries_.shrink_to_fit();
}

}  // namespace kv

// Opens a file store of one million keys and reports how long the open took and how much memory
// the index uses per key (beyond the keys' own bytes). A benchmark, not a test: it asserts nothing.
//
//   build/native/file_store_open_bench [DIR] [KEYS]
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "kv/backends/file.h"
#include "kv/engine/store.h"

namespace {

size_t HeapInUse() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

std::string Key(size_t i) { return "user:" + std::to_string(i * 7919 % 10000019); }

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "build/bench-file-store";
  size_t keys = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  std::filesystem::remove_all(dir);
  kv::file::FileStoreOptions options;
  options.dir = dir;
  options.sync = kv::file::SyncPolicy::kNever;
  size_t key_bytes = 0;
  {
    auto backend = kv::file::OpenFileStore(options);
    if (!backend.ok()) return std::fprintf(stderr, "%s\n", backend.status().ToString().c_str()), 1;
    kv::Store store(std::move(backend).value(), {});
    kv::Bucket b = *store.Open("bench");
    std::vector<std::string> batch_keys;
    std::vector<kv::KeyValueView> pairs;
    const std::string value(32, 'v');
    for (size_t i = 0; i < keys; i += 1000) {
      batch_keys.clear();
      pairs.clear();
      for (size_t j = i; j < std::min(keys, i + 1000); ++j) batch_keys.push_back(Key(j));
      for (const auto& k : batch_keys) {
        pairs.push_back({k, kv::AsBytes(value)});
        key_bytes += k.size();
      }
      if (auto s = b.SetMany(pairs); !s.ok())
        return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
    }
  }
  size_t heap_before = HeapInUse();
  auto start = std::chrono::steady_clock::now();
  auto backend = kv::file::OpenFileStore(options);
  kv::Store store(std::move(backend).value(), {});
  auto b = store.Open("bench");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!b.ok()) return std::fprintf(stderr, "%s\n", b.status().ToString().c_str()), 1;
  size_t heap = HeapInUse() - heap_before;
  double per_key = static_cast<double>(heap) / static_cast<double>(keys);
  double overhead = static_cast<double>(heap - key_bytes) / static_cast<double>(keys);
  std::printf("file store open: %zu keys, %.3f s (%.0f keys/s)\n", keys, seconds, keys / seconds);
  std::printf("index memory: %.1f bytes per key, %.1f beyond the key's own %.1f bytes\n", per_key,
              overhead, static_cast<double>(key_bytes) / static_cast<double>(keys));
  std::filesystem::remove_all(dir);
  return 0;
}

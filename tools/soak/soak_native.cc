// kv_soak: the soak test's writer and verifier (components/kv_conformance/soak.h) as a native
// program on the engine and the file store, for tools/soak.mjs (`make soak`).
//
//   kv_soak write  --dir DIR [--prefix P] --slot S --seed N
//   kv_soak verify --dir DIR [--prefix P]
//
// The store is configured as kv-file configures it, from KV_FILE_SYNC, KV_FILE_LOCK_STALE_SECONDS,
// KV_FILE_COMPACT_MIN_BYTES and the limits' variables (README.md, "Configuration").
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "kv/backends/file.h"
#include "kv/engine/config.h"
#include "kv/engine/store.h"
#include "kv_conformance/soak.h"

namespace {

int Usage(const std::string& problem) {
  std::fprintf(stderr,
               "kv_soak: %s\nusage: kv_soak write --dir DIR [--prefix P] --slot S --seed N\n"
               "       kv_soak verify --dir DIR [--prefix P]\n",
               problem.c_str());
  return 2;
}

util::Result<std::unique_ptr<kv::Store>> OpenStore(const std::string& dir) {
  auto env = [](const char* name) -> const char* { return std::getenv(name); };
  ASSIGN_OR_RETURN(kv::StoreOptions options, kv::StoreOptionsFromEnvironment(env));
  kv::file::FileStoreOptions file;
  file.dir = dir;
  if (const char* sync = env(std::string(kv::file::kSyncVariable).c_str())) {
    if (std::string_view(sync) != "always" && std::string_view(sync) != "never") {
      return util::InvalidArgument(std::string("KV_FILE_SYNC=") + sync +
                                   ": expected `always` or `never`");
    }
    file.sync = std::string_view(sync) == "always" ? kv::file::SyncPolicy::kAlways
                                                   : kv::file::SyncPolicy::kNever;
  }
  if (const char* stale = env(std::string(kv::file::kLockStaleVariable).c_str())) {
    ASSIGN_OR_RETURN(uint64_t seconds, kv::ParsePositiveAtMost(kv::file::kLockStaleVariable, stale,
                                                                kv::file::kMaxLockStaleSeconds));
    file.lock_stale_seconds = static_cast<int64_t>(seconds);
  }
  if (const char* bytes = env("KV_FILE_COMPACT_MIN_BYTES")) {
    ASSIGN_OR_RETURN(file.compact_min_dead_bytes,
                     kv::ParsePositive("KV_FILE_COMPACT_MIN_BYTES", bytes));
  }
  ASSIGN_OR_RETURN(auto backend, kv::file::OpenFileStore(file));
  return std::make_unique<kv::Store>(std::move(backend), std::move(options));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage("expected `write` or `verify`");
  const std::string_view mode = argv[1];
  std::string dir, prefix = "soak/", slot;
  uint64_t seed = 0;
  for (int i = 2; i < argc; i += 2) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return Usage("`" + std::string(arg) + "` is missing its value");
    const char* value = argv[i + 1];
    if (arg == "--dir") {
      dir = value;
    } else if (arg == "--prefix") {
      prefix = value;
    } else if (arg == "--slot") {
      slot = value;
    } else if (arg == "--seed") {
      auto n = kv::ParsePositive("--seed", value);
      if (!n.ok()) return Usage(n.status().ToString());
      seed = *n;
    } else {
      return Usage("unknown argument `" + std::string(arg) + "`");
    }
  }
  if (dir.empty()) return Usage("--dir is required");
  if (mode == "write" && (slot.empty() || seed == 0)) return Usage("write needs --slot and --seed");
  if (mode != "write" && mode != "verify") return Usage("unknown mode `" + std::string(mode) + "`");

  auto store = OpenStore(dir);
  if (!store.ok()) return soak::End("OPEN-ERROR " + store.status().ToString(), 3);
  auto open = [&](std::string_view name) { return (*store)->Open(name); };
  if (mode == "write") return soak::RunWriter(open, prefix, slot, seed);
  return soak::RunVerifier(open, prefix);
}

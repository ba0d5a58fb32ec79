// kv-file: wasi:keyvalue store, atomics and batch over the file store (src/backends/file), the
// embedded default. Files are reached through wasi-libc, which the preview1 adapter turns into
// wasi:filesystem; settings come from the environment (README.md, "Configuration").
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "bindings/keyvalue_exports.h"
#include "kv/backends/file.h"
#include "kv/engine/config.h"

namespace bindings::keyvalue {
namespace {

const char* Env(const char* name) { return std::getenv(name); }

// FileStoreOptions::compact_min_dead_bytes: how many dead bytes a log may gather before it
// compacts (when they also exceed its live bytes). Small values make compactions frequent.
constexpr std::string_view kCompactMinVariable = "KV_FILE_COMPACT_MIN_BYTES";

// KV_FILE_DIR, default `data`; a relative path is taken from the working directory (PWD).
std::string StoreDirectory() {
  const char* dir = Env(std::string(kv::file::kDirVariable).c_str());
  std::string d = dir != nullptr && *dir != '\0' ? dir : "data";
  if (d[0] != '/') {
    const char* pwd = Env("PWD");
    d = std::string(pwd != nullptr && *pwd != '\0' ? pwd : "") + "/" + d;
  }
  return d;
}

}  // namespace

util::Result<std::unique_ptr<kv::Store>> MakeProviderStore() {
  ASSIGN_OR_RETURN(kv::StoreOptions options, kv::StoreOptionsFromEnvironment(Env));
  kv::file::FileStoreOptions file;
  file.dir = StoreDirectory();
  if (const char* sync = Env(std::string(kv::file::kSyncVariable).c_str())) {
    std::string s = sync;
    if (s == "always") {
      file.sync = kv::file::SyncPolicy::kAlways;
    } else if (s == "never") {
      file.sync = kv::file::SyncPolicy::kNever;
    } else {
      return util::InvalidArgument("KV_FILE_SYNC=" + s + ": expected `always` or `never`");
    }
  }
  if (const char* stale = Env(std::string(kv::file::kLockStaleVariable).c_str())) {
    ASSIGN_OR_RETURN(uint64_t seconds, kv::ParsePositiveAtMost(kv::file::kLockStaleVariable, stale,
                                                                kv::file::kMaxLockStaleSeconds));
    file.lock_stale_seconds = static_cast<int64_t>(seconds);
  }
  if (const char* bytes = Env(std::string(kCompactMinVariable).c_str())) {
    ASSIGN_OR_RETURN(file.compact_min_dead_bytes, kv::ParsePositive(kCompactMinVariable, bytes));
  }
  ASSIGN_OR_RETURN(auto backend, kv::file::OpenFileStore(file));
  return std::make_unique<kv::Store>(std::move(backend), std::move(options));
}

}  // namespace bindings::keyvalue

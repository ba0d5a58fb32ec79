// Uses the installed libraries as another project would: the engine over the in-memory backend and
// the file store, and the composer's inspect on an installed provider component. Prints what it
// saw; tests/install.test.mjs checks the lines.
//
//   kv_install_check DIR    DIR: an empty directory for the file store
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kv/backends/file.h"
#include "kv/backends/memory.h"
#include "kv/composer/inspect.h"
#include "kv/engine/store.h"

namespace {

kv::ByteView View(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

int Fail(const char* what, const util::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  return 1;
}

// Sets `key` in bucket `b` of `store`, or reads it back when `value` is empty.
util::Result<std::string> SetOrGet(kv::Store& store, const std::string& key,
                                   const std::string& value) {
  ASSIGN_OR_RETURN(kv::Bucket bucket, store.Open("b"));
  if (!value.empty()) RETURN_IF_ERROR(bucket.Set(key, View(value)));
  ASSIGN_OR_RETURN(auto got, bucket.Get(key));
  if (!got) return util::NotFound("no " + util::Quoted(key));
  return std::string(got->begin(), got->end());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return std::fprintf(stderr, "usage: kv_install_check DIR\n"), 2;
  std::printf("headers: %d\n", KV_HEADER_COUNT);

  kv::Store memory(kv::NewMemoryStore(), {});
  auto value = SetOrGet(memory, "hello", "world");
  if (!value.ok()) return Fail("memory", value.status());
  std::printf("memory: hello = %s\n", value->c_str());

  kv::file::FileStoreOptions options;
  options.dir = argv[1];
  for (int round = 0; round < 2; ++round) {  // write, then read back from a new store
    auto backend = kv::file::OpenFileStore(options);
    if (!backend.ok()) return Fail("file store", backend.status());
    kv::Store file(std::move(backend).value(), {});
    value = SetOrGet(file, "hello", round == 0 ? "disk" : "");
    if (!value.ok()) return Fail("file", value.status());
  }
  std::printf("file, reopened: hello = %s\n", value->c_str());

  // The allow-list refuses other names with kNotFound (no-such-store, at a provider).
  kv::Store allow(kv::NewMemoryStore(), {.limits = {}, .allowed_buckets = {{"only"}}});
  auto refused = allow.Open("other");
  std::string seen = refused.ok() ? "opened" : std::string(util::CodeName(refused.status().code()));
  std::printf("allow-list: other is %s\n", seen.c_str());

  const std::string path = std::string(KV_SHARE_DIR) + "/components/kv-memory.wasm";
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto text = composer::Inspect(bytes, composer::InspectFormat::kText);
  if (!text.ok()) return Fail(path.c_str(), text.status());
  std::printf("inspect kv-memory.wasm:\n%s", text->c_str());
  return 0;
}

// kv_conformance: the wasi:keyvalue conformance suite as a command component. Fused with a
// provider, it runs every case against it and prints one line per case:
//   PASS group.name | FAIL group.name: reason | SKIP group.name: reason
// then `N passed, M failed, K skipped`; the exit status is 1 when a case failed.
//
// Options (arguments, or the environment variables in brackets):
//   --contract V       the version the cases go through: draft (default) or draft2
//   --group G          run only group G; repeatable [KV_CONFORMANCE_GROUPS=store,atomics]
//   --prefix P         bucket-name prefix [KV_CONFORMANCE_PREFIX]; default: unique per run
//   --start-after C    skip the cases up to and including C (to resume after a trap)
//   --page-keys N      the provider's list-keys page size in keys (default 1000)
//   --page-bytes N     ... and in key bytes (default 262144)
//   --max-key-bytes N, --max-value-bytes N   the provider's limits (defaults: the engine's)
//   --phase P          write | verify: the persistence case's two processes;
//                      writer | reader: the kill -9 test's writer and reader (see harness.h);
//                      incrementer: increments one counter --times N times;
//                      cas-incrementer: the same by compare-and-swap (draft2), with retries;
//                      soak-writer | soak-reader: the soak test's writer and verifier (soak.h)
//   --seed N, --slot S the soak writer's operation sequence and key slot (`a` or `b`)
//   --keep-going       the writer retries after an error (it reports each as `ERROR ...`)
//   --seconds N        the writer stops after N seconds (default: when killed)
//   --barrier N        the incrementers start counting once N of them have started
//   --list             print the case names and exit
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>
#include <string>
#include <string_view>

#include "bindings/keyvalue_imports.h"
#include "kv_conformance/harness.h"
#include "kv_conformance/soak.h"

namespace {

using conformance::Outcome;

bool ParseU32(std::string_view text, uint32_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string DefaultPrefix() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  char buf[64];
  std::snprintf(buf, sizeof buf, "conformance-%llx-%lx/",
                static_cast<unsigned long long>(ts.tv_sec), static_cast<long>(ts.tv_nsec));
  return buf;
}

void SplitInto(std::string_view list, std::set<std::string>& out) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    if (!item.empty()) out.emplace(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

int Usage(const char* problem) {
  std::fprintf(stderr, "kv_conformance: %s\n", problem);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  conformance::Options options;
  std::set<std::string> groups;
  std::string start_after;
  bool list = false;
  if (const char* g = std::getenv("KV_CONFORMANCE_GROUPS")) SplitInto(g, groups);
  if (const char* p = std::getenv("KV_CONFORMANCE_PREFIX")) options.prefix = p;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--list") {
      list = true;
    } else if (arg == "--keep-going") {
      options.keep_going = true;
    } else if (arg == "--group" || arg == "--prefix" || arg == "--start-after" ||
               arg == "--phase" || arg == "--slot" || arg == "--contract") {
      const char* v = value();
      if (v == nullptr) return Usage("an option is missing its value");
      if (arg == "--contract") {
        if (std::string_view(v) == "draft") {
          options.contract = bindings::keyvalue::Contract::kDraft;
        } else if (std::string_view(v) == "draft2") {
          options.contract = bindings::keyvalue::Contract::kDraft2;
        } else {
          return Usage("--contract takes draft or draft2");
        }
      }
      if (arg == "--group") SplitInto(v, groups);
      if (arg == "--prefix") options.prefix = v;
      if (arg == "--start-after") start_after = v;
      if (arg == "--phase") options.phase = v;
      if (arg == "--slot") options.slot = v;
    } else if (arg == "--page-keys" || arg == "--page-bytes" || arg == "--max-key-bytes" || arg == "--max-value-bytes" ||
               arg == "--times" || arg == "--seconds" || arg == "--seed" || arg == "--barrier") {
      const char* v = value();
      uint32_t n = 0;
      if (v == nullptr || !ParseU32(v, &n) || n == 0) return Usage("expected a positive number");
      if (arg == "--page-keys") options.page_keys = n;
      if (arg == "--page-bytes") options.page_bytes = n;
      if (arg == "--max-key-bytes") options.max_key_bytes = n;
      if (arg == "--max-value-bytes") options.max_value_bytes = n;
      if (arg == "--times") options.times = n;
      if (arg == "--seconds") options.seconds = n;
      if (arg == "--seed") options.seed = n;
      if (arg == "--barrier") options.barrier = n;
    } else {
      return Usage(("unknown argument `" + std::string(arg) + "`").c_str());
    }
  }
  if (options.prefix.empty()) options.prefix = DefaultPrefix();
  if (options.phase == "writer") return conformance::RunWriter(options);
  if (options.phase == "reader") return conformance::RunReader(options);
  if (options.phase == "incrementer") return conformance::RunIncrementer(options);
  if (options.phase == "cas-incrementer") return conformance::RunCasIncrementer(options);
  auto open = [contract = options.contract](std::string_view name) {
    return bindings::keyvalue::ImportedBucket::Open(name, contract);
  };
  if (options.phase == "soak-writer") {
    return soak::RunWriter(open, options.prefix, options.slot, options.seed);
  }
  if (options.phase == "soak-reader") return soak::RunVerifier(open, options.prefix);

  int passed = 0, failed = 0, skipped = 0;
  bool started = start_after.empty();
  for (const conformance::Case& c : conformance::AllCases()) {
    std::string name = std::string(c.group) + "." + c.name;
    if (!started) {
      started = name == start_after;
      continue;
    }
    if (!groups.empty() && !groups.contains(c.group)) continue;
    if (list) {
      std::printf("%s\n", name.c_str());
      continue;
    }
    Outcome r = c.fn(options);
    switch (r.kind) {
      case Outcome::Kind::kPass:
        ++passed, std::printf("PASS %s\n", name.c_str());
        break;
      case Outcome::Kind::kFail:
        ++failed, std::printf("FAIL %s: %s\n", name.c_str(), r.reason.c_str());
        break;
      case Outcome::Kind::kSkip:
        ++skipped, std::printf("SKIP %s: %s\n", name.c_str(), r.reason.c_str());
        break;
    }
    std::fflush(stdout);
  }
  if (!list) std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  std::fflush(stdout);
  return failed == 0 ? 0 : 1;
}

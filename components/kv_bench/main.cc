// kv_bench: a benchmark consumer. Fused with a provider (or linked to any implementation of
// wasi:keyvalue), it times each operation and prints one tab-separated line per workload:
//   op  value_bytes  ops  ops_per_s  p50_us  p99_us
// The rate comes from a run of the workload with no clock reads between operations; the latencies
// from a second run that times each one.
// Options: --ops N (operations per workload, default 20000; a tenth of that for 64 KiB values),
//          --sizes 16,1024,65536   --bucket NAME   --only op,op
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bindings/keyvalue_imports.h"

namespace {

using bindings::keyvalue::ImportedBucket;

double NowMicros() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// Runs a workload of `n` steps twice: once untimed but for the whole run, which gives the rate
// (with no clock reads between operations to dilute it), and once timing each step, which gives
// the latencies. `prepare` runs before each pass (untimed), for workloads that consume their keys.
// Prints  op  value_bytes  units  units_per_s  p50_us  p99_us.
template <class Step, class Prepare>
bool Measure(std::string_view op, size_t size, size_t n, size_t units_per_step, Step&& step,
             Prepare&& prepare) {
  prepare();
  double start = NowMicros();
  for (size_t i = 0; i < n; ++i) {
    if (!step(i)) return false;
  }
  double elapsed = NowMicros() - start;
  prepare();
  std::vector<double> samples;
  samples.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    double t = NowMicros();
    if (!step(i)) return false;
    samples.push_back(NowMicros() - t);
  }
  std::sort(samples.begin(), samples.end());
  auto pct = [&](double p) {
    return samples.empty()
               ? 0.0
               : samples[std::min(samples.size() - 1, static_cast<size_t>(p * samples.size()))];
  };
  double units = static_cast<double>(n * units_per_step);
  std::printf("%.*s\t%zu\t%.0f\t%.0f\t%.2f\t%.2f\n", static_cast<int>(op.size()), op.data(), size,
              units, units / (elapsed / 1e6), pct(0.5), pct(0.99));
  std::fflush(stdout);
  return true;
}

template <class Step>
bool Measure(std::string_view op, size_t size, size_t n, size_t units_per_step, Step&& step) {
  return Measure(op, size, n, units_per_step, step, [] {});
}

std::string Key(size_t i) { return "bench:" + std::to_string(i); }

bool Fail(std::string_view what, const util::Status& s) {
  std::fprintf(stderr, "kv_bench: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               s.ToString().c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  size_t ops = 20000;
  std::vector<size_t> sizes = {16, 1024, 65536};
  std::string bucket_name = "bench";
  std::set<std::string> only;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view arg = argv[i], v = argv[i + 1];
    if (arg == "--ops") {
      std::from_chars(v.data(), v.data() + v.size(), ops);
    } else if (arg == "--sizes") {
      sizes.clear();
      while (!v.empty()) {
        size_t n = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        sizes.push_back(n);
        v.remove_prefix(static_cast<size_t>(end - v.data()));
        if (!v.empty()) v.remove_prefix(1);
      }
    } else if (arg == "--bucket") {
      bucket_name = v;
    } else if (arg == "--only") {
      while (!v.empty()) {
        size_t comma = v.find(',');
        only.emplace(v.substr(0, comma));
        v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
      }
    }
  }
  auto wanted = [&](const char* op) { return only.empty() || only.contains(op); };
  auto opened = ImportedBucket::Open(bucket_name);
  if (!opened.ok()) return Fail("open", opened.status()), 1;
  ImportedBucket b = std::move(opened).value();
  std::printf("op\tvalue_bytes\tops\tops_per_s\tp50_us\tp99_us\n");

  // Warm-up, unmeasured: the first calls run in the runtime's baseline tiers (wasm and the
  // JavaScript glue alike); without this the first workload measured would pay for tiering up.
  {
    std::vector<uint8_t> value(16, 'w');
    for (size_t round = 0; round < 2; ++round) {
      for (size_t i = 0; i < std::min<size_t>(ops, 10000); ++i) {
        std::string k = "warm-up:" + std::to_string(i);
        (void)b.Set(k, value);
        (void)b.Get(k);
        (void)b.Exists(k);
        (void)b.Increment("warm-up:counter", 1);
        (void)b.Delete(k);
      }
    }
    (void)b.Delete("warm-up:counter");
  }
  for (size_t size : sizes) {
    size_t n = size >= 65536 ? std::max<size_t>(ops / 10, 10) : ops;
    std::vector<uint8_t> value(size, 'v');
    std::vector<std::string> keys;
    for (size_t i = 0; i < n; ++i) keys.push_back(Key(i));
    std::vector<std::string> missing;
    for (size_t i = 0; i < n; ++i) missing.push_back("missing:" + std::to_string(i));
    auto set_all = [&] {
      for (auto& k : keys) (void)b.Set(k, value);
    };
    // The first pass sets new keys, the second overwrites them.
    if (wanted("set") && !Measure("set", size, n, 1, [&](size_t i) {
          util::Status s = b.Set(keys[i], value);
          return s.ok() || Fail("set", s);
        }))
      return 1;
    set_all();
    if (wanted("get") && !Measure("get", size, n, 1, [&](size_t i) {
          auto v = b.Get(keys[i]);
          return (v.ok() && *v) || Fail("get", v.status());
        }))
      return 1;
    if (wanted("get-miss") && !Measure("get-miss", size, n, 1, [&](size_t i) {
          auto v = b.Get(missing[i]);
          return v.ok() || Fail("get-miss", v.status());
        }))
      return 1;
    if (wanted("exists") && !Measure("exists", size, n, 1, [&](size_t i) {
          auto v = b.Exists(keys[i]);
          return v.ok() || Fail("exists", v.status());
        }))
      return 1;
    if (wanted("get-many") && n >= 100 &&
        !Measure("get-many-100", size, n / 100, 100, [&](size_t i) {
          std::vector<std::string_view> views(keys.begin() + 100 * i, keys.begin() + 100 * i + 100);
          auto v = b.GetMany(views);
          return v.ok() || Fail("get-many", v.status());
        }))
      return 1;
    if (wanted("set-many") && n >= 100 &&
        !Measure("set-many-100", size, n / 100, 100, [&](size_t i) {
          std::vector<kv::KeyValueView> pairs;
          for (size_t j = 100 * i; j < 100 * i + 100; ++j) pairs.push_back({keys[j], value});
          util::Status s = b.SetMany(pairs);
          return s.ok() || Fail("set-many", s);
        }))
      return 1;
    if (wanted("list-keys") && size == sizes.front()) {
      // One walk over every key, timed as a whole.
      size_t seen = 0;
      std::optional<uint64_t> cursor;
      double start = NowMicros();
      do {
        auto page = b.ListKeys(cursor);
        if (!page.ok()) return Fail("list-keys", page.status()), 1;
        seen += page->keys.size();
        cursor = page->cursor;
      } while (cursor);
      double total = NowMicros() - start;
      std::printf("list-keys-walk\t%zu\t%zu\t%.0f\t%.2f\t%.2f\n", size, seen, seen / (total / 1e6),
                  total, total);
    }
    if (wanted("delete") && !Measure(
                                "delete", size, n, 1,
                                [&](size_t i) {
                                  util::Status s = b.Delete(keys[i]);
                                  return s.ok() || Fail("delete", s);
                                },
                                set_all))
      return 1;
    for (auto& k : keys) (void)b.Delete(k);
  }
  if (wanted("increment") && !Measure("increment", 0, ops, 1, [&](size_t) {
        auto v = b.Increment("bench:counter", 1);
        return v.ok() || Fail("increment", v.status());
      }))
    return 1;
  return 0;
}

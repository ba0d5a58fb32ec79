// kv_bench: a benchmark consumer. Fused with a provider (or linked to any implementation of
// wasi:keyvalue), it times each operation and prints one tab-separated line per workload:
//   op  value_bytes  ops  ops_per_s  p50_us  p99_us
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

struct Timer {
  std::vector<double> samples;
  double start_all = NowMicros();
  template <class F>
  bool Time(F&& f) {
    double t = NowMicros();
    bool ok = f();
    samples.push_back(NowMicros() - t);
    return ok;
  }
  void Report(std::string_view op, size_t size, size_t units_per_sample = 1) {
    double total = NowMicros() - start_all;
    std::vector<double> s = samples;
    std::sort(s.begin(), s.end());
    auto pct = [&](double p) {
      return s.empty() ? 0.0 : s[std::min(s.size() - 1, static_cast<size_t>(p * s.size()))];
    };
    double ops = static_cast<double>(s.size() * units_per_sample);
    std::printf("%.*s\t%zu\t%zu\t%.0f\t%.2f\t%.2f\n", static_cast<int>(op.size()), op.data(), size,
                s.size() * units_per_sample, ops / (total / 1e6), pct(0.5), pct(0.99));
    std::fflush(stdout);
  }
};

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

  for (size_t size : sizes) {
    size_t n = size >= 65536 ? std::max<size_t>(ops / 10, 10) : ops;
    std::vector<uint8_t> value(size, 'v');
    std::vector<std::string> keys;
    for (size_t i = 0; i < n; ++i) keys.push_back(Key(i));
    if (wanted("set")) {
      Timer t;
      for (auto& k : keys) {
        if (!t.Time([&] {
              util::Status s = b.Set(k, value);
              return s.ok() || Fail("set", s);
            }))
          return 1;
      }
      t.Report("set", size);
    } else {
      for (auto& k : keys) (void)b.Set(k, value);
    }
    if (wanted("get")) {
      Timer t;
      for (auto& k : keys) {
        if (!t.Time([&] {
              auto v = b.Get(k);
              return (v.ok() && *v) || Fail("get", v.status());
            }))
          return 1;
      }
      t.Report("get", size);
    }
    if (wanted("get-miss")) {
      Timer t;
      for (size_t i = 0; i < n; ++i) {
        std::string k = "missing:" + std::to_string(i);
        if (!t.Time([&] {
              auto v = b.Get(k);
              return v.ok() || Fail("get-miss", v.status());
            }))
          return 1;
      }
      t.Report("get-miss", size);
    }
    if (wanted("exists")) {
      Timer t;
      for (auto& k : keys) {
        if (!t.Time([&] {
              auto v = b.Exists(k);
              return v.ok() || Fail("exists", v.status());
            }))
          return 1;
      }
      t.Report("exists", size);
    }
    if (wanted("get-many") && n >= 100) {
      Timer t;
      for (size_t i = 0; i + 100 <= n; i += 100) {
        std::vector<std::string_view> views(keys.begin() + i, keys.begin() + i + 100);
        if (!t.Time([&] {
              auto v = b.GetMany(views);
              return v.ok() || Fail("get-many", v.status());
            }))
          return 1;
      }
      t.Report("get-many-100", size, 100);
    }
    if (wanted("set-many") && n >= 100) {
      Timer t;
      for (size_t i = 0; i + 100 <= n; i += 100) {
        std::vector<kv::KeyValueView> pairs;
        for (size_t j = i; j < i + 100; ++j) pairs.push_back({keys[j], value});
        if (!t.Time([&] {
              util::Status s = b.SetMany(pairs);
              return s.ok() || Fail("set-many", s);
            }))
          return 1;
      }
      t.Report("set-many-100", size, 100);
    }
    if (wanted("list-keys") && size == sizes.front()) {
      Timer t;
      size_t seen = 0;
      std::optional<uint64_t> cursor;
      do {
        bool ok = t.Time([&] {
          auto page = b.ListKeys(cursor);
          if (!page.ok()) return Fail("list-keys", page.status());
          seen += page->keys.size();
          cursor = page->cursor;
          return true;
        });
        if (!ok) return 1;
      } while (cursor);
      t.samples.assign(1, t.samples.empty() ? 0 : 0);  // one walk
      double total = NowMicros() - t.start_all;
      std::printf("list-keys-walk\t%zu\t%zu\t%.0f\t%.2f\t%.2f\n", size, seen, seen / (total / 1e6),
                  total, total);
    }
    if (wanted("delete")) {
      Timer t;
      for (auto& k : keys) {
        if (!t.Time([&] {
              util::Status s = b.Delete(k);
              return s.ok() || Fail("delete", s);
            }))
          return 1;
      }
      t.Report("delete", size);
    } else {
      for (auto& k : keys) (void)b.Delete(k);
    }
  }
  if (wanted("increment")) {
    Timer t;
    for (size_t i = 0; i < ops; ++i) {
      if (!t.Time([&] {
            auto v = b.Increment("bench:counter", 1);
            return v.ok() || Fail("increment", v.status());
          }))
        return 1;
    }
    t.Report("increment", 0);
  }
  return 0;
}

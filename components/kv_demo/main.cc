// kv_demo: the demo consumer. Against a persistent provider, consecutive runs alternate between
// setting `hello` and printing and deleting it; every run then bumps a counter and does a batch
// round. Any store error is printed and the exit status is 1.
//
// Built twice: kv_demo imports wasi:keyvalue@0.2.0-draft, kv_demo_draft2 (KV_DEMO_DRAFT2)
// @0.2.0-draft2, and also shows compare-and-swap. Fused with one persistent provider, the two
// share the store: each sees what the other set and counts the same `demo-runs`.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bindings/keyvalue_imports.h"

namespace {

using bindings::keyvalue::Contract;
using bindings::keyvalue::ImportedBucket;
using bindings::keyvalue::ImportedCas;

#ifdef KV_DEMO_DRAFT2
constexpr Contract kContract = Contract::kDraft2;
#else
constexpr Contract kContract = Contract::kDraft;
#endif

std::string Text(const kv::Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

int Fail(std::string_view what, const util::Status& status) {
  std::printf("kv_demo: %.*s failed: %s\n", static_cast<int>(what.size()), what.data(),
              status.ToString().c_str());
  return 1;
}

#ifdef KV_DEMO_DRAFT2
// Appends ` (run N)` to `greeting` through compare-and-swap, retrying while other writers win.
int CasRound(ImportedBucket& bucket, int64_t run) {
  auto cas = ImportedCas::New(bucket, "greeting");
  if (!cas.ok()) return Fail("cas.new `greeting`", cas.status());
  for (int attempt = 1;; ++attempt) {
    auto seen = cas->Current();
    if (!seen.ok()) return Fail("cas.current", seen.status());
    std::string next = *seen ? Text(**seen) : std::string("hello from draft2");
    if (next.size() > 200) next = "hello from draft2";  // keep it short across many runs
    next += " (run " + std::to_string(run) + ")";
    auto swapped = ImportedCas::Swap(std::move(cas).value(), kv::AsBytes(next));
    if (!swapped.ok()) return Fail("swap `greeting`", swapped.status());
    if (!swapped->has_value()) {
      std::printf("cas `greeting`: swap -> `%s` (attempt %d)\n", next.c_str(), attempt);
      return 0;
    }
    std::printf("cas `greeting`: cas-failed, retrying with the value now\n");
    cas = std::move(**swapped);
  }
}
#endif

int Run() {
#ifdef KV_DEMO_DRAFT2
  std::printf("kv_demo_draft2: importing wasi:keyvalue@0.2.0-draft2\n");
#endif
  auto opened = ImportedBucket::Open("", kContract);
  if (!opened.ok()) return Fail("open of the default bucket", opened.status());
  ImportedBucket bucket = std::move(opened).value();

  auto exists = bucket.Exists("hello");
  if (!exists.ok()) return Fail("exists `hello`", exists.status());
  if (*exists) {
    auto value = bucket.Get("hello");
    if (!value.ok()) return Fail("get `hello`", value.status());
    std::printf("`hello` exists with value `%s`; deleting it\n",
                *value ? Text(**value).c_str() : "(gone)");
    if (auto s = bucket.Delete("hello"); !s.ok()) return Fail("delete `hello`", s);
  } else {
    std::printf("`hello` does not exist; setting it to `wasi`\n");
    if (auto s = bucket.Set("hello", kv::AsBytes("wasi")); !s.ok()) return Fail("set `hello`", s);
    auto value = bucket.Get("hello");
    if (!value.ok()) return Fail("get `hello`", value.status());
    if (!*value) return Fail("get `hello`", util::NotFound("the value just set is missing"));
    std::printf("get `hello` -> `%s`\n", Text(**value).c_str());
  }

#ifdef KV_DEMO_DRAFT2
  auto count = bucket.IncrementSigned("demo-runs", 1);
  if (!count.ok()) return Fail("increment `demo-runs`", count.status());
  std::printf("increment `demo-runs` by 1 (s64) -> %lld\n", static_cast<long long>(*count));
  if (int failed = CasRound(bucket, *count); failed != 0) return failed;
#else
  auto count = bucket.Increment("demo-runs", 1);
  if (!count.ok()) return Fail("increment `demo-runs`", count.status());
  std::printf("increment `demo-runs` by 1 -> %llu\n", static_cast<unsigned long long>(*count));
#endif

  const kv::KeyValueView pairs[] = {{"fruit/apple", kv::AsBytes("red")},
                                    {"fruit/banana", kv::AsBytes("yellow")}};
  if (auto s = bucket.SetMany(pairs); !s.ok()) return Fail("set-many", s);
  std::printf("set-many `fruit/apple`=`red` `fruit/banana`=`yellow`\n");
  const std::string_view keys[] = {"fruit/apple", "fruit/banana", "fruit/cherry"};
  auto values = bucket.GetMany(keys);
  if (!values.ok()) return Fail("get-many", values.status());
  std::string line = "get-many `fruit/apple` `fruit/banana` `fruit/cherry` ->";
  for (const auto& item : *values) {
    line += item ? " `" + Text(item->second) + "`" : std::string(" none");
  }
  std::printf("%s\n", line.c_str());
  if (auto s = bucket.DeleteMany(keys); !s.ok()) return Fail("delete-many", s);
  return 0;
}

}  // namespace

int main() {
  int status = Run();
  std::fflush(stdout);
  return status;
}

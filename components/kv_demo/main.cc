// kv_demo: the demo consumer. Against a persistent provider, consecutive runs alternate between
// setting `hello` and printing and deleting it; every run then bumps a counter and does a batch
// round. Any store error is printed and the exit status is 1.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bindings/keyvalue_imports.h"

namespace {

using bindings::keyvalue::ImportedBucket;

std::string Text(const kv::Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

int Fail(std::string_view what, const util::Status& status) {
  std::printf("kv_demo: %.*s failed: %s\n", static_cast<int>(what.size()), what.data(),
              status.ToString().c_str());
  return 1;
}

int Run() {
  auto opened = ImportedBucket::Open("");
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

  auto count = bucket.Increment("demo-runs", 1);
  if (!count.ok()) return Fail("increment `demo-runs`", count.status());
  std::printf("increment `demo-runs` by 1 -> %llu\n", static_cast<unsigned long long>(*count));

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

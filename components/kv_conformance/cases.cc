// The conformance cases: the README's contract decisions, as a consumer can observe them through
// wasi:keyvalue at the version `--contract` names (0.2.0-draft or 0.2.0-draft2). Every case runs
// through either version; the draft2 ones (signed counters, compare-and-swap) report SKIP under
// draft, and the `versions` cases use both at once. Each case works in buckets of its own
// (`<prefix><case>...`).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bindings/keyvalue_imports.h"
#include "kv_conformance/harness.h"
#include "util/utf8.h"

namespace conformance {
namespace {

using bindings::keyvalue::Contract;
using bindings::keyvalue::ImportedBucket;
using bindings::keyvalue::ImportedCas;
using bindings::keyvalue::TextKeyPage;
using kv::AsBytes;
using kv::Bytes;

std::string Bucket(const Options& o, std::string_view suffix) {
  return o.prefix + std::string(suffix);
}

util::Result<ImportedBucket> Open(const Options& o, std::string_view name) {
  return ImportedBucket::Open(name, o.contract);
}

bool Draft2(const Options& o) { return o.contract == Contract::kDraft2; }

std::string Show(const std::optional<Bytes>& v) {
  if (!v) return "none";
  if (v->size() > 40) return std::to_string(v->size()) + " bytes";
  return "`" + std::string(v->begin(), v->end()) + "`";
}

Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Walks every page; fails on a page over the size bounds (a page of one key may pass the byte
// bound) or a walk that does not end.
struct Walk {
  std::map<std::string, int> seen;
  size_t pages = 0;
};
util::Result<Walk> WalkAll(ImportedBucket& b, const Options& o,
                           const std::function<util::Status(size_t page)>& between = {}) {
  Walk w;
  std::optional<std::string> cursor;
  for (;;) {
    ASSIGN_OR_RETURN(TextKeyPage page, b.ListKeysText(cursor));
    ++w.pages;
    if (page.keys.size() > o.page_keys) {
      return util::InvalidArgument("a page held " + std::to_string(page.keys.size()) +
                                   " keys, over the page size " + std::to_string(o.page_keys));
    }
    size_t bytes = 0;
    for (auto& k : page.keys) bytes += k.size(), ++w.seen[k];
    if (bytes > o.page_bytes && page.keys.size() > 1) {
      return util::InvalidArgument("a page held " + std::to_string(bytes) +
                                   " key bytes, over the page size " +
                                   std::to_string(o.page_bytes));
    }
    if (!page.cursor) return w;
    if (page.keys.empty()) return util::InvalidArgument("an empty page with a cursor");
    if (w.pages > 1000000) return util::InvalidArgument("the walk does not end");
    cursor = page.cursor;
    if (between) RETURN_IF_ERROR(between(w.pages));
  }
}

// ---- store ----

Outcome OpenDefault(const Options& o) {
  KV_TRY(auto b, Open(o, ""));
  KV_TRY(auto e, b.Exists("conformance-probe"));
  (void)e;
  return Outcome::Pass();
}

Outcome OpenNamed(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "open-named")));
  KV_OK(b.Set("k", AsBytes("v")));
  return Outcome::Pass();
}

Outcome GetMissing(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "get-missing")));
  KV_TRY(auto v, b.Get("missing"));
  KV_EXPECT(!v, "got " + Show(v));
  KV_TRY(bool e, b.Exists("missing"));
  KV_EXPECT(!e, "exists says true");
  return Outcome::Pass();
}

Outcome DeleteMissing(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "delete-missing")));
  KV_OK(b.Delete("never-set"));
  return Outcome::Pass();
}

Outcome RoundTrip(const Options& o, std::string_view bucket, std::string_view key,
                  const Bytes& value) {
  KV_TRY(auto b, Open(o, Bucket(o, bucket)));
  KV_OK(b.Set(key, value));
  KV_TRY(auto v, b.Get(key));
  KV_EXPECT(v && *v == value, "wrote " + Show(value) + ", read " + Show(v));
  KV_TRY(bool e, b.Exists(key));
  KV_EXPECT(e, "exists says false after set");
  return Outcome::Pass();
}

Outcome EmptyValue(const Options& o) { return RoundTrip(o, "empty-value", "k", {}); }
Outcome BinaryValue(const Options& o) {
  return RoundTrip(o, "binary-value", "k", Bytes{0, 1, 0, 255, 0, 0, 128});
}
Outcome MegabyteValue(const Options& o) {
  Bytes big(1 << 20);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 31 + 7);
  return RoundTrip(o, "megabyte-value", "big", big);
}

Outcome Overwrite(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "overwrite")));
  KV_OK(b.Set("k", AsBytes("first")));
  KV_OK(b.Set("k", AsBytes("second, longer")));
  KV_OK(b.Set("k", AsBytes("3")));
  KV_TRY(auto v, b.Get("k"));
  KV_EXPECT(v && *v == Text("3"), "read " + Show(v));
  return Outcome::Pass();
}

Outcome DeleteThenGet(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "delete-then-get")));
  KV_OK(b.Set("k", AsBytes("v")));
  KV_OK(b.Delete("k"));
  KV_TRY(auto v, b.Get("k"));
  KV_EXPECT(!v, "get after delete: " + Show(v));
  KV_TRY(bool e, b.Exists("k"));
  KV_EXPECT(!e, "exists after delete");
  return Outcome::Pass();
}

Outcome KeyCase(const Options& o, std::string_view name, std::string_view key) {
  std::string bucket = "key-" + std::string(name);
  Outcome r = RoundTrip(o, bucket, key, Text("value of " + std::string(name)));
  if (r.kind != Outcome::Kind::kPass) return r;
  // The key must also list as itself.
  KV_TRY(auto b, Open(o, Bucket(o, bucket)));
  KV_TRY(Walk w, WalkAll(b, o));
  KV_EXPECT(w.seen.size() == 1 && w.seen.begin()->first == key, "list-keys does not show the key");
  return Outcome::Pass();
}
Outcome KeyEmpty(const Options& o) { return KeyCase(o, "empty", ""); }
Outcome KeySlash(const Options& o) { return KeyCase(o, "slash", "a/b/"); }
Outcome KeyDotDot(const Options& o) { return KeyCase(o, "dotdot", "../.."); }
Outcome KeyColon(const Options& o) { return KeyCase(o, "colon", "a:b"); }
Outcome KeyStar(const Options& o) { return KeyCase(o, "star", "*"); }
Outcome KeyQuestion(const Options& o) { return KeyCase(o, "question", "a?"); }
Outcome KeyBracket(const Options& o) { return KeyCase(o, "bracket", "[a-z]"); }
Outcome KeyNewline(const Options& o) { return KeyCase(o, "newline", "line\nbreak"); }
Outcome KeyUnicode(const Options& o) { return KeyCase(o, "unicode", "ключ-鍵-🔑"); }
Outcome Key4KiB(const Options& o) { return KeyCase(o, "4kib", std::string(4096, 'k')); }

// ---- buckets ----

Outcome SameNameSharesWrites(const Options& o) {
  KV_TRY(auto a, Open(o, Bucket(o, "shared")));
  KV_TRY(auto b, Open(o, Bucket(o, "shared")));
  KV_OK(a.Set("k", AsBytes("from a")));
  KV_TRY(auto v, b.Get("k"));
  KV_EXPECT(v && *v == Text("from a"), "second handle read " + Show(v));
  KV_OK(b.Delete("k"));
  KV_TRY(bool e, a.Exists("k"));
  KV_EXPECT(!e, "first handle still sees a key the second deleted");
  return Outcome::Pass();
}

Outcome ReopenKeepsData(const Options& o) {
  {
    KV_TRY(auto a, Open(o, Bucket(o, "reopen")));
    KV_OK(a.Set("k", AsBytes("kept")));
  }  // the handle is dropped here
  KV_TRY(auto b, Open(o, Bucket(o, "reopen")));
  KV_TRY(auto v, b.Get("k"));
  KV_EXPECT(v && *v == Text("kept"), "after reopen: " + Show(v));
  return Outcome::Pass();
}

Outcome BucketsAreIsolated(const Options& o) {
  const std::vector<std::string> names = {"iso",  "iso-",  "iso-a",  "iso-ab", "iso:", "iso:a",
                                          "iso*", "iso/a", "iso/..", "iso?",   "iso["};
  for (const auto& n : names) {
    KV_TRY(auto b, Open(o, Bucket(o, n)));
    KV_OK(b.Set("same-key", AsBytes(n)));
  }
  for (const auto& n : names) {
    KV_TRY(auto b, Open(o, Bucket(o, n)));
    KV_TRY(auto v, b.Get("same-key"));
    KV_EXPECT(v && *v == Text(n), "bucket `" + n + "` reads " + Show(v));
    KV_TRY(Walk w, WalkAll(b, o));
    KV_EXPECT(w.seen.size() == 1,
              "bucket `" + n + "` lists " + std::to_string(w.seen.size()) + " keys, expected 1");
  }
  return Outcome::Pass();
}

// ---- list-keys ----

Outcome ListEmpty(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "list-empty")));
  KV_TRY(kv::KeyPage page, b.ListKeys(std::nullopt));
  KV_EXPECT(page.keys.empty(), "an empty bucket listed keys");
  KV_EXPECT(!page.cursor, "an empty bucket returned a cursor");
  return Outcome::Pass();
}

Outcome WalkOf(const Options& o, std::string_view name, size_t n) {
  std::string bucket = "walk-" + std::string(name);
  KV_TRY(auto b, Open(o, Bucket(o, bucket)));
  std::vector<std::string> keys;
  for (size_t i = 0; i < n; ++i) keys.push_back("key-" + std::to_string(i));
  for (size_t start = 0; start < n; start += 1000) {
    std::vector<kv::KeyValueView> pairs;
    for (size_t i = start; i < std::min(n, start + 1000); ++i) pairs.push_back({keys[i], {}});
    KV_OK(b.SetMany(pairs));
  }
  KV_TRY(Walk w, WalkAll(b, o));
  KV_EXPECT(w.seen.size() == n,
            "walked " + std::to_string(w.seen.size()) + " keys of " + std::to_string(n));
  for (const auto& [k, count] : w.seen) {
    KV_EXPECT(count == 1, "key `" + k + "` seen " + std::to_string(count) + " times");
  }
  return Outcome::Pass();
}
Outcome Walk0(const Options& o) { return WalkOf(o, "0", 0); }
Outcome Walk1(const Options& o) { return WalkOf(o, "1", 1); }
Outcome WalkPageMinus1(const Options& o) { return WalkOf(o, "page-1", o.page_keys - 1); }
Outcome WalkPage(const Options& o) { return WalkOf(o, "page", o.page_keys); }
Outcome WalkPagePlus1(const Options& o) { return WalkOf(o, "page+1", o.page_keys + 1); }
Outcome Walk10Pages(const Options& o) { return WalkOf(o, "10-pages", 10 * o.page_keys); }

Outcome WalkDuringChanges(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "walk-churn")));
  size_t n = 3 * o.page_keys;
  for (size_t i = 0; i < n; ++i) {
    KV_OK(b.Set("stable-" + std::to_string(i), AsBytes("v")));
    KV_OK(b.Set("doomed-" + std::to_string(i), AsBytes("v")));
  }
  size_t added = 0;
  KV_TRY(Walk w, WalkAll(b, o, [&](size_t page) -> util::Status {
           for (size_t i = 0; i < o.page_keys / 2; ++i) {
             RETURN_IF_ERROR(b.Delete("doomed-" + std::to_string(page * o.page_keys + i)));
             RETURN_IF_ERROR(b.Set("added-" + std::to_string(added++), AsBytes("v")));
           }
           // Overwrites of stable keys are not additions.
           return b.Set("stable-" + std::to_string(page), AsBytes("changed"));
         }));
  for (size_t i = 0; i < n; ++i) {
    std::string k = "stable-" + std::to_string(i);
    auto it = w.seen.find(k);
    int count = it == w.seen.end() ? 0 : it->second;
    KV_EXPECT(count == 1, "stable key `" + k + "` seen " + std::to_string(count) + " times");
  }
  return Outcome::Pass();
}

Outcome InventedCursors(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "cursors")));
  for (int i = 0; i < 10; ++i) KV_OK(b.Set("k" + std::to_string(i), AsBytes("v")));
  // Numbers a store could hand out, and under draft2 text no store of ours does.
  std::vector<std::string> invented = {"0", "7", "123456789", "18446744073709551614",
                                       "18446744073709551615"};
  if (Draft2(o)) {
    for (const char* text : {"", "abc", "-1", "01", "1e3", "99999999999999999999999", "\xC3\xA9",
                             " 7", "7 "}) {
      invented.emplace_back(text);
    }
    invented.push_back(std::string(5000, '9'));
  }
  for (const std::string& c : invented) {
    auto page = b.ListKeysText(c);  // a clean page or a clean error: both are fine
    if (page.ok()) {
      KV_EXPECT(page->keys.size() <= o.page_keys, "an oversize page");
      size_t bytes = 0;
      for (auto& k : page->keys) bytes += k.size();
      KV_EXPECT(bytes <= o.page_bytes || page->keys.size() == 1, "a page over the page bytes");
    }
  }
  KV_TRY(Walk again, WalkAll(b, o));
  KV_EXPECT(again.seen.size() == 10, "the bucket lists " + std::to_string(again.seen.size()) +
                                         " keys after invented cursors");
  return Outcome::Pass();
}

// ---- atomics ----

Outcome IncrementMissing(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "inc-missing")));
  KV_TRY(uint64_t v, b.Increment("n", 5));
  KV_EXPECT(v == 5, "a missing key incremented by 5 gave " + std::to_string(v));
  return Outcome::Pass();
}

Outcome IncrementRepeated(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "inc-repeated")));
  uint64_t want = 0;
  for (uint64_t d : {1u, 2u, 3u, 0u, 1000u}) {
    want += d;
    KV_TRY(uint64_t v, b.Increment("n", d));
    KV_EXPECT(v == want, "expected " + std::to_string(want) + ", got " + std::to_string(v));
  }
  return Outcome::Pass();
}

Outcome IncrementReadsAsDecimal(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "inc-decimal")));
  KV_TRY(uint64_t v, b.Increment("n", 1234567));
  (void)v;
  KV_TRY(auto text, b.Get("n"));
  KV_EXPECT(text && *text == Text("1234567"), "the counter reads back as " + Show(text));
  KV_OK(b.Set("m", AsBytes("41")));
  KV_TRY(uint64_t m, b.Increment("m", 1));
  KV_EXPECT(m == 42, "a decimal value set by hand incremented to " + std::to_string(m));
  return Outcome::Pass();
}

Outcome IncrementNonNumeric(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "inc-text")));
  for (std::string_view bad : {"hello", "", "+1", "-0", "01", "1.5", " 7", "7 "}) {
    KV_OK(b.Set("n", AsBytes(bad)));
    auto r = b.Increment("n", 1);
    KV_EXPECT(!r.ok(), "incrementing `" + std::string(bad) + "` succeeded");
    KV_EXPECT(r.status().code() == util::Code::kUnknown, "expected error::other");
    KV_TRY(auto v, b.Get("n"));
    KV_EXPECT(v && *v == Text(bad), "the value changed to " + Show(v));
  }
  return Outcome::Pass();
}

// A provider's error message names the key, shortened; the shortening must not cut a character
// (wasmtime traps on a string that is not UTF-8, jco shows U+FFFD). Here `é` spans bytes 63-64.
Outcome ErrorMessageIsUtf8(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "inc-utf8")));
  std::string key = std::string(63, 'k') + "\xC3\xA9" + std::string(100, 'k');
  KV_OK(b.Set(key, AsBytes("not a number")));
  auto r = b.Increment(key, 1);
  KV_EXPECT(!r.ok(), "incrementing text succeeded");
  const std::string& m = r.status().message();
  KV_EXPECT(util::IsValidUtf8(m), "the error message is not UTF-8: " + m);
  KV_EXPECT(m.find("\xEF\xBF\xBD") == std::string::npos, "the error message holds U+FFFD: " + m);
  return Outcome::Pass();
}

Outcome IncrementOverflow(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "inc-overflow")));
  KV_OK(b.Set("n", AsBytes("18446744073709551615")));
  auto r = b.Increment("n", 1);
  KV_EXPECT(!r.ok(), "2^64-1 + 1 succeeded with " + std::to_string(r.ok() ? *r : 0));
  KV_TRY(auto v, b.Get("n"));
  KV_EXPECT(v && *v == Text("18446744073709551615"), "the value changed to " + Show(v));
  return Outcome::Pass();
}

// ---- atomics of draft2: signed counters ----

Outcome IncrementNegative(const Options& o) {
  if (!Draft2(o)) return Outcome::Skip("draft's increment takes a u64");
  KV_TRY(auto b, Open(o, Bucket(o, "inc-negative")));
  KV_TRY(int64_t v, b.IncrementSigned("n", -5));
  KV_EXPECT(v == -5, "a missing key incremented by -5 gave " + std::to_string(v));
  KV_TRY(v, b.IncrementSigned("n", 3));
  KV_EXPECT(v == -2, "-5 + 3 gave " + std::to_string(v));
  KV_TRY(auto text, b.Get("n"));
  KV_EXPECT(text && *text == Text("-2"), "the counter reads back as " + Show(text));
  KV_OK(b.Set("m", AsBytes("-41")));
  KV_TRY(v, b.IncrementSigned("m", -1));
  KV_EXPECT(v == -42, "-41 set by hand, incremented by -1, gave " + std::to_string(v));
  return Outcome::Pass();
}

// Each sum outside -2^63..2^63-1 is an error that leaves the value as it was.
Outcome IncrementSignedLimits(const Options& o) {
  if (!Draft2(o)) return Outcome::Skip("draft's increment takes a u64");
  KV_TRY(auto b, Open(o, Bucket(o, "inc-signed-limits")));
  struct Limit {
    const char* stored;
    int64_t delta;
  };
  for (const Limit& l : {Limit{"9223372036854775807", 1}, Limit{"-9223372036854775808", -1},
                         Limit{"9223372036854775808", 0}, Limit{"18446744073709551615", -1}}) {
    KV_OK(b.Set("n", AsBytes(l.stored)));
    auto r = b.IncrementSigned("n", l.delta);
    KV_EXPECT(!r.ok(), std::string(l.stored) + " + " + std::to_string(l.delta) +
                           " succeeded with " + std::to_string(r.ok() ? *r : 0));
    KV_EXPECT(r.status().code() == util::Code::kUnknown, "expected error::other");
    KV_TRY(auto v, b.Get("n"));
    KV_EXPECT(v && *v == Text(l.stored), "the value changed to " + Show(v));
  }
  // A counter above 2^63-1, as draft's u64 increment may leave it, can be brought back in range.
  KV_OK(b.Set("n", AsBytes("9223372036854775808")));
  KV_TRY(int64_t v, b.IncrementSigned("n", -1));
  KV_EXPECT(v == INT64_MAX, "2^63 - 1 gave " + std::to_string(v));
  KV_TRY(v, b.IncrementSigned("fresh", INT64_MIN));
  KV_EXPECT(v == INT64_MIN, "a missing key incremented by -2^63 gave " + std::to_string(v));
  return Outcome::Pass();
}

// ---- versions: one store behind both ----

// Whatever the run's version, these open the same bucket through both.
Outcome VersionsShareData(const Options& o) {
  std::string name = Bucket(o, "versions-data");
  KV_TRY(auto d1, ImportedBucket::Open(name, Contract::kDraft));
  KV_TRY(auto d2, ImportedBucket::Open(name, Contract::kDraft2));
  KV_OK(d1.Set("from-draft", AsBytes("one")));
  KV_OK(d2.Set("from-draft2", AsBytes("two")));
  KV_TRY(auto a, d2.Get("from-draft"));
  KV_EXPECT(a && *a == Text("one"), "draft2 reads draft's write as " + Show(a));
  KV_TRY(auto b, d1.Get("from-draft2"));
  KV_EXPECT(b && *b == Text("two"), "draft reads draft2's write as " + Show(b));
  KV_OK(d2.Delete("from-draft"));
  KV_TRY(bool gone, d1.Exists("from-draft"));
  KV_EXPECT(!gone, "draft still sees a key draft2 deleted");
  KV_TRY(auto w1, WalkAll(d1, o));
  KV_TRY(auto w2, WalkAll(d2, o));
  KV_EXPECT(w1.seen == w2.seen, "the two versions list different keys");
  return Outcome::Pass();
}

Outcome VersionsShareCounters(const Options& o) {
  std::string name = Bucket(o, "versions-counters");
  KV_TRY(auto d1, ImportedBucket::Open(name, Contract::kDraft));
  KV_TRY(auto d2, ImportedBucket::Open(name, Contract::kDraft2));
  KV_TRY(uint64_t u, d1.Increment("n", 40));
  KV_TRY(int64_t s, d2.IncrementSigned("n", 2));
  KV_EXPECT(u == 40 && s == 42, "draft 40 then draft2 +2 gave " + std::to_string(s));
  KV_TRY(s, d2.IncrementSigned("n", -50));
  KV_EXPECT(s == -8, "42 - 50 gave " + std::to_string(s));
  KV_TRY(u, d1.Increment("n", 10));  // draft counts on from a negative counter
  KV_EXPECT(u == 2, "-8 + 10 through draft gave " + std::to_string(u));
  KV_OK(d2.IncrementSigned("n", -3).status());
  auto negative = d1.Increment("n", 0);  // -1: no u64 can carry it
  KV_EXPECT(!negative.ok(), "draft returned a u64 for the counter -1");
  KV_TRY(auto text, d1.Get("n"));
  KV_EXPECT(text && *text == Text("-1"), "the counter reads " + Show(text));
  return Outcome::Pass();
}

// ---- compare-and-swap (draft2) ----

// `bucket`'s cas on `key`, then `change` (through any version), then a swap that must fail; the
// handle that comes back must see the change and its swap must succeed.
Outcome SwapAfter(const Options& o, std::string_view name,
                  const std::function<util::Status(ImportedBucket&, ImportedBucket&)>& change,
                  std::optional<std::string_view> initial = "before") {
  if (!Draft2(o)) return Outcome::Skip("compare-and-swap is draft2's");
  std::string bucket = Bucket(o, name);
  KV_TRY(auto b, Open(o, bucket));
  KV_TRY(auto other, ImportedBucket::Open(bucket, Contract::kDraft));  // another version too
  if (initial) KV_OK(b.Set("k", AsBytes(*initial)));
  KV_TRY(ImportedCas cas, ImportedCas::New(b, "k"));
  KV_OK(change(b, other));
  KV_TRY(auto after, b.Get("k"));
  KV_TRY(auto failed, ImportedCas::Swap(std::move(cas), AsBytes("swapped")));
  KV_EXPECT(failed.has_value(), "the swap wrote over a change made since the cas");
  KV_TRY(auto now, b.Get("k"));
  KV_EXPECT(now == after, "a failed swap changed the value to " + Show(now));
  KV_TRY(auto seen, failed->Current());
  KV_EXPECT(seen == after, "the handle from cas-failed sees " + Show(seen) + ", the key holds " +
                               Show(after));
  KV_TRY(auto retried, ImportedCas::Swap(std::move(*failed), AsBytes("retried")));
  KV_EXPECT(!retried.has_value(), "the retry with the returned handle failed");
  KV_TRY(auto last, b.Get("k"));
  KV_EXPECT(last && *last == Text("retried"), "after the retry the key reads " + Show(last));
  return Outcome::Pass();
}

Outcome CasExistingKey(const Options& o) {
  if (!Draft2(o)) return Outcome::Skip("compare-and-swap is draft2's");
  KV_TRY(auto b, Open(o, Bucket(o, "cas-existing")));
  KV_OK(b.Set("k", AsBytes("old")));
  KV_TRY(ImportedCas cas, ImportedCas::New(b, "k"));
  KV_TRY(auto seen, cas.Current());
  KV_EXPECT(seen && *seen == Text("old"), "current() gave " + Show(seen));
  KV_TRY(auto seen_again, cas.Current());
  KV_EXPECT(seen_again == seen, "a second current() gave " + Show(seen_again));
  KV_TRY(auto failed, ImportedCas::Swap(std::move(cas), AsBytes("new")));
  KV_EXPECT(!failed.has_value(), "a swap with nothing changed failed");
  KV_TRY(auto v, b.Get("k"));
  KV_EXPECT(v && *v == Text("new"), "after the swap the key reads " + Show(v));
  return Outcome::Pass();
}

Outcome CasMissingKey(const Options& o) {
  if (!Draft2(o)) return Outcome::Skip("compare-and-swap is draft2's");
  KV_TRY(auto b, Open(o, Bucket(o, "cas-missing")));
  KV_TRY(ImportedCas cas, ImportedCas::New(b, "k"));
  KV_TRY(auto seen, cas.Current());
  KV_EXPECT(!seen, "current() of a missing key gave " + Show(seen));
  KV_TRY(auto failed, ImportedCas::Swap(std::move(cas), AsBytes("created")));
  KV_EXPECT(!failed.has_value(), "swapping a missing key into existence failed");
  KV_TRY(auto v, b.Get("k"));
  KV_EXPECT(v && *v == Text("created"), "after the swap the key reads " + Show(v));
  return Outcome::Pass();
}

// Handles made and dropped unswapped must not crowd out live ones: a provider may bound the
// handles it keeps (kv-prefix holds the `cas` handles of the provider below it), and then the
// oldest must go first. After 100 unused handles and 300 swaps, two handles held at once both
// swap.
Outcome CasAfterManyUnusedHandles(const Options& o) {
  if (!Draft2(o)) return Outcome::Skip("compare-and-swap is draft2's");
  KV_TRY(auto b, Open(o, Bucket(o, "cas-unused")));
  for (int i = 0; i < 100; ++i) {
    KV_TRY(ImportedCas unused, ImportedCas::New(b, "unused"));
  }
  for (int i = 0; i < 300; ++i) {
    KV_TRY(ImportedCas cas, ImportedCas::New(b, "k"));
    KV_TRY(auto failed, ImportedCas::Swap(std::move(cas), AsBytes(std::to_string(i))));
    KV_EXPECT(!failed.has_value(), "swap " + std::to_string(i) + " failed with nothing changed");
  }
  KV_TRY(ImportedCas first, ImportedCas::New(b, "k"));
  KV_TRY(ImportedCas second, ImportedCas::New(b, "k2"));
  KV_TRY(auto first_failed, ImportedCas::Swap(std::move(first), AsBytes("first")));
  KV_EXPECT(!first_failed.has_value(), "the first of two held handles failed to swap");
  KV_TRY(auto second_failed, ImportedCas::Swap(std::move(second), AsBytes("second")));
  KV_EXPECT(!second_failed.has_value(), "the second of two held handles failed to swap");
  KV_TRY(auto v, b.Get("k"));
  KV_EXPECT(v && *v == Text("first"), "after the swaps `k` reads " + Show(v));
  return Outcome::Pass();
}

Outcome CasAfterSet(const Options& o) {
  return SwapAfter(o, "cas-after-set", [](ImportedBucket&, ImportedBucket& other) {
    return other.Set("k", AsBytes("changed"));
  });
}
Outcome CasAfterSameValueSet(const Options& o) {
  return SwapAfter(o, "cas-after-same-set", [](ImportedBucket& b, ImportedBucket&) {
    return b.Set("k", AsBytes("before"));
  });
}
Outcome CasAfterDelete(const Options& o) {
  return SwapAfter(o, "cas-after-delete",
                   [](ImportedBucket& b, ImportedBucket&) { return b.Delete("k"); });
}
Outcome CasAfterIncrement(const Options& o) {
  return SwapAfter(
      o, "cas-after-increment",
      [](ImportedBucket& b, ImportedBucket&) { return b.IncrementSigned("k", 1).status(); }, "41");
}
Outcome CasAfterBatch(const Options& o) {
  return SwapAfter(o, "cas-after-batch", [](ImportedBucket&, ImportedBucket& other) {
    const kv::KeyValueView pairs[] = {{"k", AsBytes("from a batch")}, {"j", AsBytes("x")}};
    return other.SetMany(pairs);
  });
}
Outcome CasMissingAfterSetAndDelete(const Options& o) {
  return SwapAfter(
      o, "cas-missing-set-deleted",
      [](ImportedBucket& b, ImportedBucket&) {
        RETURN_IF_ERROR(b.Set("k", AsBytes("briefly")));
        return b.Delete("k");
      },
      std::nullopt);
}

// ---- batch ----

Outcome GetManyPositional(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "get-many")));
  KV_OK(b.Set("a", AsBytes("1")));
  KV_OK(b.Set("b", AsBytes("2")));
  const std::string_view keys[] = {"b", "missing", "a", "b", ""};
  KV_TRY(auto got, b.GetMany(keys));
  KV_EXPECT(got.size() == 5, "expected 5 results, got " + std::to_string(got.size()));
  KV_EXPECT(got[0] && got[0]->first == "b" && got[0]->second == Text("2"), "position 0 wrong");
  KV_EXPECT(!got[1], "a missing key gave a value");
  KV_EXPECT(got[2] && got[2]->first == "a" && got[2]->second == Text("1"), "position 2 wrong");
  KV_EXPECT(got[3] && got[3]->second == Text("2"), "a duplicate key was not answered");
  KV_EXPECT(!got[4], "the missing empty key gave a value");
  KV_TRY(auto none, b.GetMany({}));
  KV_EXPECT(none.empty(), "an empty get-many returned results");
  return Outcome::Pass();
}

Outcome SetManyThenGet(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "set-many")));
  const kv::KeyValueView pairs[] = {{"x", AsBytes("1")}, {"y", {}}, {"", AsBytes("empty key")}};
  KV_OK(b.SetMany(pairs));
  for (const auto& p : pairs) {
    KV_TRY(auto v, b.Get(p.key));
    KV_EXPECT(v && *v == Bytes(p.value.begin(), p.value.end()),
              "`" + std::string(p.key) + "` reads " + Show(v));
  }
  KV_OK(b.SetMany({}));
  return Outcome::Pass();
}

Outcome DeleteManyWithMissing(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "delete-many")));
  KV_OK(b.Set("x", AsBytes("1")));
  KV_OK(b.Set("keep", AsBytes("1")));
  const std::string_view keys[] = {"x", "never-there", "x"};
  KV_OK(b.DeleteMany(keys));
  KV_TRY(bool x, b.Exists("x"));
  KV_EXPECT(!x, "a deleted key remains");
  KV_TRY(bool keep, b.Exists("keep"));
  KV_EXPECT(keep, "a key not named was deleted");
  KV_OK(b.DeleteMany({}));
  return Outcome::Pass();
}

Outcome TenThousandKeyBatch(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "batch-10000")));
  std::vector<std::string> keys;
  for (int i = 0; i < 10000; ++i) keys.push_back("k" + std::to_string(i));
  std::vector<kv::KeyValueView> pairs;
  for (const auto& k : keys) pairs.push_back({k, AsBytes(k)});
  util::Status set = b.SetMany(pairs);
  if (!set.ok()) {
    // Failing cleanly is allowed; the bucket must still work.
    KV_OK(b.Set("after", AsBytes("ok")));
    return Outcome::Pass();
  }
  std::vector<std::string_view> views(keys.begin(), keys.end());
  KV_TRY(auto got, b.GetMany(views));
  KV_EXPECT(got.size() == keys.size(), "wrong result count");
  for (size_t i = 0; i < keys.size(); ++i) {
    KV_EXPECT(got[i] && got[i]->second == Text(keys[i]), "key `" + keys[i] + "` reads wrong");
  }
  KV_OK(b.DeleteMany(views));
  return Outcome::Pass();
}

// ---- limits ----

Outcome OversizeKey(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "limit-key")));
  std::string key(o.max_key_bytes + 1, 'k');
  util::Status s = b.Set(key, AsBytes("v"));
  KV_EXPECT(!s.ok(), "a key of " + std::to_string(key.size()) + " bytes was accepted");
  KV_EXPECT(s.message().find("limit") != std::string::npos,
            "the error names no limit: " + s.message());
  KV_OK(b.Set("normal", AsBytes("still works")));
  KV_TRY(auto v, b.Get("normal"));
  KV_EXPECT(v && *v == Text("still works"), "the bucket is unusable after the error");
  return Outcome::Pass();
}

Outcome OversizeValue(const Options& o) {
  KV_TRY(auto b, Open(o, Bucket(o, "limit-value")));
  Bytes big(static_cast<size_t>(o.max_value_bytes) + 1, 'v');
  util::Status s = b.Set("big", big);
  KV_EXPECT(!s.ok(), "a value of " + std::to_string(big.size()) + " bytes was accepted");
  KV_EXPECT(s.message().find("limit") != std::string::npos,
            "the error names no limit: " + s.message());
  KV_TRY(bool e, b.Exists("big"));
  KV_EXPECT(!e, "the refused value was stored");
  KV_OK(b.Set("normal", AsBytes("still works")));
  return Outcome::Pass();
}

// ---- persistence, across two processes ----

Outcome PersistAcrossProcesses(const Options& o) {
  if (o.phase.empty()) {
    return Outcome::Skip("needs two processes: run with --phase write, then --phase verify");
  }
  const Bytes binary = {0, 255, 1, 0, 7};
  if (o.phase == "write") {
    KV_TRY(auto b, Open(o, Bucket(o, "persist")));
    for (int i = 0; i < 100; ++i)
      KV_OK(b.Set("key-" + std::to_string(i), Text("value " + std::to_string(i))));
    KV_OK(b.Set("binary", binary));
    KV_OK(b.Set("gone", AsBytes("x")));
    KV_OK(b.Delete("gone"));
    KV_TRY(uint64_t n, b.Increment("counter", 3));
    (void)n;
    const kv::KeyValueView pairs[] = {{"batch-a", AsBytes("A")}, {"batch-b", AsBytes("B")}};
    KV_OK(b.SetMany(pairs));
    return Outcome::Pass();
  }
  if (o.phase != "verify") return Outcome::Skip("phase `" + o.phase + "` has no persistence step");
  KV_TRY(auto b, Open(o, Bucket(o, "persist")));
  for (int i = 0; i < 100; ++i) {
    KV_TRY(auto v, b.Get("key-" + std::to_string(i)));
    KV_EXPECT(v && *v == Text("value " + std::to_string(i)),
              "key-" + std::to_string(i) + " reads " + Show(v));
  }
  KV_TRY(auto bin, b.Get("binary"));
  KV_EXPECT(bin && *bin == binary, "the binary value reads " + Show(bin));
  KV_TRY(bool gone, b.Exists("gone"));
  KV_EXPECT(!gone, "a deleted key came back");
  KV_TRY(auto counter, b.Get("counter"));
  KV_EXPECT(counter && *counter == Text("3"), "the counter reads " + Show(counter));
  KV_TRY(auto a, b.Get("batch-a"));
  KV_EXPECT(a && *a == Text("A"), "batch-a reads " + Show(a));
  return Outcome::Pass();
}

// The phases report a failure as one `ERROR <message>` line and exit 1.
int PrintError(const util::Status& s) {
  std::printf("ERROR %s\n", s.ToString().c_str());
  std::fflush(stdout);
  return 1;
}

}  // namespace

namespace {
uint64_t Millis(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}
}  // namespace

int RunWriter(const Options& o) {
  auto b = Open(o, Bucket(o, "kill"));
  if (!b.ok()) return PrintError(b.status());
  // Keys `w/<run>/<n>`: several writers, one after another, share the bucket.
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  std::string run = std::to_string(ts.tv_sec) + "." + std::to_string(ts.tv_nsec);
  const uint64_t start = Millis(CLOCK_MONOTONIC);
  for (int n = 0; n < 10000000; ++n) {
    if (o.seconds != 0 && Millis(CLOCK_MONOTONIC) - start >= uint64_t{o.seconds} * 1000) break;
    std::string id = run + "/" + std::to_string(n);
    const uint64_t before = Millis(CLOCK_MONOTONIC);
    util::Status s = b->Set("w/" + id, Text("value " + std::to_string(n)));
    if (!s.ok()) {
      std::printf("ERROR %s (after %llu ms, at %llu)\n", s.ToString().c_str(),
                  static_cast<unsigned long long>(Millis(CLOCK_MONOTONIC) - before),
                  static_cast<unsigned long long>(Millis(CLOCK_REALTIME)));
      std::fflush(stdout);
      if (!o.keep_going) return 1;
      timespec pause{0, 100 * 1000 * 1000};
      nanosleep(&pause, nullptr);
      --n;  // the same key again
      continue;
    }
    std::printf("ACK %s\n", id.c_str());
    std::fflush(stdout);
  }
  return 0;
}

int RunReader(const Options& o) {
  auto b = Open(o, Bucket(o, "kill"));
  if (!b.ok()) return PrintError(b.status());
  std::optional<uint64_t> cursor;
  do {
    auto page = b->ListKeys(cursor);
    if (!page.ok()) return PrintError(page.status());
    for (const std::string& key : page->keys) {
      auto v = b->Get(key);
      std::string id = key.substr(2);
      std::string n = id.substr(id.rfind('/') + 1);
      bool good = v.ok() && *v && **v == Text("value " + n);
      std::printf("%s %s\n", good ? "HAVE" : "BAD", id.c_str());
    }
    cursor = page->cursor;
  } while (cursor);
  return 0;
}

util::Status AwaitBarrier(ImportedBucket& b, uint32_t processes);  // below

int RunIncrementer(const Options& o) {
  auto b = Open(o, Bucket(o, "count"));
  if (!b.ok()) return PrintError(b.status());
  if (auto s = AwaitBarrier(*b, o.barrier); !s.ok()) return PrintError(s);
  uint64_t last = 0;
  for (uint32_t i = 0; i < o.times; ++i) {
    auto v = b->Increment("counter", 1);
    if (!v.ok()) return PrintError(v.status());
    last = *v;
  }
  std::printf("DONE %llu\n", static_cast<unsigned long long>(last));
  return 0;
}

// With `--barrier N`: counts this process in, then waits until N processes have (up to 60 s), so
// that racing processes start their loops together whatever their start-up took.
util::Status AwaitBarrier(ImportedBucket& b, uint32_t processes) {
  if (processes == 0) return util::Status::Ok();
  RETURN_IF_ERROR(b.Increment("ready", 1).status());
  timespec start{}, now{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    ASSIGN_OR_RETURN(auto ready, b.Get("ready"));
    if (ready && std::stoull(std::string(ready->begin(), ready->end())) >= processes) {
      return util::Status::Ok();
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec > 60) {
      return util::IOError("the other processes did not arrive at the barrier within 60 s");
    }
  }
}

int RunCasIncrementer(const Options& o) {
  auto b = ImportedBucket::Open(Bucket(o, "count"), Contract::kDraft2);
  if (!b.ok()) return PrintError(b.status());
  if (auto s = AwaitBarrier(*b, o.barrier); !s.ok()) return PrintError(s);
  uint64_t last = 0, retries = 0;
  for (uint32_t i = 0; i < o.times; ++i) {
    auto cas = ImportedCas::New(*b, "counter");
    if (!cas.ok()) return PrintError(cas.status());
    for (;;) {
      auto seen = cas->Current();
      if (!seen.ok()) return PrintError(seen.status());
      uint64_t n = 0;
      if (*seen) {
        std::string text(reinterpret_cast<const char*>((*seen)->data()), (*seen)->size());
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc() || end != text.data() + text.size()) {
          return PrintError(util::InvalidArgument("the counter reads `" + text + "`"));
        }
      }
      auto swapped = ImportedCas::Swap(std::move(cas).value(), AsBytes(std::to_string(n + 1)));
      if (!swapped.ok()) return PrintError(swapped.status());
      if (!swapped->has_value()) {
        last = n + 1;
        break;
      }
      ++retries;
      cas = std::move(**swapped);
    }
  }
  std::printf("DONE %llu RETRIES %llu\n", static_cast<unsigned long long>(last),
              static_cast<unsigned long long>(retries));
  return 0;
}

const std::vector<Case>& AllCases() {
  static const std::vector<Case> cases = {
      {"store", "open-default-bucket", OpenDefault},
      {"store", "open-named-bucket", OpenNamed},
      {"store", "get-and-exists-of-missing-key", GetMissing},
      {"store", "delete-of-missing-key-is-ok", DeleteMissing},
      {"store", "empty-value-round-trip", EmptyValue},
      {"store", "binary-value-with-zero-bytes", BinaryValue},
      {"store", "one-mebibyte-value", MegabyteValue},
      {"store", "overwrite", Overwrite},
      {"store", "delete-then-get-and-exists", DeleteThenGet},
      {"store", "key-empty", KeyEmpty},
      {"store", "key-with-slash", KeySlash},
      {"store", "key-dot-dot", KeyDotDot},
      {"store", "key-with-colon", KeyColon},
      {"store", "key-star", KeyStar},
      {"store", "key-with-question-mark", KeyQuestion},
      {"store", "key-with-bracket", KeyBracket},
      {"store", "key-with-newline", KeyNewline},
      {"store", "key-non-ascii", KeyUnicode},
      {"store", "key-4-kib", Key4KiB},
      {"buckets", "same-name-shares-writes", SameNameSharesWrites},
      {"buckets", "reopen-after-drop-keeps-data", ReopenKeepsData},
      {"buckets", "names-are-isolated", BucketsAreIsolated},
      {"list-keys", "empty-bucket", ListEmpty},
      {"list-keys", "walk-0-keys", Walk0},
      {"list-keys", "walk-1-key", Walk1},
      {"list-keys", "walk-page-minus-1-keys", WalkPageMinus1},
      {"list-keys", "walk-page-keys", WalkPage},
      {"list-keys", "walk-page-plus-1-keys", WalkPagePlus1},
      {"list-keys", "walk-10-pages", Walk10Pages},
      {"list-keys", "walk-while-keys-change", WalkDuringChanges},
      {"list-keys", "invented-cursors", InventedCursors},
      {"atomics", "increment-missing-starts-at-0", IncrementMissing},
      {"atomics", "increment-repeated", IncrementRepeated},
      {"atomics", "counter-reads-as-decimal", IncrementReadsAsDecimal},
      {"atomics", "increment-non-numeric-is-error", IncrementNonNumeric},
      {"atomics", "increment-overflow-is-error", IncrementOverflow},
      {"atomics", "error-message-is-utf8", ErrorMessageIsUtf8},
      {"atomics", "increment-negative-delta", IncrementNegative},
      {"atomics", "increment-signed-limits", IncrementSignedLimits},
      {"versions", "both-versions-share-data", VersionsShareData},
      {"versions", "both-versions-share-counters", VersionsShareCounters},
      {"cas", "swap-existing-key", CasExistingKey},
      {"cas", "swap-missing-key-creates-it", CasMissingKey},
      {"cas", "swap-after-many-unused-handles", CasAfterManyUnusedHandles},
      {"cas", "fails-after-a-set", CasAfterSet},
      {"cas", "fails-after-a-set-of-the-same-value", CasAfterSameValueSet},
      {"cas", "fails-after-a-delete", CasAfterDelete},
      {"cas", "fails-after-an-increment", CasAfterIncrement},
      {"cas", "fails-after-a-batch", CasAfterBatch},
      {"cas", "missing-key-fails-after-set-and-delete", CasMissingAfterSetAndDelete},
      {"batch", "get-many-positional", GetManyPositional},
      {"batch", "set-many-then-get", SetManyThenGet},
      {"batch", "delete-many-with-missing-keys", DeleteManyWithMissing},
      {"batch", "batch-of-10000-keys", TenThousandKeyBatch},
      {"limits", "oversize-key", OversizeKey},
      {"limits", "oversize-value", OversizeValue},
      {"persistence", "data-survives-a-new-process", PersistAcrossProcesses},
  };
  return cases;
}

}  // namespace conformance

// A small test harness for the conformance command: cases register with a group and a name, run
// in order, and report one line each; the summary line ends the run.
//
// A case returns Ok, a failure with its reason, or a skip with its reason. The helpers below keep
// cases short: `KV_TRY(expr)` unwraps a util::Result or fails the case with the status;
// `KV_EXPECT(cond, reason)` fails it when `cond` is false.
#ifndef KV_CONFORMANCE_HARNESS_H_
#define KV_CONFORMANCE_HARNESS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bindings/keyvalue_imports.h"

namespace conformance {

struct Outcome {
  enum class Kind { kPass, kFail, kSkip } kind = Kind::kPass;
  std::string reason;
  static Outcome Pass() { return {}; }
  static Outcome Fail(std::string why) { return {Kind::kFail, std::move(why)}; }
  static Outcome Skip(std::string why) { return {Kind::kSkip, std::move(why)}; }
};

struct Options {
  // The contract version the cases go through (the `versions` cases use both).
  bindings::keyvalue::Contract contract = bindings::keyvalue::Contract::kDraft;
  std::string prefix;         // bucket-name prefix, so that runs do not collide
  uint32_t page_keys = 1000;  // the provider's list-keys page size in keys
  uint32_t page_bytes = 262144;  // ... and in key bytes
  uint32_t max_key_bytes = 65536;
  uint32_t max_value_bytes = 16 * 1024 * 1024;
  // For providers that persist: `write` in one process, then `verify` in a new one.
  std::string phase;
  uint32_t times = 1000;    // increments of the `incrementer` phase
  uint32_t barrier = 0;     // the incrementers wait until this many have started (0: none)
  bool keep_going = false;  // the `writer` retries after errors instead of stopping
  uint32_t seconds = 0;     // the `writer` stops after this long (0: when killed)
  // The soak test's writer (soak.h): its operation sequence and its keys.
  uint32_t seed = 1;
  std::string slot = "a";
};

// Phases that are not cases: `writer` sets key after key, printing `ACK <n>` once each set has
// returned ok, until it is killed (or for `seconds`); a failed set prints
// `ERROR <message> (after <ms> ms, at <unix ms>)`, its own duration and when it ended.
// `reader` prints `HAVE <n>` for every key the writers left.
int RunWriter(const Options& options);
int RunReader(const Options& options);
// `incrementer`: increments `counter` in bucket `<prefix>count` `times` times.
int RunIncrementer(const Options& options);
// `cas-incrementer` (draft2): adds one to `counter` in bucket `<prefix>count` `times` times, each
// by reading it through a cas, swapping in the sum and retrying on cas-failed; prints
// `DONE <last sum> RETRIES <cas-failed count>`.
int RunCasIncrementer(const Options& options);

using CaseFn = Outcome (*)(const Options&);

struct Case {
  const char* group;
  const char* name;
  CaseFn fn;
};

// Every case, in the order they run (defined in cases.cc).
const std::vector<Case>& AllCases();

}  // namespace conformance

#define KV_EXPECT(cond, reason)                               \
  do {                                                        \
    if (!(cond)) return ::conformance::Outcome::Fail(reason); \
  } while (false)

#define KV_TRY(lhs, expr) KV_TRY_IMPL_(UTIL_CONCAT_(kv_try_, __LINE__), lhs, expr)
#define KV_TRY_IMPL_(tmp, lhs, expr)                                           \
  auto tmp = (expr);                                                           \
  if (!tmp.ok()) return ::conformance::Outcome::Fail(tmp.status().ToString()); \
  lhs = std::move(tmp).value()

#define KV_OK(expr)                                                                         \
  do {                                                                                      \
    ::util::Status kv_ok_status_ = (expr);                                                  \
    if (!kv_ok_status_.ok()) return ::conformance::Outcome::Fail(kv_ok_status_.ToString()); \
  } while (false)

#endif  // KV_CONFORMANCE_HARNESS_H_

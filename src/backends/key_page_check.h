// For the backends' tests: counts the keys of one list-keys page into `seen` and checks the page
// against the limits it was asked with.
#ifndef BACKENDS_KEY_PAGE_CHECK_H_
#define BACKENDS_KEY_PAGE_CHECK_H_

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "kv/engine/limits.h"
#include "kv/engine/types.h"

namespace kv {

inline void CountPage(const KeyPage& page, const Limits& limits, std::map<std::string, int>& seen) {
  uint64_t bytes = 0;
  for (const std::string& k : page.keys) bytes += k.size(), ++seen[k];
  EXPECT_LE(page.keys.size(), limits.list_page_keys);
  EXPECT_LE(bytes, limits.list_page_bytes);
}

}  // namespace kv

#endif  // BACKENDS_KEY_PAGE_CHECK_H_

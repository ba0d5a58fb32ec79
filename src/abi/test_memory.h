// A checked stand-in for linear memory, for native tests of the codec: addresses are offsets into
// one arena, every access is bounds-checked, and every allocation is tracked, so a test can assert
// that Release freed exactly what Store allocated.
#ifndef ABI_TEST_MEMORY_H_
#define ABI_TEST_MEMORY_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "abi/layout.h"

namespace cabi {

class TestMemory {
 public:
  explicit TestMemory(uint32_t size = 1 << 20) : bytes_(size, 0xAA) {}

  uint8_t* At(uint32_t addr, uint32_t size) {
    if (uint64_t{addr} + size > bytes_.size()) Fail("access out of bounds", addr);
    return bytes_.data() + addr;
  }
  uint32_t Allocate(uint32_t align, uint32_t size) {
    if (size == 0) Fail("allocation of size 0", 0);
    next_ = AlignTo(next_, align);
    uint32_t addr = next_;
    next_ += size;
    if (next_ > bytes_.size()) Fail("arena exhausted", addr);
    live_[addr] = size;
    return addr;
  }
  void Free(uint32_t addr) {
    if (live_.erase(addr) != 1) Fail("free of an address that is not allocated", addr);
  }

  size_t live_allocations() const { return live_.size(); }

 private:
  [[noreturn]] static void Fail(const char* what, uint32_t addr) {
    std::fprintf(stderr, "TestMemory: %s (address %u)\n", what, addr);
    std::abort();
  }

  std::vector<uint8_t> bytes_;
  uint32_t next_ = 64;  // low addresses stay unused, like a null page
  std::map<uint32_t, uint32_t> live_;
};

}  // namespace cabi

#endif  // ABI_TEST_MEMORY_H_

// The memory policy over a component's own linear memory (wasm32 only), and `cabi_realloc`, which
// this library exports for the runtime to allocate strings and lists in our memory.
#ifndef ABI_GUEST_H_
#define ABI_GUEST_H_

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#if !defined(__wasm32__)
#error "abi/guest.h is for wasm32 builds; native tests use abi/test_memory.h"
#endif

namespace cabi {

// A linear-memory address as the canonical ABI passes it.
inline uint32_t AddressOf(const void* p) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p));
}
template <class T = uint8_t>
T* PointerAt(uint32_t addr) {
  return reinterpret_cast<T*>(static_cast<uintptr_t>(addr));
}

struct GuestMemory {
  uint8_t* At(uint32_t addr, uint32_t /*size*/) { return PointerAt(addr); }
  uint32_t Allocate(uint32_t align, uint32_t size);
  void Free(uint32_t addr) { std::free(PointerAt(addr)); }
};

// A string or list the runtime allocated in our memory and handed to us: ours to free. Views of
// it stay valid until the owner is destroyed. Empty buffers (address `align`) are never freed.
class InBuffer {
 public:
  InBuffer(uint32_t addr, uint32_t size) : addr_(addr), size_(size) {}
  InBuffer(const InBuffer&) = delete;
  InBuffer& operator=(const InBuffer&) = delete;
  ~InBuffer() {
    if (size_ != 0) std::free(PointerAt(addr_));
  }

  std::string_view text() const { return {PointerAt<const char>(addr_), size_}; }
  std::span<const uint8_t> bytes() const { return {PointerAt<const uint8_t>(addr_), size_}; }

 private:
  uint32_t addr_;
  uint32_t size_;
};

}  // namespace cabi

#endif  // ABI_GUEST_H_

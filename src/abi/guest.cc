#include "abi/guest.h"

#include <cstring>

extern "C" void* cabi_realloc(void* old_ptr, size_t old_size, size_t align, size_t new_size);

namespace cabi {

uint32_t GuestMemory::Allocate(uint32_t align, uint32_t size) {
  return AddressOf(cabi_realloc(nullptr, 0, align, size));
}

}  // namespace cabi

// The allocator the runtime calls to place strings and lists in our memory (docs/canonical-abi.md,
// "Names"). Size 0 returns `align` itself, a non-null address that is never freed.
// Out of memory is a trap: there is nothing else a callee of the runtime can do.
extern "C" __attribute__((export_name("cabi_realloc"))) void* cabi_realloc(void* old_ptr,
                                                                           size_t old_size,
                                                                           size_t align,
                                                                           size_t new_size) {
  if (new_size == 0) return reinterpret_cast<void*>(align);
  // malloc aligns to 16 bytes; the canonical ABI never asks for more than 8.
  void* p = std::realloc(old_size == 0 ? nullptr : old_ptr, new_size);
  if (p == nullptr) __builtin_trap();
  return p;
}

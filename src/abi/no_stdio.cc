// Runtime hooks for components that import nothing (kv-memory): the C++ runtime's failure paths
// (operator new out of memory, a pure virtual call, libc++'s verbose abort) normally print to
// stderr, which pulls wasi-libc's stdio and with it preview1 imports into the module. Here each
// of them traps instead. They are all bugs or out-of-memory: nothing a caller's input can reach.
#include <__verbose_abort>
#include <cstdlib>
#include <new>

void* operator new(size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) __builtin_trap();
  return p;
}
void* operator new[](size_t size) { return ::operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

extern "C" void __cxa_pure_virtual() { __builtin_trap(); }

namespace std {
inline namespace __2 {
void __libcpp_verbose_abort(const char*, ...) { __builtin_trap(); }
}  // namespace __2
}  // namespace std

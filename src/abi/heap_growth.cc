// The heap's growth, for every component: wasi-libc's malloc asks sbrk for memory as it needs it,
// and wasi-libc's sbrk grows the linear memory by exactly that much. Storing large values then
// grows the memory on nearly every call, and under a JavaScript host each growth detaches the
// memory's ArrayBuffer, which the host's glue must then rebuild (measured: 64 KiB sets in
// kv-memory spent a third of their time in sbrk and garbage collection). This sbrk hands out the
// same contiguous memory, but grows the linear memory ahead, by an eighth of its size (at least
// 1 MiB), falling back to exactly what is asked when that much is not available.
#include <errno.h>
#include <stdint.h>

namespace {

constexpr uintptr_t kPage = 65536;
uintptr_t heap_break = 0;  // the end of what sbrk has handed out
uintptr_t heap_end = 0;    // the end of the linear memory

bool Grow(uintptr_t pages) {
  return __builtin_wasm_memory_grow(0, pages) != static_cast<uintptr_t>(-1);
}

}  // namespace

extern "C" void* sbrk(intptr_t increment) {
  if (heap_break == 0) heap_break = heap_end = __builtin_wasm_memory_size(0) * kPage;
  if (increment < 0) {  // wasi-libc's malloc never gives memory back this way
    errno = EINVAL;
    return reinterpret_cast<void*>(-1);
  }
  uintptr_t old = heap_break;
  uintptr_t want = static_cast<uintptr_t>(increment);
  if (want > heap_end - heap_break) {
    uintptr_t needed = (want - (heap_end - heap_break) + kPage - 1) / kPage;
    uintptr_t ahead = heap_end / kPage / 8;
    if (ahead < 16) ahead = 16;
    if (Grow(needed + ahead)) {
      heap_end += (needed + ahead) * kPage;
    } else if (Grow(needed)) {
      heap_end += needed * kPage;
    } else {
      errno = ENOMEM;
      return reinterpret_cast<void*>(-1);
    }
  }
  heap_break += want;
  return reinterpret_cast<void*>(old);
}

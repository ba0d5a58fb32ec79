// The `wasi:cli/run` export of our command components, which are built as reactors.
//
// Built the usual way (the command exec model, with the preview1 command adapter providing
// wasi:cli/run), wasm-ld wraps every export of the module, `cabi_realloc` included, in a function
// that runs the module's static destructors after the call. The runtime calls `cabi_realloc`
// whenever it passes a string or list into our memory, so each call destroyed function-local
// statics and closed stdio: heap corruption, and the first line of stdout lost. As a reactor the
// module has no such wrappers; this export runs `main` with the command's arguments instead.
#include <cstdint>
#include <cstdio>

extern "C" int __main_void(void);  // wasi-libc: fetches the arguments, calls main(argc, argv)

extern "C" __attribute__((export_name("wasi:cli/run@0.2.3#run"))) int32_t kv_cli_run() {
  int status = __main_void();
  std::fflush(stdout);
  std::fflush(stderr);
  return status == 0 ? 0 : 1;  // result<_, _>: 0 ok, 1 error
}

// wasi:cli/environment@0.2.3 for components without the preview1 adapter (kv-redis): the
// variables the host passes, read once.
#ifndef BINDINGS_WASI_ENVIRONMENT_H_
#define BINDINGS_WASI_ENVIRONMENT_H_

namespace bindings {

// The value of `name`, or null when unset; like getenv. The pointer stays valid.
const char* WasiGetEnv(const char* name);

}  // namespace bindings

#endif  // BINDINGS_WASI_ENVIRONMENT_H_

// The Redis backend: each bucket is one Redis hash, `wasi-kv:<bucket name>`, whose fields are the
// keys, so a person with redis-cli reads and writes the same data. Compare-and-swap versions live
// in two companion hashes per bucket (`wasi-kv-version:` and `wasi-kv-clock:`); README.md,
// "Components", describes them.
//
// Ownership: the backend owns the client; the caller owns the backend, usually by handing it to a
// kv::Store. Buckets share the client and keep it alive.
// Threads: not thread-safe (one connection); use it from one thread at a time.
// Errors: the client's (kv/redis/client.h): kIOError for the network and timeouts, kProtocol for
// a reply that breaks RESP, kPermissionDenied for a refused AUTH, kInvalidArgument for a missing
// database. A server's error reply is kPermissionDenied when it refuses us (NOAUTH, WRONGPASS,
// NOPERM), else kIOError (a bucket key that another client made something other than a hash:
// WRONGTYPE); each names the server, the command and the reply.
#ifndef KV_BACKENDS_REDIS_H_
#define KV_BACKENDS_REDIS_H_

#include <memory>
#include <string_view>

#include "kv/engine/backend.h"
#include "kv/redis/client.h"

namespace kv {

inline constexpr std::string_view kRedisKeyPrefix = "wasi-kv:";
inline constexpr std::string_view kRedisVersionPrefix = "wasi-kv-version:";
inline constexpr std::string_view kRedisClockPrefix = "wasi-kv-clock:";

// Opening a bucket checks that the server answers (PING), so a bad address fails at open.
std::unique_ptr<StoreBackend> NewRedisStore(std::unique_ptr<redis::Client> client);

}  // namespace kv

#endif  // KV_BACKENDS_REDIS_H_

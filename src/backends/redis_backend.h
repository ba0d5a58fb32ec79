// The Redis backend behind kv/backends/redis.h (internal; everyone else calls kv::NewRedisStore):
// each bucket is one Redis hash, `wasi-kv:<bucket name>`, whose fields are the
// keys. A person with redis-cli reads and writes the same data:
//   HGETALL wasi-kv:mybucket      HGET wasi-kv:mybucket hello      HSET wasi-kv: hello world
// Buckets are separate Redis keys, so no bucket or key name can reach another bucket's data, and
// no pattern matching is ever used. Counters are decimal text.
//
// Compare-and-swap: every change the provider makes runs as one Lua script that also stamps the
// key in two companion hashes, `wasi-kv-version:<bucket>` (key -> the number of its latest change)
// and `wasi-kv-clock:<bucket>` (`now`: the latest number; `deleted`: the number of the latest
// delete). A key's version is its stamp with the SHA-1 of its value, an absent key's the latest
// delete's number; a swap is one script that compares the version and writes. A change made by
// another Redis client (redis-cli) stamps nothing, but it changes the SHA-1 unless it writes the
// same bytes. Increments are a swap retried until it holds, so they share the engine's counter
// arithmetic (kv/engine/counter.h).
#ifndef BACKENDS_REDIS_BACKEND_H_
#define BACKENDS_REDIS_BACKEND_H_

#include <memory>
#include <string>

#include "kv/backends/redis.h"
#include "kv/engine/backend.h"
#include "kv/redis/client.h"

namespace kv {

class RedisStore final : public StoreBackend {
 public:
  explicit RedisStore(std::unique_ptr<redis::Client> client) : client_(std::move(client)) {}

  // Checks that the server answers (PING), so that a bad address fails at open.
  util::Result<std::shared_ptr<BucketBackend>> OpenBucket(std::string_view name) override;

 private:
  std::shared_ptr<redis::Client> client_;
};

}  // namespace kv

#endif  // BACKENDS_REDIS_BACKEND_H_

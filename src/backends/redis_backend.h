// The Redis backend: each bucket is one Redis hash, `wasi-kv:<bucket name>`, whose fields are the
// keys. A person with redis-cli reads and writes the same data:
//   HGETALL wasi-kv:mybucket      HGET wasi-kv:mybucket hello      HSET wasi-kv: hello world
// Buckets are separate Redis keys, so no bucket or key name can reach another bucket's data, and
// no pattern matching is ever used. Counters are decimal text changed by HINCRBY on the server.
#ifndef BACKENDS_REDIS_BACKEND_H_
#define BACKENDS_REDIS_BACKEND_H_

#include <memory>
#include <string>

#include "engine/backend.h"
#include "redis/client.h"

namespace kv {

inline constexpr std::string_view kRedisKeyPrefix = "wasi-kv:";

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

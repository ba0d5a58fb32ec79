// kv-redis: wasi:keyvalue store, atomics and batch on a Redis server, reached over wasi:sockets
// (src/redis/wasi_transport.cc). Settings come from wasi:cli/environment (README.md,
// "Configuration"); no preview1 adapter is involved.
#include <memory>
#include <string>

#include "bindings/keyvalue_exports.h"
#include "bindings/wasi_environment.h"
#include "kv/backends/redis.h"
#include "kv/engine/config.h"

namespace bindings::keyvalue {

util::Result<std::unique_ptr<kv::Store>> MakeProviderStore() {
  ASSIGN_OR_RETURN(kv::StoreOptions options, kv::StoreOptionsFromEnvironment(WasiGetEnv));
  const char* url = WasiGetEnv(std::string(redis::kUrlVariable).c_str());
  ASSIGN_OR_RETURN(redis::Config config,
                   redis::ParseUrl(url != nullptr ? url : "redis://127.0.0.1:6379"));
  for (auto [name, field] : {std::pair{redis::kConnectTimeoutVariable, &config.connect_timeout_ms},
                             std::pair{redis::kIoTimeoutVariable, &config.io_timeout_ms}}) {
    if (const char* v = WasiGetEnv(std::string(name).c_str())) {
      ASSIGN_OR_RETURN(uint64_t ms, kv::ParsePositiveAtMost(name, v, UINT32_MAX));
      *field = static_cast<uint32_t>(ms);
    }
  }
  auto client = std::make_unique<redis::Client>(redis::WasiConnector(), std::move(config));
  return std::make_unique<kv::Store>(kv::NewRedisStore(std::move(client)),
                                     std::move(options));
}

}  // namespace bindings::keyvalue

// A Redis client over any byte transport: pipelined commands, reconnection, AUTH and SELECT.
// Natively the transport is a POSIX socket (PosixConnector); in a component, wasi:sockets TCP
// (WasiConnector).
//
// Ownership: the client owns its connection; the Connector is not owned and must outlive it (the
// two given here live for the whole program).
// Threads: not thread-safe (one connection, one parser); use a client from one thread at a time.
// Errors name the server ("redis 127.0.0.1:6379: connection refused"): kIOError for the network
// and timeouts, kProtocol for bytes that are not RESP, kPermissionDenied for a refused AUTH,
// kInvalidArgument for a SELECT of a database the server does not have. A server's error reply to
// a command is not an error of Run: it is a reply.
#ifndef KV_REDIS_CLIENT_H_
#define KV_REDIS_CLIENT_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kv/resp/parser.h"
#include "kv/util/result.h"

namespace redis {

struct Config {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  uint32_t db = 0;
  std::string user;
  std::string password;
  uint32_t connect_timeout_ms = 2000;
  uint32_t io_timeout_ms = 5000;

  std::string Describe() const { return "redis " + host + ":" + std::to_string(port); }
};

inline constexpr std::string_view kUrlVariable = "KV_REDIS_URL";
inline constexpr std::string_view kConnectTimeoutVariable = "KV_REDIS_CONNECT_TIMEOUT_MS";
inline constexpr std::string_view kIoTimeoutVariable = "KV_REDIS_IO_TIMEOUT_MS";

// redis://[user:password@]host[:port][/db]  (also `redis://:password@host`).
util::Result<Config> ParseUrl(std::string_view url);

// A connected byte stream.
class Transport {
 public:
  virtual ~Transport() = default;
  // Writes all of `bytes` or fails.
  virtual util::Status Write(std::span<const uint8_t> bytes) = 0;
  // Reads at least one byte, or fails (closed, timeout, error). The bytes are the transport's
  // and stay valid until the next call on it.
  virtual util::Result<std::span<const uint8_t>> Read() = 0;
};

class Connector {
 public:
  virtual ~Connector() = default;
  virtual util::Result<std::unique_ptr<Transport>> Connect(const Config& config) = 0;
};

#ifdef __wasi__
// wasi:sockets TCP (in a component).
Connector* WasiConnector();
#else
// POSIX sockets (natively).
Connector* PosixConnector();
#endif

using Command = std::vector<std::string_view>;

class Client {
 public:
  // REQUIRES: `connector` outlives the client. Connects on the first Run, not here.
  Client(Connector* connector, Config config) : connector_(connector), config_(std::move(config)) {}

  // Sends every command in one write and reads every reply: one round trip. Server error replies
  // come back as replies; transport failures as an error, after which the connection is dropped
  // and the next call reconnects.
  util::Result<std::vector<resp::Reply>> Run(std::span<const Command> commands);
  util::Result<resp::Reply> Run(const Command& command);

  const Config& config() const { return config_; }

 private:
  util::Status EnsureConnected();
  util::Result<std::vector<resp::Reply>> RoundTrip(const std::vector<uint8_t>& request,
                                                   size_t replies);

  Connector* connector_;
  Config config_;
  std::unique_ptr<Transport> transport_;
  resp::ReplyParser parser_;
};

}  // namespace redis

#endif  // KV_REDIS_CLIENT_H_

// The Redis client's transport in a component: TCP over wasi:sockets@0.2.3, with wasi:io streams
// and polls, and wasi:clocks for the timeouts. The imports are lowered by hand on our ABI layer
// (src/abi); kv-redis has no preview1 adapter.
#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>

#include "abi/codec.h"
#include "abi/guest.h"
#include "kv/redis/client.h"

#define WASI_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define NET "wasi:sockets/network@0.2.3"
#define INSTANCE_NET "wasi:sockets/instance-network@0.2.3"
#define TCP "wasi:sockets/tcp@0.2.3"
#define TCP_CREATE "wasi:sockets/tcp-create-socket@0.2.3"
#define LOOKUP "wasi:sockets/ip-name-lookup@0.2.3"
#define POLL "wasi:io/poll@0.2.3"
#define STREAMS "wasi:io/streams@0.2.3"
#define IO_ERROR "wasi:io/error@0.2.3"
#define CLOCK "wasi:clocks/monotonic-clock@0.2.3"

extern "C" {
WASI_IMPORT(INSTANCE_NET, "instance-network") uint32_t wasi_instance_network();
WASI_IMPORT(NET, "[resource-drop]network") void wasi_drop_network(uint32_t);
WASI_IMPORT(TCP_CREATE, "create-tcp-socket")
void wasi_create_tcp_socket(uint32_t family, uint32_t ret);
WASI_IMPORT(TCP, "[method]tcp-socket.start-connect")
void wasi_start_connect(uint32_t self, uint32_t network, uint32_t disc, uint32_t p0, uint32_t p1,
                        uint32_t p2, uint32_t p3, uint32_t p4, uint32_t p5, uint32_t p6,
                        uint32_t p7, uint32_t p8, uint32_t p9, uint32_t p10, uint32_t ret);
WASI_IMPORT(TCP, "[method]tcp-socket.finish-connect")
void wasi_finish_connect(uint32_t self, uint32_t ret);
WASI_IMPORT(TCP, "[method]tcp-socket.subscribe") uint32_t wasi_tcp_subscribe(uint32_t self);
WASI_IMPORT(TCP, "[resource-drop]tcp-socket") void wasi_drop_tcp_socket(uint32_t);
WASI_IMPORT(LOOKUP, "resolve-addresses")
void wasi_resolve_addresses(uint32_t network, uint32_t name, uint32_t len, uint32_t ret);
WASI_IMPORT(LOOKUP, "[method]resolve-address-stream.resolve-next-address")
void wasi_resolve_next(uint32_t self, uint32_t ret);
WASI_IMPORT(LOOKUP, "[method]resolve-address-stream.subscribe")
uint32_t wasi_resolve_subscribe(uint32_t);
WASI_IMPORT(LOOKUP, "[resource-drop]resolve-address-stream")
void wasi_drop_resolve_stream(uint32_t);
WASI_IMPORT(POLL, "poll") void wasi_poll(uint32_t list, uint32_t len, uint32_t ret);
WASI_IMPORT(POLL, "[resource-drop]pollable") void wasi_drop_pollable(uint32_t);
WASI_IMPORT(STREAMS, "[method]input-stream.read")
void wasi_read(uint32_t self, uint64_t len, uint32_t ret);
WASI_IMPORT(STREAMS, "[method]input-stream.subscribe") uint32_t wasi_input_subscribe(uint32_t);
WASI_IMPORT(STREAMS, "[resource-drop]input-stream") void wasi_drop_input(uint32_t);
WASI_IMPORT(STREAMS, "[method]output-stream.check-write")
void wasi_check_write(uint32_t self, uint32_t ret);
WASI_IMPORT(STREAMS, "[method]output-stream.write")
void wasi_write(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
WASI_IMPORT(STREAMS, "[method]output-stream.blocking-write-and-flush")
void wasi_blocking_write_and_flush(uint32_t self, uint32_t ptr, uint32_t len, uint32_t ret);
WASI_IMPORT(STREAMS, "[method]output-stream.blocking-flush")
void wasi_blocking_flush(uint32_t self, uint32_t ret);
WASI_IMPORT(STREAMS, "[method]output-stream.subscribe") uint32_t wasi_output_subscribe(uint32_t);
WASI_IMPORT(STREAMS, "[resource-drop]output-stream") void wasi_drop_output(uint32_t);
WASI_IMPORT(IO_ERROR, "[resource-drop]error") void wasi_drop_io_error(uint32_t);
WASI_IMPORT(CLOCK, "now") uint64_t wasi_now();
WASI_IMPORT(CLOCK, "subscribe-duration") uint32_t wasi_subscribe_duration(uint64_t);
}

namespace redis {
namespace {

using cabi::AddressOf;
using ErrorCode = cabi::U8;  // an enum of 21 cases
using Handle = cabi::Handle;
using Ipv4 = cabi::Tuple<cabi::U8, cabi::U8, cabi::U8, cabi::U8>;
using Ipv6 = cabi::Tuple<cabi::U16, cabi::U16, cabi::U16, cabi::U16, cabi::U16, cabi::U16,
                         cabi::U16, cabi::U16>;
using IpAddress = cabi::Variant<Ipv4, Ipv6>;
using StreamError = cabi::Variant<Handle, cabi::Unit>;

constexpr const char* kErrorCodes[] = {"unknown",
                                       "access denied",
                                       "not supported",
                                       "invalid argument",
                                       "out of memory",
                                       "timeout",
                                       "concurrency conflict",
                                       "not in progress",
                                       "would block",
                                       "invalid state",
                                       "new socket limit",
                                       "address not bindable",
                                       "address in use",
                                       "remote unreachable",
                                       "connection refused",
                                       "connection reset",
                                       "connection aborted",
                                       "datagram too large",
                                       "name unresolvable",
                                       "temporary resolver failure",
                                       "permanent resolver failure"};
constexpr uint8_t kWouldBlock = 8;

std::string CodeName(uint8_t code) {
  return code < std::size(kErrorCodes) ? kErrorCodes[code] : "error " + std::to_string(code);
}

struct alignas(8) Area {
  uint8_t bytes[32];
  uint32_t addr() const { return AddressOf(bytes); }
};

template <class D>
typename D::Value Take(const Area& area) {
  cabi::GuestMemory mem;
  return cabi::Take<D>(mem, area.addr());
}

// Waits until `pollable` is ready or `deadline_ns` (monotonic) passes; drops `pollable`.
bool WaitUntil(uint32_t pollable, uint64_t deadline_ns) {
  uint64_t now = wasi_now();
  uint32_t timer = wasi_subscribe_duration(deadline_ns > now ? deadline_ns - now : 0);
  uint32_t list[2] = {pollable, timer};
  Area area;
  wasi_poll(AddressOf(list), 2, area.addr());
  auto ready = Take<cabi::List<cabi::U32>>(area);
  wasi_drop_pollable(timer);
  wasi_drop_pollable(pollable);
  for (uint32_t i : ready) {
    if (i == 0) return true;
  }
  return false;
}

uint64_t Deadline(uint32_t ms) { return wasi_now() + uint64_t{ms} * 1000000; }

// Under jco every wasi:io call is a round trip to the preview2 shim's I/O thread, which costs
// more than Redis does. A command takes two (write-and-flush, then a read, which usually finds the
// answer there already), and a poll and another read when it does not. The input stream's
// pollable lives as long as the connection, and the timer that bounds a read is kept from one read
// to the next, made anew only when it fires before an answer came.
class WasiTransport final : public Transport {
 public:
  WasiTransport(uint32_t network, uint32_t socket, uint32_t in, uint32_t out, uint32_t timeout_ms)
      : network_(network),
        socket_(socket),
        in_(in),
        out_(out),
        readable_(wasi_input_subscribe(in)),
        timeout_ms_(timeout_ms) {}
  ~WasiTransport() override {
    ReleaseHeld();
    if (timer_ != 0) wasi_drop_pollable(timer_);
    wasi_drop_pollable(readable_);
    wasi_drop_input(in_);
    wasi_drop_output(out_);
    wasi_drop_tcp_socket(socket_);
    wasi_drop_network(network_);
  }

  util::Status Write(std::span<const uint8_t> bytes) override {
    if (bytes.size() <= kOneCallWrite) {
      // A command this small fits the socket's buffer: the call does not wait for the server.
      Area area;
      wasi_blocking_write_and_flush(out_, AddressOf(bytes.data()),
                                    static_cast<uint32_t>(bytes.size()), area.addr());
      auto wrote = Take<cabi::Result<cabi::Unit, StreamError>>(area);
      if (wrote.index() == 1) return StreamFailure(std::get<1>(wrote), "writing");
      return util::Status::Ok();
    }
    uint64_t deadline = Deadline(timeout_ms_);
    size_t done = 0;
    while (done < bytes.size()) {
      Area area;
      wasi_check_write(out_, area.addr());
      auto permit = Take<cabi::Result<cabi::U64, StreamError>>(area);
      if (permit.index() == 1) return StreamFailure(std::get<1>(permit), "writing");
      uint64_t n = std::get<0>(permit);
      if (n == 0) {
        if (!WaitUntil(wasi_output_subscribe(out_), deadline)) return Timeout("writing");
        continue;
      }
      size_t chunk = static_cast<size_t>(std::min<uint64_t>(n, bytes.size() - done));
      wasi_write(out_, AddressOf(bytes.data() + done), static_cast<uint32_t>(chunk), area.addr());
      auto wrote = Take<cabi::Result<cabi::Unit, StreamError>>(area);
      if (wrote.index() == 1) return StreamFailure(std::get<1>(wrote), "writing");
      done += chunk;
    }
    Area area;
    wasi_blocking_flush(out_, area.addr());
    auto flushed = Take<cabi::Result<cabi::Unit, StreamError>>(area);
    if (flushed.index() == 1) return StreamFailure(std::get<1>(flushed), "writing");
    return util::Status::Ok();
  }

  // The bytes of a read are the list the runtime placed in our memory, handed on as they are and
  // freed at the next read: no copy of ours.
  util::Result<std::span<const uint8_t>> Read() override {
    ReleaseHeld();
    uint64_t deadline = Deadline(timeout_ms_);
    for (;;) {
      Area area;
      wasi_read(in_, kReadBytes, area.addr());
      cabi::GuestMemory mem;
      using Got = cabi::Result<cabi::List<cabi::U8>, StreamError>;
      if (*mem.At(area.addr(), 1) != 0) {
        auto got = Take<Got>(area);
        return StreamFailure(std::get<1>(got), "reading");
      }
      uint32_t at = area.addr() + Got::kVariant.payload_offset;
      uint32_t ptr = cabi::LoadU32(mem, at), len = cabi::LoadU32(mem, at + 4);
      if (len != 0) {
        held_ = ptr;
        return std::span<const uint8_t>(mem.At(ptr, len), len);
      }
      if (!WaitReadable(deadline)) return Timeout("reading");
    }
  }

 private:
  // wasi:io's limit for blocking-write-and-flush.
  static constexpr size_t kOneCallWrite = 4096;
  // The most one read asks for.
  static constexpr uint64_t kReadBytes = 64 * 1024;

  void ReleaseHeld() {
    if (held_ == 0) return;
    cabi::GuestMemory mem;
    mem.Free(held_);
    held_ = 0;
  }

  // Waits until the input stream has something to read, or `deadline_ns` passes.
  bool WaitReadable(uint64_t deadline_ns) {
    for (;;) {
      if (timer_ == 0) {
        uint64_t now = wasi_now();
        if (now >= deadline_ns) return false;
        timer_ = wasi_subscribe_duration(deadline_ns - now);
      }
      uint32_t list[2] = {readable_, timer_};
      Area area;
      wasi_poll(AddressOf(list), 2, area.addr());
      auto ready = Take<cabi::List<cabi::U32>>(area);
      if (std::find(ready.begin(), ready.end(), 0u) != ready.end()) return true;
      // The timer fired: set by an earlier read, it may be early for this one.
      wasi_drop_pollable(timer_);
      timer_ = 0;
    }
  }

  util::Status StreamFailure(const StreamError::Value& e, const char* what) {
    if (e.index() == 0) {
      wasi_drop_io_error(std::get<0>(e));
      return util::IOError(std::string(what) + ": the connection failed");
    }
    return util::IOError("the server closed the connection");
  }
  util::Status Timeout(const char* what) {
    return util::IOError(std::string(what) + ": no answer within " + std::to_string(timeout_ms_) +
                         " ms (KV_REDIS_IO_TIMEOUT_MS)");
  }

  uint32_t network_, socket_, in_, out_;
  uint32_t readable_;   // the input stream's pollable
  uint32_t timer_ = 0;  // a monotonic-clock pollable, or 0
  uint32_t held_ = 0;   // the bytes of the latest read, or 0
  uint32_t timeout_ms_;
};

// Literal IPv4 addresses need no lookup.
std::optional<std::array<uint8_t, 4>> ParseIpv4(const std::string& host) {
  std::array<uint8_t, 4> a{};
  int part = 0;
  uint32_t value = 0;
  bool digit = false;
  for (char c : host + ".") {
    if (c >= '0' && c <= '9') {
      value = value * 10 + static_cast<uint32_t>(c - '0');
      digit = true;
      if (value > 255) return std::nullopt;
    } else if (c == '.' && digit && part < 4) {
      a[part++] = static_cast<uint8_t>(value);
      value = 0;
      digit = false;
    } else {
      return std::nullopt;
    }
  }
  if (part != 4) return std::nullopt;
  return a;
}

class Wasi final : public Connector {
 public:
  util::Result<std::unique_ptr<Transport>> Connect(const Config& c) override {
    uint64_t deadline = Deadline(c.connect_timeout_ms);
    uint32_t network = wasi_instance_network();
    std::vector<IpAddress::Value> addresses;
    if (auto v4 = ParseIpv4(c.host)) {
      addresses.emplace_back(std::in_place_index<0>,
                             Ipv4::Value((*v4)[0], (*v4)[1], (*v4)[2], (*v4)[3]));
    } else {
      Area area;
      wasi_resolve_addresses(network, AddressOf(c.host.data()),
                             static_cast<uint32_t>(c.host.size()), area.addr());
      auto stream = Take<cabi::Result<Handle, ErrorCode>>(area);
      if (stream.index() == 1) {
        wasi_drop_network(network);
        return util::IOError(c.Describe() +
                             ": cannot resolve the host: " + CodeName(std::get<1>(stream)));
      }
      uint32_t s = std::get<0>(stream);
      for (;;) {
        wasi_resolve_next(s, area.addr());
        auto next = Take<cabi::Result<cabi::Option<IpAddress>, ErrorCode>>(area);
        if (next.index() == 1) {
          if (std::get<1>(next) == kWouldBlock && WaitUntil(wasi_resolve_subscribe(s), deadline))
            continue;
          if (addresses.empty()) {
            wasi_drop_resolve_stream(s);
            wasi_drop_network(network);
            return util::IOError(c.Describe() +
                                 ": cannot resolve the host: " + CodeName(std::get<1>(next)));
          }
          break;
        }
        if (!std::get<0>(next)) break;
        addresses.push_back(*std::get<0>(next));
      }
      wasi_drop_resolve_stream(s);
    }
    util::Status last = util::IOError(c.Describe() + ": no address to connect to");
    for (const auto& address : addresses) {
      Area area;
      wasi_create_tcp_socket(static_cast<uint32_t>(address.index()), area.addr());
      auto created = Take<cabi::Result<Handle, ErrorCode>>(area);
      if (created.index() == 1) {
        last = util::IOError(c.Describe() + ": " + CodeName(std::get<1>(created)));
        continue;
      }
      uint32_t sock = std::get<0>(created);
      uint32_t p[11] = {};
      p[0] = c.port;
      if (address.index() == 0) {
        const auto& a = std::get<0>(address);
        p[1] = std::get<0>(a), p[2] = std::get<1>(a), p[3] = std::get<2>(a), p[4] = std::get<3>(a);
      } else {
        const auto& a = std::get<1>(address);
        // ipv6: port, flow-info, eight segments, scope-id
        p[2] = std::get<0>(a), p[3] = std::get<1>(a), p[4] = std::get<2>(a), p[5] = std::get<3>(a);
        p[6] = std::get<4>(a), p[7] = std::get<5>(a), p[8] = std::get<6>(a), p[9] = std::get<7>(a);
      }
      wasi_start_connect(sock, network, static_cast<uint32_t>(address.index()), p[0], p[1], p[2],
                         p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], area.addr());
      auto started = Take<cabi::Result<cabi::Unit, ErrorCode>>(area);
      if (started.index() == 1) {
        last = util::IOError(c.Describe() + ": " + CodeName(std::get<1>(started)));
        wasi_drop_tcp_socket(sock);
        continue;
      }
      for (;;) {
        if (!WaitUntil(wasi_tcp_subscribe(sock), deadline)) {
          last = util::IOError(c.Describe() + ": no connection within " +
                               std::to_string(c.connect_timeout_ms) +
                               " ms (KV_REDIS_CONNECT_TIMEOUT_MS)");
          break;
        }
        wasi_finish_connect(sock, area.addr());
        auto done = Take<cabi::Result<cabi::Tuple<Handle, Handle>, ErrorCode>>(area);
        if (done.index() == 0) {
          auto [in, out] = std::get<0>(done);
          return std::unique_ptr<Transport>(
              new WasiTransport(network, sock, in, out, c.io_timeout_ms));
        }
        if (std::get<1>(done) == kWouldBlock) continue;
        last = util::IOError(c.Describe() + ": " + CodeName(std::get<1>(done)));
        break;
      }
      wasi_drop_tcp_socket(sock);
    }
    wasi_drop_network(network);
    return last;
  }
};

}  // namespace

Connector* WasiConnector() {
  static Wasi wasi;
  return &wasi;
}

}  // namespace redis

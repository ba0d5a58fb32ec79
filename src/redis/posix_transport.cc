// POSIX sockets for the Redis client: a non-blocking connect bounded by the connect timeout, and
// reads and writes bounded by the I/O timeout (poll).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kv/redis/client.h"

namespace redis {
namespace {

util::Status SystemError(const std::string& what, int e) {
  return util::IOError(what + std::strerror(e));
}

class PosixTransport final : public Transport {
 public:
  PosixTransport(int fd, uint32_t timeout_ms) : fd_(fd), timeout_ms_(timeout_ms) {}
  ~PosixTransport() override { ::close(fd_); }

  util::Status Write(std::span<const uint8_t> bytes) override {
    size_t done = 0;
    while (done < bytes.size()) {
      RETURN_IF_ERROR(Wait(POLLOUT, "writing"));
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return SystemError("writing: ", errno);
      }
      done += static_cast<size_t>(n);
    }
    return util::Status::Ok();
  }

  util::Result<std::span<const uint8_t>> Read() override {
    for (;;) {
      RETURN_IF_ERROR(Wait(POLLIN, "reading"));
      ssize_t n = ::recv(fd_, buffer_, sizeof buffer_, 0);
      if (n > 0) return std::span<const uint8_t>(buffer_, static_cast<size_t>(n));
      if (n == 0) return util::IOError("the server closed the connection");
      if (errno != EINTR && errno != EAGAIN) return SystemError("reading: ", errno);
    }
  }

 private:
  util::Status Wait(short events, const char* what) {
    pollfd p{fd_, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout_ms_));
    if (r == 0) {
      return util::IOError(std::string(what) + ": no answer within " + std::to_string(timeout_ms_) +
                           " ms (KV_REDIS_IO_TIMEOUT_MS)");
    }
    if (r < 0 && errno != EINTR) return SystemError(std::string(what) + ": ", errno);
    return util::Status::Ok();
  }

  int fd_;
  uint32_t timeout_ms_;
  uint8_t buffer_[64 * 1024];
};

class Posix final : public Connector {
 public:
  util::Result<std::unique_ptr<Transport>> Connect(const Config& c) override {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::string port = std::to_string(c.port);
    int g = ::getaddrinfo(c.host.c_str(), port.c_str(), &hints, &found);
    if (g != 0)
      return util::IOError(c.Describe() + ": cannot resolve the host: " + gai_strerror(g));
    util::Status last = util::IOError(c.Describe() + ": no address to connect to");
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      int fd =
          ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
        last = SystemError(c.Describe() + ": ", errno);
        ::close(fd);
        continue;
      }
      pollfd p{fd, POLLOUT, 0};
      int r = ::poll(&p, 1, static_cast<int>(c.connect_timeout_ms));
      int err = 0;
      socklen_t len = sizeof err;
      if (r == 1) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (r == 1 && err == 0) {
        ::freeaddrinfo(found);
        return std::unique_ptr<Transport>(new PosixTransport(fd, c.io_timeout_ms));
      }
      last = r == 0 ? util::IOError(c.Describe() + ": no connection within " +
                                    std::to_string(c.connect_timeout_ms) +
                                    " ms (KV_REDIS_CONNECT_TIMEOUT_MS)")
                    : SystemError(c.Describe() + ": ", err != 0 ? err : errno);
      ::close(fd);
    }
    ::freeaddrinfo(found);
    return last;
  }
};

}  // namespace

Connector* PosixConnector() {
  static Posix posix;
  return &posix;
}

}  // namespace redis

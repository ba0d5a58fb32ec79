#include "kv/redis/client.h"

#include <charconv>

#include "kv/resp/encoder.h"

namespace redis {

util::Result<Config> ParseUrl(std::string_view url) {
  Config c;
  auto bad = [&](std::string_view why) {
    return util::InvalidArgument("KV_REDIS_URL=" + std::string(url) + ": " + std::string(why) +
                                 " (expected redis://[user:password@]host:port/db)");
  };
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) return bad("not a redis:// URL");
  std::string_view rest = url.substr(kScheme.size());
  size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = auth.find(':');
    if (colon == std::string_view::npos)
      return bad("credentials need `user:password` or `:password`");
    c.user = auth.substr(0, colon);
    c.password = auth.substr(colon + 1);
  }
  size_t slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), c.db);
      if (ec != std::errc() || end != db.data() + db.size())
        return bad("the database is not a number");
    }
  }
  size_t colon = hostport.rfind(':');
  if (colon != std::string_view::npos && hostport.find(']') == std::string_view::npos) {
    std::string_view port = hostport.substr(colon + 1);
    uint32_t p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535) {
      return bad("the port is not a number from 1 to 65535");
    }
    c.port = static_cast<uint16_t>(p);
    hostport = hostport.substr(0, colon);
  }
  if (hostport.empty()) return bad("no host");
  c.host = hostport;
  return c;
}

util::Status Client::EnsureConnected() {
  if (transport_) return util::Status::Ok();
  auto t = connector_->Connect(config_);
  if (!t.ok()) return std::move(t).take_status();
  transport_ = std::move(t).value();
  parser_ = resp::ReplyParser();
  std::vector<Command> setup;
  std::string db = std::to_string(config_.db);
  if (!config_.password.empty()) {
    if (config_.user.empty()) {
      setup.push_back({"AUTH", config_.password});
    } else {
      setup.push_back({"AUTH", config_.user, config_.password});
    }
  }
  if (config_.db != 0) setup.push_back({"SELECT", db});
  if (setup.empty()) return util::Status::Ok();
  std::vector<uint8_t> request;
  for (const Command& c : setup) resp::EncodeCommand(c, request);
  auto replies = RoundTrip(request, setup.size());
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < replies->size(); ++i) {
    const resp::Reply& r = (*replies)[i];
    if (!r.is_error()) continue;
    transport_.reset();
    // A refused login is the server refusing us; a database it does not have is a bad setting.
    bool login = setup[i][0] == "AUTH";
    return util::Status(login ? util::Code::kPermissionDenied : util::Code::kInvalidArgument,
                        config_.Describe() + ": " + std::string(setup[i][0]) + ": " + r.text);
  }
  return util::Status::Ok();
}

util::Result<std::vector<resp::Reply>> Client::RoundTrip(const std::vector<uint8_t>& request,
                                                         size_t count) {
  auto fail = [&](util::Status s) {
    transport_.reset();  // the stream is in an unknown state: start afresh next time
    return std::move(s).WithContext(config_.Describe());
  };
  if (auto s = transport_->Write(request); !s.ok()) return fail(std::move(s));
  std::vector<resp::Reply> replies;
  replies.reserve(count);
  // Bytes go from the transport's buffer straight into the replies (kv/resp/parser.h).
  std::span<const uint8_t> bytes;
  for (;;) {
    resp::ParseState state = parser_.Parse(bytes, &replies, count);
    if (state == resp::ParseState::kComplete) break;
    if (state == resp::ParseState::kError) {
      return fail(util::Status(util::Code::kProtocol, "bad reply: " + parser_.error()));
    }
    auto read = transport_->Read();
    if (!read.ok()) return fail(std::move(read).take_status());
    bytes = *read;
  }
  return replies;
}

util::Result<std::vector<resp::Reply>> Client::Run(std::span<const Command> commands) {
  RETURN_IF_ERROR(EnsureConnected());
  std::vector<uint8_t> request;
  for (const Command& c : commands) resp::EncodeCommand(c, request);
  return RoundTrip(request, commands.size());
}

util::Result<resp::Reply> Client::Run(const Command& command) {
  ASSIGN_OR_RETURN(auto replies, Run(std::span<const Command>(&command, 1)));
  return std::move(replies[0]);
}

}  // namespace redis

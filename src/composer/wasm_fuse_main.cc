// wasm-fuse: fuses WebAssembly provider components into consumer components.
//
//   wasm-fuse plug --plug PROVIDER.wasm [--plug MORE.wasm] CONSUMER.wasm -o OUT.wasm
//   wasm-fuse inspect [--json] COMPONENT.wasm
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kv/composer/encoder.h"
#include "kv/composer/inspect.h"
#include "kv/composer/plug.h"

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  wasm-fuse plug --plug PROVIDER.wasm [--plug MORE.wasm ...] CONSUMER.wasm -o OUT.wasm\n"
    "      wires each provider export into the consumer import of the same name; the other\n"
    "      imports are merged and kept; the consumer's exports are re-exported\n"
    "  wasm-fuse inspect [--json] COMPONENT.wasm\n"
    "      lists what a component imports and exports\n"
    "  wasm-fuse --version\n";

int Usage(const char* problem) {
  std::fprintf(stderr, "error: %s\n\n%s", problem, kUsage);
  return 2;
}

// Read with stdio, which reports a failed read (a directory, an I/O error) through ferror: the
// iostream route throws from inside its iterator on such a read, which ends the process.
util::Result<std::vector<uint8_t>> ReadFile(const std::string& path) {
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) return util::IOError("cannot open `" + path + "`: " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, in)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  const bool failed = std::ferror(in) != 0;
  const int error = errno;
  std::fclose(in);
  if (failed) return util::IOError("cannot read `" + path + "`: " + std::strerror(error));
  return bytes;
}

util::Status WriteFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  // Written beside the target, then renamed over it: a failure never leaves a partial file.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return util::IOError("cannot create `" + tmp + "`: " + std::strerror(errno));
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return util::IOError("cannot write `" + tmp + "`");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return util::IOError("cannot rename `" + tmp + "` to `" + path + "`: " + std::strerror(errno));
  }
  return util::Status::Ok();
}

int Fail(const util::Status& status) {
  std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
  return 1;
}

int PlugCommand(int argc, char** argv) {
  std::vector<std::string> plugs;
  std::string socket, output;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--plug" || arg == "-o") {
      if (i + 1 >= argc) return Usage(("`" + arg + "` needs a file name").c_str());
      (arg == "-o" ? output : plugs.emplace_back()) = argv[++i];
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage(("unknown option `" + arg + "`").c_str());
    } else if (socket.empty()) {
      socket = arg;
    } else {
      return Usage("plug takes one consumer component");
    }
  }
  if (plugs.empty()) return Usage("plug needs at least one `--plug PROVIDER.wasm`");
  if (socket.empty()) return Usage("plug needs the consumer component");
  if (output.empty()) return Usage("plug needs `-o OUT.wasm`");

  std::vector<composer::Input> plug_inputs;
  for (const std::string& p : plugs) {
    auto bytes = ReadFile(p);
    if (!bytes.ok()) return Fail(bytes.status());
    plug_inputs.push_back({p, std::move(bytes).value()});
  }
  auto socket_bytes = ReadFile(socket);
  if (!socket_bytes.ok()) return Fail(socket_bytes.status());
  composer::Input socket_input{socket, std::move(socket_bytes).value()};

  auto fused = composer::Plug(plug_inputs, socket_input);
  if (!fused.ok()) return Fail(fused.status());
  for (const std::string& w : fused->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (auto s = WriteFile(output, fused->bytes); !s.ok()) return Fail(s);
  std::string plugged;
  for (const std::string& n : fused->plugged) plugged += " " + n;
  std::fprintf(stderr, "fused into `%s`:%s\n", output.c_str(), plugged.c_str());
  for (const std::string& c : fused->chained) std::fprintf(stderr, "  %s\n", c.c_str());
  return 0;
}

int InspectCommand(int argc, char** argv) {
  composer::InspectFormat format = composer::InspectFormat::kText;
  std::string path;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--json") {
      format = composer::InspectFormat::kJson;
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage(("unknown option `" + arg + "`").c_str());
    } else if (path.empty()) {
      path = arg;
    } else {
      return Usage("inspect takes one component");
    }
  }
  if (path.empty()) return Usage("inspect needs a component");
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return Fail(bytes.status());
  auto text = composer::Inspect(*bytes, format);
  if (!text.ok()) return Fail(std::move(text).take_status().WithContext("reading `" + path + "`"));
  std::fputs(text->c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage("no command given");
  std::string command = argv[1];
  if (command == "plug") return PlugCommand(argc - 2, argv + 2);
  if (command == "inspect") return InspectCommand(argc - 2, argv + 2);
  if (command == "--version") {
    std::printf("%.*s %.*s\n", static_cast<int>(composer::kToolName.size()),
                composer::kToolName.data(), static_cast<int>(composer::kToolVersion.size()),
                composer::kToolVersion.data());
    return 0;
  }
  if (command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  return Usage(("unknown command `" + command + "`").c_str());
}

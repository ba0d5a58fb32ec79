#include "bindings/wasi_environment.h"

#include <map>
#include <string>

#include "abi/codec.h"
#include "abi/guest.h"

extern "C" __attribute__((import_module("wasi:cli/environment@0.2.3"),
                          import_name("get-environment"))) void
wasi_get_environment(uint32_t ret);

namespace bindings {

const char* WasiGetEnv(const char* name) {
  static const std::map<std::string, std::string> variables = [] {
    using Pairs = cabi::List<cabi::Tuple<cabi::String, cabi::String>>;
    alignas(8) uint8_t area[8];
    wasi_get_environment(cabi::AddressOf(area));
    cabi::GuestMemory mem;
    auto pairs = cabi::Take<Pairs>(mem, cabi::AddressOf(area));
    std::map<std::string, std::string> out;
    for (auto& [k, v] : pairs) out.emplace(std::move(k), std::move(v));
    return out;
  }();
  auto it = variables.find(name);
  return it == variables.end() ? nullptr : it->second.c_str();
}

}  // namespace bindings

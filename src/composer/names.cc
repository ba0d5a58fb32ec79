#include "composer/names.h"

#include <charconv>
#include <cstdint>
#include <optional>

namespace composer {
namespace {

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  bool prerelease = false;
};

std::optional<Version> ParseVersion(std::string_view v) {
  Version out;
  size_t cut = v.find_first_of("-+");
  if (cut != std::string_view::npos) {
    out.prerelease = v[cut] == '-';
    v = v.substr(0, cut);
  }
  uint64_t* parts[] = {&out.major, &out.minor, &out.patch};
  for (int i = 0; i < 3; ++i) {
    size_t dot = v.find('.');
    std::string_view part = i < 2 ? v.substr(0, dot) : v;
    if (part.empty() || (i < 2 && dot == std::string_view::npos)) return std::nullopt;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), *parts[i]);
    if (ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
    if (i < 2) v = v.substr(dot + 1);
  }
  return out;
}

}  // namespace

bool NamesMatch(std::string_view wanted, std::string_view provided) {
  if (wanted == provided) return true;
  size_t wa = wanted.rfind('@'), pa = provided.rfind('@');
  if (wa == std::string_view::npos || pa == std::string_view::npos) return false;
  if (wanted.substr(0, wa) != provided.substr(0, pa)) return false;
  auto w = ParseVersion(wanted.substr(wa + 1));
  auto p = ParseVersion(provided.substr(pa + 1));
  if (!w || !p || w->prerelease || p->prerelease) return false;
  if (w->major != p->major) return false;
  if (w->major > 0) return true;
  if (w->minor != p->minor) return false;
  return w->minor > 0 || w->patch == p->patch;
}

}  // namespace composer

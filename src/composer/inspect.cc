#include "kv/composer/inspect.h"

#include "kv/composer/component_reader.h"
#include "kv/composer/types.h"

namespace composer {
namespace {

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void Text(std::string& out, const char* heading, const EntityMap& items, TypeDescriber& d) {
  out += heading;
  out += items.empty() ? " none\n" : "\n";
  for (const auto& [name, e] : items.items()) {
    out += "  " + name + " (" + std::string(SortName(e.sort)) + ")\n";
    if (e.sort == Sort::kInstance) {
      for (const auto& [n, x] : e.type->exports.items()) {
        std::string what = x.sort == Sort::kFunc ? d.Describe(x.type) : std::string(SortName(x.sort));
        out += "    " + n + ": " + what + "\n";
      }
    } else if (e.sort == Sort::kFunc) {
      out += "    " + d.Describe(e.type) + "\n";
    }
  }
}

void Json(std::string& out, const EntityMap& items, TypeDescriber& d) {
  out += "[";
  bool first = true;
  for (const auto& [name, e] : items.items()) {
    out += first ? "\n    " : ",\n    ";
    first = false;
    out += "{\"name\": " + JsonString(name) + ", \"kind\": " + JsonString(SortName(e.sort));
    if (e.sort == Sort::kInstance) {
      out += ", \"exports\": [";
      bool f = true;
      for (const auto& [n, x] : e.type->exports.items()) {
        out += f ? "" : ", ";
        f = false;
        out += "{\"name\": " + JsonString(n) + ", \"kind\": " + JsonString(SortName(x.sort));
        if (x.sort == Sort::kFunc) out += ", \"type\": " + JsonString(d.Describe(x.type));
        out += "}";
      }
      out += "]";
    }
    out += "}";
  }
  out += first ? "]" : "\n  ]";
}

}  // namespace

util::Result<std::string> Inspect(std::span<const uint8_t> bytes, InspectFormat format) {
  TypeArena arena;
  ASSIGN_OR_RETURN(const Type* c, ReadComponent(arena, bytes));
  std::string out;
  // Large types shared by several uses are listed once, under `types`, and named where used.
  TypeDescriber d;
  if (format == InspectFormat::kJson) {
    out += "{\n  \"imports\": ";
    Json(out, c->imports, d);
    out += ",\n  \"exports\": ";
    Json(out, c->exports, d);
    if (!d.definitions().empty()) {
      out += ",\n  \"types\": [";
      for (size_t i = 0; i < d.definitions().size(); ++i) {
        const auto& [name, text] = d.definitions()[i];
        out += (i ? ",\n    " : "\n    ");
        out += "{\"name\": " + JsonString(name) + ", \"type\": " + JsonString(text) + "}";
      }
      out += "\n  ]";
    }
    out += "\n}\n";
  } else {
    Text(out, "imports:", c->imports, d);
    Text(out, "exports:", c->exports, d);
    if (!d.definitions().empty()) {
      out += "types:\n";
      for (const auto& [name, text] : d.definitions()) out += "  " + name + " = " + text + "\n";
    }
  }
  return out;
}

}  // namespace composer

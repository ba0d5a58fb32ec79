#include "kv/composer/types.h"

#include <set>

namespace composer {

std::string_view SortName(Sort sort) {
  switch (sort) {
    case Sort::kCoreModule:
      return "core module";
    case Sort::kFunc:
      return "function";
    case Sort::kValue:
      return "value";
    case Sort::kType:
      return "type";
    case Sort::kComponent:
      return "component";
    case Sort::kInstance:
      return "instance";
  }
  return "item";
}

bool IsPrimCode(uint8_t code) { return (code >= 0x73 && code <= 0x7f) || code == 0x64; }

std::string_view PrimName(Prim prim) {
  switch (prim) {
    case Prim::kBool:
      return "bool";
    case Prim::kS8:
      return "s8";
    case Prim::kU8:
      return "u8";
    case Prim::kS16:
      return "s16";
    case Prim::kU16:
      return "u16";
    case Prim::kS32:
      return "s32";
    case Prim::kU32:
      return "u32";
    case Prim::kS64:
      return "s64";
    case Prim::kU64:
      return "u64";
    case Prim::kF32:
      return "f32";
    case Prim::kF64:
      return "f64";
    case Prim::kChar:
      return "char";
    case Prim::kString:
      return "string";
    case Prim::kErrorContext:
      return "error-context";
  }
  return "?";
}

const Entity* EntityMap::Find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &items_[it->second].second;
}

bool EntityMap::Add(std::string name, Entity entity) {
  if (index_.contains(name)) return false;
  index_.emplace(name, items_.size());
  items_.emplace_back(std::move(name), entity);
  return true;
}

TypeArena::TypeArena() {
  for (uint8_t code = 0x64; code <= 0x7f; ++code) {
    if (!IsPrimCode(code)) continue;
    Type* t = New(Type::Kind::kPrim);
    t->prim = static_cast<Prim>(code);
    prims_[t->prim] = t;
  }
}

Type* TypeArena::New(Type::Kind kind) {
  nodes_.emplace_back();
  nodes_.back().kind = kind;
  return &nodes_.back();
}

const Type* TypeArena::ImportedResource(const std::string& import, const std::string& name) {
  auto key = std::make_pair(import, name);
  auto it = resources_.find(key);
  if (it != resources_.end()) return it->second;
  Type* r = New(Type::Kind::kResource);
  r->resource_name = name;
  r->owner = {import, name};
  resources_.emplace(std::move(key), r);
  return r;
}

namespace {

const Type* SubstituteNode(TypeArena& arena, const Type* t, TypeMap& map);

const Type* Sub(TypeArena& arena, const Type* t, TypeMap& map) {
  if (t == nullptr) return nullptr;
  auto it = map.find(t);
  if (it != map.end()) return it->second;
  const Type* out = SubstituteNode(arena, t, map);
  map.emplace(t, out);
  return out;
}

bool SubstituteEntities(TypeArena& arena, const EntityMap& in, EntityMap& out, TypeMap& map) {
  bool changed = false;
  for (const auto& [name, e] : in.items()) {
    Entity s = Substitute(arena, e, map);
    changed = changed || s.type != e.type;
    out.Add(name, s);
  }
  return changed;
}

const Type* SubstituteNode(TypeArena& arena, const Type* t, TypeMap& map) {
  if (t->kind == Type::Kind::kPrim || t->kind == Type::Kind::kResource) return t;
  Type copy = *t;
  bool changed = false;
  for (Member& m : copy.members) {
    const Type* s = Sub(arena, m.type, map);
    changed = changed || s != m.type;
    m.type = s;
  }
  const Type* a = Sub(arena, t->a, map);
  const Type* b = Sub(arena, t->b, map);
  changed = changed || a != t->a || b != t->b;
  copy.a = a;
  copy.b = b;
  copy.imports = EntityMap();
  copy.exports = EntityMap();
  changed = SubstituteEntities(arena, t->imports, copy.imports, map) || changed;
  changed = SubstituteEntities(arena, t->exports, copy.exports, map) || changed;
  if (!changed) return t;
  Type* n = arena.New(t->kind);
  *n = std::move(copy);
  return n;
}

}  // namespace

const Type* Substitute(TypeArena& arena, const Type* type, TypeMap& map) {
  return Sub(arena, type, map);
}

Entity Substitute(TypeArena& arena, Entity entity, TypeMap& map) {
  return {entity.sort, Sub(arena, entity.type, map)};
}

std::string TypeDescriber::Join(const std::vector<Member>& members, bool with_names) {
  std::string s;
  for (size_t i = 0; i < members.size(); ++i) {
    if (i) s += ", ";
    if (with_names) s += members[i].name;
    if (with_names && members[i].type) s += ": ";
    if (members[i].type) s += Part(members[i].type);
  }
  return s;
}

uint64_t TypeDescriber::FullSize(const Type* t) {
  if (t == nullptr) return 1;
  auto it = size_.find(t);
  if (it != size_.end()) return it->second;
  constexpr uint64_t kCap = uint64_t{1} << 40;  // saturates: only compared with kInlineChars
  uint64_t n = 12 + t->labels.size() * 8;
  if (t->kind != Type::Kind::kResource) {
    for (const Member& m : t->members) n = std::min(kCap, n + m.name.size() + 2 + FullSize(m.type));
    if (t->a) n = std::min(kCap, n + FullSize(t->a));
    if (t->b) n = std::min(kCap, n + FullSize(t->b));
  }
  size_.emplace(t, n);
  return n;
}

std::string TypeDescriber::Part(const Type* t) {
  if (t == nullptr) return "_";
  if (t->kind == Type::Kind::kPrim || t->kind == Type::Kind::kResource ||
      FullSize(t) <= kInlineChars) {
    return Describe(t);
  }
  auto it = names_.find(t);
  if (it != names_.end()) return it->second;
  std::string text = Describe(t);  // its own large parts are named first
  // By the name its interface gives it (`error-code`), made unique with the interface where two
  // share one; else by number.
  std::string name;
  if (t->owner.empty()) {
    name = "%" + std::to_string(anonymous_++);
  } else {
    name = taken_.insert(t->owner.name).second ? t->owner.name
                                                : t->owner.import + "." + t->owner.name;
  }
  definitions_.emplace_back(name, std::move(text));
  names_.emplace(t, name);
  return name;
}

std::string TypeDescriber::Describe(const Type* t) {
  if (t == nullptr) return "_";
  using K = Type::Kind;
  switch (t->kind) {
    case K::kPrim:
      return std::string(PrimName(t->prim));
    case K::kRecord:
      return "record { " + Join(t->members, true) + " }";
    case K::kVariant:
      return "variant { " + Join(t->members, true) + " }";
    case K::kList:
      return "list<" + Part(t->a) + ">";
    case K::kTuple:
      return "tuple<" + Join(t->members, false) + ">";
    case K::kFlags:
    case K::kEnum: {
      std::string s = t->kind == K::kFlags ? "flags { " : "enum { ";
      for (size_t i = 0; i < t->labels.size(); ++i) s += (i ? ", " : "") + t->labels[i];
      return s + " }";
    }
    case K::kOption:
      return "option<" + Part(t->a) + ">";
    case K::kResult:
      return "result<" + Part(t->a) + ", " + Part(t->b) + ">";
    case K::kOwn:
      return "own<" + Part(t->a) + ">";
    case K::kBorrow:
      return "borrow<" + Part(t->a) + ">";
    case K::kStream:
    case K::kFuture: {
      std::string s = t->kind == K::kStream ? "stream" : "future";
      return t->a ? s + "<" + Part(t->a) + ">" : s;
    }
    case K::kResource:
      return t->resource_name.empty() ? std::string("resource") : t->resource_name;
    case K::kFunc:
      return std::string(t->async ? "async " : "") + "func(" + Join(t->members, true) + ")" +
             (t->a ? " -> " + Part(t->a) : "");
    case K::kInstance:
      return "instance";
    case K::kComponent:
      return "component";
  }
  return "?";
}

std::string Describe(const Type* t) {
  TypeDescriber d;
  std::string s = d.Describe(t);
  const char* sep = " where ";
  for (const auto& [name, text] : d.definitions()) {
    s += sep + name + " = " + text;
    sep = "; ";
    if (s.size() > kMaxDescribedChars) break;
  }
  if (s.size() > kMaxDescribedChars) {
    s.resize(kMaxDescribedChars);
    s += "...";
  }
  return s;
}

std::vector<ForeignType> ForeignTypes(const std::string& self, const Entity& e) {
  std::vector<ForeignType> out;
  std::set<std::pair<std::string, std::string>> seen_owner;
  std::unordered_set<const Type*> seen;
  // Recursion is bounded by the reader's nesting limit (kMaxNesting); `seen` keeps the walk
  // linear in the number of distinct nodes.
  auto walk = [&](auto&& self_walk, const Type* t) -> void {
    if (t == nullptr || !seen.insert(t).second) return;
    if (!t->owner.empty() && t->owner.import != self) {
      if (seen_owner.insert({t->owner.import, t->owner.name}).second) {
        out.push_back({t->owner, t->kind == Type::Kind::kPrim, t});
      }
      return;
    }
    for (const Member& m : t->members) self_walk(self_walk, m.type);
    self_walk(self_walk, t->a);
    self_walk(self_walk, t->b);
    for (const auto& [n, x] : t->exports.items()) self_walk(self_walk, x.type);
  };
  walk(walk, e.type);
  return out;
}

bool HoldsResource(const Type* type) {
  std::unordered_set<const Type*> seen;
  // Recursion is bounded by the reader's nesting limit, as in ForeignTypes.
  auto walk = [&](auto&& self, const Type* t) -> bool {
    if (t == nullptr || !seen.insert(t).second) return false;
    switch (t->kind) {
      case Type::Kind::kResource:
      case Type::Kind::kOwn:
      case Type::Kind::kBorrow:
        return true;
      default:
        break;
    }
    for (const Member& m : t->members) {
      if (self(self, m.type)) return true;
    }
    if (self(self, t->a) || self(self, t->b)) return true;
    for (const auto& [n, x] : t->exports.items()) {
      if (self(self, x.type)) return true;
    }
    return false;
  };
  return walk(walk, type);
}

}  // namespace composer

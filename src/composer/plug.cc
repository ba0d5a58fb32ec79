#include "composer/plug.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "composer/binary_writer.h"
#include "composer/component_reader.h"
#include "composer/type_check.h"
#include "composer/types.h"

namespace composer {
namespace {

using K = Type::Kind;

std::string Q(std::string_view s) { return "`" + std::string(s) + "`"; }

// ---- names ----

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

namespace {

// ---- merging imports ----

// Interface value types are owned by (import, name). Components read one after another carry
// distinct but equal nodes for the same owned type; the first one seen becomes canonical, so
// a merged import refers to one node per owned type and the encoder can alias it.
class Canonicalizer {
 public:
  explicit Canonicalizer(TypeArena& arena) : arena_(arena) {}

  Entity Apply(Entity e) {
    if (e.sort != Sort::kInstance) return e;
    TypeMap map;
    for (const auto& [name, x] : e.type->exports.items()) {
      if (x.sort != Sort::kType || !x.type->is_value() || x.type->owner.empty()) continue;
      auto key = std::make_pair(x.type->owner.import, x.type->owner.name);
      auto it = first_.find(key);
      if (it == first_.end()) {
        first_.emplace(key, x.type);
      } else if (it->second != x.type &&
                 CheckEqual({Sort::kType, it->second}, {Sort::kType, x.type}).ok()) {
        map.emplace(x.type, it->second);
      }
    }
    return map.empty() ? e : Substitute(arena_, e, map);
  }

 private:
  TypeArena& arena_;
  std::map<std::pair<std::string, std::string>, const Type*> first_;
};

struct MergedImport {
  std::string name;
  Entity entity;
  std::string from;  // the first input that imports it
};

class Merger {
 public:
  explicit Merger(TypeArena& arena) : arena_(arena), canon_(arena) {}

  util::Status Add(const std::string& name, Entity e, const std::string& from) {
    e = canon_.Apply(e);
    auto it = index_.find(name);
    if (it == index_.end()) {
      index_.emplace(name, imports_.size());
      imports_.push_back({name, e, from});
      return util::Status::Ok();
    }
    MergedImport& m = imports_[it->second];
    std::string context = "failed to merge the type definition for implicit import " + Q(name) +
                          " (of " + Q(m.from) + " and " + Q(from) + ") due to conflicting types";
    if (m.entity.sort != Sort::kInstance || e.sort != Sort::kInstance) {
      util::Status s = CheckEqual(m.entity, e);
      return std::move(s).WithContext(context);
    }
    Type* u = nullptr;
    for (const auto& [n, x] : e.type->exports.items()) {
      const Entity* have = m.entity.type->exports.Find(n);
      if (have != nullptr) {
        util::Status s = CheckEqual(*have, x);
        if (!s.ok()) {
          return std::move(s)
              .WithContext("mismatched type for export " + Q(n))
              .WithContext(context);
        }
        continue;
      }
      if (u == nullptr) {
        u = arena_.New(K::kInstance);
        for (const auto& [hn, hx] : m.entity.type->exports.items()) u->exports.Add(hn, hx);
      }
      u->exports.Add(n, x);
    }
    if (u != nullptr) m.entity.type = u;
    return util::Status::Ok();
  }

  const std::vector<MergedImport>& imports() const { return imports_; }
  const MergedImport* Find(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &imports_[it->second];
  }

 private:
  TypeArena& arena_;
  Canonicalizer canon_;
  std::vector<MergedImport> imports_;
  std::unordered_map<std::string, size_t> index_;
};

// The types of other imports that `e` uses, each once: a use of one is an alias of that import's
// export. `primitive` marks a named primitive (`type duration = u64`), which can be written inline
// where its import is not there to alias. In the order first met.
struct ForeignType {
  Owner owner;
  bool primitive;
};

std::vector<ForeignType> ForeignOwners(const std::string& self, const Entity& e) {
  std::vector<ForeignType> out;
  std::set<std::pair<std::string, std::string>> seen_owner;
  std::unordered_set<const Type*> seen;
  std::function<void(const Type*)> walk = [&](const Type* t) {
    if (t == nullptr || !seen.insert(t).second) return;
    if (!t->owner.empty() && t->owner.import != self) {
      if (seen_owner.insert({t->owner.import, t->owner.name}).second) {
        out.push_back({t->owner, t->kind == K::kPrim});
      }
      return;
    }
    for (const Member& m : t->members) walk(m.type);
    walk(t->a);
    walk(t->b);
    for (const auto& [n, x] : t->exports.items()) walk(x.type);
  };
  walk(e.type);
  return out;
}

// ---- encoding ----

// A value type as it is referenced: a primitive code or a type index.
struct ValRef {
  bool prim;
  uint8_t code;
  uint32_t index;
};

class InstanceTypeEncoder {
 public:
  InstanceTypeEncoder(const std::string& self,
                      const std::map<std::pair<std::string, std::string>, uint32_t>& top_alias)
      : self_(self), top_alias_(top_alias) {}

  util::Status Export(const std::string& name, const Entity& e) {
    switch (e.sort) {
      case Sort::kType: {
        const Type* t = e.type;
        if (t->kind == K::kResource && t->owner == Owner{self_, name} && !local_.contains(t)) {
          BinaryWriter d;
          d.Byte(0x04), d.Byte(0x00), d.Name(name), d.Byte(0x03), d.Byte(0x01);
          local_[t] = Decl(d, true);
          named_.insert(t);
          return util::Status::Ok();
        }
        util::Result<uint32_t> idx = t->kind == K::kResource ? ResourceIndex(t) : Define(t);
        if (!idx.ok()) return std::move(idx).take_status();
        BinaryWriter d;
        d.Byte(0x04), d.Byte(0x00), d.Name(name), d.Byte(0x03), d.Byte(0x00), d.U32(*idx);
        const uint32_t exported = Decl(d, true);
        // Everything after refers to a type by its exported name (an imported instance may not
        // use an unnamed one), and by its first name: a second one (`type trailers = fields`) is
        // an alias, and `[constructor]fields` must return the type named `fields`.
        if (named_.insert(t).second) local_[t] = exported;
        return util::Status::Ok();
      }
      case Sort::kFunc: {
        ASSIGN_OR_RETURN(uint32_t idx, Func(e.type));
        BinaryWriter d;
        d.Byte(0x04), d.Byte(0x00), d.Name(name), d.Byte(0x01), d.U32(idx);
        Decl(d, false);
        return util::Status::Ok();
      }
      default:
        return util::Unsupported("export " + Q(name) + " of import " + Q(self_) + " is a " +
                                 std::string(SortName(e.sort)) +
                                 "; only types and functions can be re-encoded");
    }
  }

  // `0x42 vec(instancedecl)`.
  BinaryWriter Finish() const {
    BinaryWriter t;
    t.Byte(0x42);
    t.U32(count_);
    t.Bytes(decls_.bytes());
    return t;
  }

 private:
  uint32_t Decl(const BinaryWriter& d, bool adds_type) {
    decls_.Bytes(d.bytes());
    ++count_;
    return adds_type ? types_++ : 0;
  }

  util::Result<uint32_t> AliasOuter(const Owner& owner) {
    auto it = top_alias_.find({owner.import, owner.name});
    if (it == top_alias_.end()) {
      return util::Unsupported("type " + Q(owner.name) + " of " + Q(owner.import) + " used by " +
                               Q(self_) + " has no top-level alias");
    }
    BinaryWriter d;
    d.Byte(0x02), d.Byte(0x03), d.Byte(0x02), d.U32(1), d.U32(it->second);
    return Decl(d, true);
  }

  util::Result<uint32_t> ResourceIndex(const Type* r) {
    auto it = local_.find(r);
    if (it != local_.end()) return it->second;
    if (!r->owner.empty() && r->owner.import != self_) {
      ASSIGN_OR_RETURN(uint32_t idx, AliasOuter(r->owner));
      local_[r] = idx;
      return idx;
    }
    return util::Unsupported("resource " + Q(Describe(r)) + " of import " + Q(self_) +
                             " is used before it is exported");
  }

  // Whether `t` belongs to another import that has a top-level alias of it.
  bool AliasedFromOutside(const Type* t) const {
    return !t->owner.empty() && t->owner.import != self_ &&
           top_alias_.contains({t->owner.import, t->owner.name});
  }

  util::Result<ValRef> Ref(const Type* t) {
    // A primitive inline, unless this encoding knows it by a name (`type filesize = u64`): defined
    // here already, or another import's that is imported here to alias.
    if (t->kind == K::kPrim && !local_.contains(t) && !AliasedFromOutside(t)) {
      return ValRef{true, static_cast<uint8_t>(t->prim), 0};
    }
    ASSIGN_OR_RETURN(uint32_t idx, Define(t));
    return ValRef{false, 0, idx};
  }

  static void Write(BinaryWriter& w, const ValRef& v) {
    if (v.prim) {
      w.Byte(v.code);
    } else {
      w.S33(v.index);
    }
  }

  util::Status WriteOptional(BinaryWriter& w, const Type* t) {
    if (t == nullptr) {
      w.Byte(0x00);
      return util::Status::Ok();
    }
    ASSIGN_OR_RETURN(ValRef v, Ref(t));
    w.Byte(0x01);
    Write(w, v);
    return util::Status::Ok();
  }

  util::Result<uint32_t> Define(const Type* t) {
    auto it = local_.find(t);
    if (it != local_.end()) return it->second;
    // A type of another import is its alias; a named primitive whose import is not there to
    // alias (plugged, or never imported) is defined here as the primitive it is.
    if (!t->owner.empty() && t->owner.import != self_ &&
        (t->kind != K::kPrim || AliasedFromOutside(t))) {
      ASSIGN_OR_RETURN(uint32_t idx, AliasOuter(t->owner));
      local_[t] = idx;
      return idx;
    }
    BinaryWriter d;
    d.Byte(0x01);
    switch (t->kind) {
      case K::kPrim:
        d.Byte(static_cast<uint8_t>(t->prim));
        break;
      case K::kRecord:
      case K::kTuple: {
        std::vector<ValRef> refs;
        for (const Member& m : t->members) {
          ASSIGN_OR_RETURN(ValRef v, Ref(m.type));
          refs.push_back(v);
        }
        d.Byte(t->kind == K::kRecord ? 0x72 : 0x6f);
        d.U32(static_cast<uint32_t>(refs.size()));
        for (size_t i = 0; i < refs.size(); ++i) {
          if (t->kind == K::kRecord) d.Name(t->members[i].name);
          Write(d, refs[i]);
        }
        break;
      }
      case K::kVariant: {
        std::vector<BinaryWriter> cases(t->members.size());
        for (size_t i = 0; i < t->members.size(); ++i) {
          cases[i].Name(t->members[i].name);
          RETURN_IF_ERROR(WriteOptional(cases[i], t->members[i].type));
          cases[i].Byte(0x00);
        }
        d.Byte(0x71);
        d.U32(static_cast<uint32_t>(cases.size()));
        for (const auto& c : cases) d.Bytes(c.bytes());
        break;
      }
      case K::kList:
      case K::kOption: {
        ASSIGN_OR_RETURN(ValRef v, Ref(t->a));
        d.Byte(t->kind == K::kList ? 0x70 : 0x6b);
        Write(d, v);
        break;
      }
      case K::kFlags:
      case K::kEnum:
        d.Byte(t->kind == K::kFlags ? 0x6e : 0x6d);
        d.U32(static_cast<uint32_t>(t->labels.size()));
        for (const auto& l : t->labels) d.Name(l);
        break;
      case K::kResult: {
        BinaryWriter body;
        RETURN_IF_ERROR(WriteOptional(body, t->a));
        RETURN_IF_ERROR(WriteOptional(body, t->b));
        d.Byte(0x6a);
        d.Bytes(body.bytes());
        break;
      }
      case K::kStream:
      case K::kFuture: {
        BinaryWriter body;
        RETURN_IF_ERROR(WriteOptional(body, t->a));
        d.Byte(t->kind == K::kStream ? 0x66 : 0x65);
        d.Bytes(body.bytes());
        break;
      }
      case K::kOwn:
      case K::kBorrow: {
        ASSIGN_OR_RETURN(uint32_t r, ResourceIndex(t->a));
        d.Byte(t->kind == K::kOwn ? 0x69 : 0x68);
        d.U32(r);
        break;
      }
      default:
        return util::Unsupported("cannot re-encode a " + Describe(t) + " inside import " +
                                 Q(self_));
    }
    uint32_t idx = Decl(d, true);
    local_[t] = idx;
    return idx;
  }

  util::Result<uint32_t> Func(const Type* f) {
    std::vector<ValRef> params;
    for (const Member& m : f->members) {
      ASSIGN_OR_RETURN(ValRef v, Ref(m.type));
      params.push_back(v);
    }
    std::optional<ValRef> result;
    if (f->a) {
      ASSIGN_OR_RETURN(ValRef v, Ref(f->a));
      result = v;
    }
    BinaryWriter d;
    d.Byte(0x01);
    d.Byte(f->async ? 0x43 : 0x40);
    d.U32(static_cast<uint32_t>(params.size()));
    for (size_t i = 0; i < params.size(); ++i) {
      d.Name(f->members[i].name);
      Write(d, params[i]);
    }
    if (result) {
      d.Byte(0x00);
      Write(d, *result);
    } else {
      d.Byte(0x01), d.Byte(0x00);
    }
    return Decl(d, true);
  }

  const std::string& self_;
  const std::map<std::pair<std::string, std::string>, uint32_t>& top_alias_;
  BinaryWriter decls_;
  uint32_t count_ = 0;
  uint32_t types_ = 0;
  std::unordered_map<const Type*, uint32_t> local_;
  std::unordered_set<const Type*> named_;  // types exported under a name here already
};

void OneItemSection(BinaryWriter& out, uint8_t id, const BinaryWriter& item) {
  BinaryWriter payload;
  payload.U32(1);
  payload.Bytes(item.bytes());
  out.Section(id, payload);
}

void WriteSort(BinaryWriter& w, Sort sort) {
  switch (sort) {
    case Sort::kCoreModule:
      w.Byte(0x00), w.Byte(0x11);
      break;
    case Sort::kFunc:
      w.Byte(0x01);
      break;
    case Sort::kValue:
      w.Byte(0x02);
      break;
    case Sort::kType:
      w.Byte(0x03);
      break;
    case Sort::kComponent:
      w.Byte(0x04);
      break;
    case Sort::kInstance:
      w.Byte(0x05);
      break;
  }
}

struct Loaded {
  const Input* input;
  const Type* type;
};

// Orders merged imports so that each comes after the imports whose types it uses.
util::Result<std::vector<const MergedImport*>> TopoSort(
    const Merger& merged, const std::map<std::string, std::string>& plugged_by) {
  std::vector<const MergedImport*> order;
  std::map<std::string, int> state;  // 1 visiting, 2 done
  std::function<util::Status(const MergedImport&)> visit = [&](const MergedImport& m) {
    int& st = state[m.name];
    if (st == 2) return util::Status::Ok();
    if (st == 1) {
      return util::Unsupported("imports " + Q(m.name) + " and the ones it uses form a cycle");
    }
    st = 1;
    for (const auto& [o, primitive] : ForeignOwners(m.name, m.entity)) {
      const MergedImport* dep = merged.Find(o.import);
      if (dep == nullptr && primitive) continue;  // written inline (InstanceTypeEncoder::Ref)
      if (dep == nullptr) {
        auto p = plugged_by.find(o.import);
        if (p != plugged_by.end()) {
          return util::Status(
              util::Code::kTypeMismatch,
              "import " + Q(m.name) + " of " + Q(m.from) + " uses " + Q(o.name) + " from " +
                  Q(o.import) + ", which " + Q(p->second) +
                  " provides: that import cannot stay outside the composition; plug " + Q(m.name) +
                  " as well, or do not plug " + Q(o.import));
        }
        return util::Unsupported("import " + Q(m.name) + " uses " + Q(o.name) + " from " +
                                 Q(o.import) + ", which is not imported");
      }
      RETURN_IF_ERROR(visit(*dep));
    }
    state[m.name] = 2;
    order.push_back(&m);
    return util::Status::Ok();
  };
  for (const MergedImport& m : merged.imports()) RETURN_IF_ERROR(visit(m));
  return order;
}

}  // namespace

util::Result<PlugOutput> Plug(const std::vector<Input>& plugs, const Input& socket) {
  TypeArena arena;
  PlugOutput result;

  auto read = [&](const Input& in) -> util::Result<const Type*> {
    auto t = ReadComponent(arena, in.bytes);
    if (!t.ok()) return std::move(t).take_status().WithContext("reading " + Q(in.name));
    return t;
  };
  ASSIGN_OR_RETURN(const Type* socket_type, read(socket));
  std::vector<Loaded> loaded;
  for (const Input& p : plugs) {
    ASSIGN_OR_RETURN(const Type* t, read(p));
    loaded.push_back({&p, t});
  }

  // 1. Match socket imports to plug exports, in socket order (an interface before those that
  //    use its resources), sharing one resource map.
  struct Connection {
    size_t plug;
    std::string export_name;
  };
  std::map<std::string, Connection> connections;
  std::map<std::string, std::string> plugged_by;
  std::vector<bool> used(loaded.size(), false);
  TypeMap resources;
  for (const auto& [name, wanted] : socket_type->imports.items()) {
    for (size_t i = 0; i < loaded.size() && !connections.contains(name); ++i) {
      for (const auto& [export_name, provided] : loaded[i].type->exports.items()) {
        if (!NamesMatch(name, export_name)) continue;
        util::Status s = CheckSubtype(wanted, provided, resources);
        if (!s.ok()) {
          return std::move(s).WithContext("cannot plug export " + Q(export_name) + " of " +
                                          Q(loaded[i].input->name) + " into import " + Q(name) +
                                          " of " + Q(socket.name) + ": type mismatch");
        }
        connections.emplace(name, Connection{i, export_name});
        plugged_by.emplace(name, loaded[i].input->name);
        used[i] = true;
        result.plugged.push_back(name);
        break;
      }
    }
  }
  if (connections.empty()) {
    std::string provided;
    for (const Loaded& l : loaded) {
      for (const auto& [n, e] : l.type->exports.items()) provided += "\n  " + n;
    }
    return util::NotFound(
        "the socket component " + Q(socket.name) +
        " had no matching imports for the plugs that were provided; they export:" +
        (provided.empty() ? std::string(" nothing") : provided));
  }
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (!used[i]) {
      result.warnings.push_back("plug " + Q(loaded[i].input->name) +
                                " provides nothing the socket imports; it is left out");
    }
  }

  // 2. Merge what stays imported: the socket's unplugged imports, then each used plug's.
  Merger merger(arena);
  for (const auto& [name, e] : socket_type->imports.items()) {
    if (connections.contains(name)) continue;
    RETURN_IF_ERROR(merger.Add(name, e, socket.name));
  }
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (!used[i]) continue;
    for (const auto& [name, e] : loaded[i].type->imports.items()) {
      RETURN_IF_ERROR(merger.Add(name, e, loaded[i].input->name));
    }
  }
  for (const MergedImport& m : merger.imports()) {
    if (m.entity.sort != Sort::kInstance) {
      return util::Unsupported("import " + Q(m.name) + " of " + Q(m.from) + " is a " +
                               std::string(SortName(m.entity.sort)) +
                               "; only instance (interface) imports can be merged");
    }
  }
  ASSIGN_OR_RETURN(auto order, TopoSort(merger, plugged_by));

  // 3. Encode.
  BinaryWriter out;
  static const uint8_t kPreamble[] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
  out.Bytes(kPreamble);
  uint32_t types = 0, instances = 0, components = 0;
  std::map<Sort, uint32_t> spaces;
  std::map<std::pair<std::string, std::string>, uint32_t> top_alias;
  std::map<std::string, uint32_t> instance_of;

  for (const MergedImport* m : order) {
    for (const auto& [o, primitive] : ForeignOwners(m->name, m->entity)) {
      if (top_alias.contains({o.import, o.name})) continue;
      const MergedImport* owner = merger.Find(o.import);
      if (owner == nullptr && primitive) continue;  // written inline
      if (owner == nullptr || owner->entity.type->exports.Find(o.name) == nullptr) {
        return util::Unsupported("import " + Q(m->name) + " uses " + Q(o.name) + " from " +
                                 Q(o.import) + ", which that import does not export");
      }
      BinaryWriter alias;
      alias.Byte(0x03), alias.Byte(0x00), alias.U32(instance_of.at(o.import)), alias.Name(o.name);
      OneItemSection(out, 6, alias);
      top_alias[{o.import, o.name}] = types++;
    }
    InstanceTypeEncoder encoder(m->name, top_alias);
    for (const auto& [n, x] : m->entity.type->exports.items()) {
      util::Status s = encoder.Export(n, x);
      if (!s.ok()) return std::move(s).WithContext("encoding import " + Q(m->name));
    }
    OneItemSection(out, 7, encoder.Finish());
    uint32_t type_index = types++;
    BinaryWriter import;
    import.Byte(0x00), import.Name(m->name), import.Byte(0x05), import.U32(type_index);
    OneItemSection(out, 10, import);
    instance_of[m->name] = instances++;
  }

  // The inputs, byte for byte.
  std::vector<uint32_t> plug_component(loaded.size());
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (!used[i]) continue;
    BinaryWriter body;
    body.Bytes(loaded[i].input->bytes);
    out.Section(4, body);
    plug_component[i] = components++;
  }
  BinaryWriter socket_body;
  socket_body.Bytes(socket.bytes);
  out.Section(4, socket_body);
  uint32_t socket_component = components++;

  auto instantiate = [&](uint32_t component, const Type* type,
                         const std::function<uint32_t(const std::string&)>& arg) {
    BinaryWriter inst;
    inst.Byte(0x00), inst.U32(component);
    inst.U32(static_cast<uint32_t>(type->imports.size()));
    for (const auto& [name, e] : type->imports.items()) {
      inst.Name(name), inst.Byte(0x05), inst.U32(arg(name));
    }
    OneItemSection(out, 5, inst);
    return instances++;
  };
  std::vector<uint32_t> plug_instance(loaded.size());
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (!used[i]) continue;
    plug_instance[i] = instantiate(plug_component[i], loaded[i].type,
                                   [&](const std::string& n) { return instance_of.at(n); });
  }
  std::map<std::string, uint32_t> plugged_instance;
  for (const auto& [name, e] : socket_type->imports.items()) {
    auto c = connections.find(name);
    if (c == connections.end()) continue;
    BinaryWriter alias;
    alias.Byte(0x05), alias.Byte(0x00), alias.U32(plug_instance[c->second.plug]);
    alias.Name(c->second.export_name);
    OneItemSection(out, 6, alias);
    plugged_instance[name] = instances++;
  }
  uint32_t socket_instance = instantiate(socket_component, socket_type, [&](const std::string& n) {
    auto p = plugged_instance.find(n);
    return p != plugged_instance.end() ? p->second : instance_of.at(n);
  });
  spaces[Sort::kInstance] = instances;
  spaces[Sort::kType] = types;
  spaces[Sort::kComponent] = components;
  for (const auto& [name, e] : socket_type->exports.items()) {
    if (e.sort == Sort::kValue || e.sort == Sort::kCoreModule) {
      return util::Unsupported("socket export " + Q(name) + " is a " +
                               std::string(SortName(e.sort)) + ", which cannot be re-exported");
    }
    BinaryWriter alias;
    WriteSort(alias, e.sort);
    alias.Byte(0x00), alias.U32(socket_instance), alias.Name(name);
    OneItemSection(out, 6, alias);
    uint32_t idx = spaces[e.sort]++;
    BinaryWriter exp;
    exp.Byte(0x00), exp.Name(name);
    WriteSort(exp, e.sort);
    exp.U32(idx), exp.Byte(0x00);
    OneItemSection(out, 11, exp);
    spaces[e.sort]++;
  }

  // producers: processed-by this tool.
  BinaryWriter producers;
  producers.Name("producers");
  producers.U32(1);
  producers.Name("processed-by");
  producers.U32(1);
  producers.Name(kToolName);
  producers.Name(kToolVersion);
  out.Section(0, producers);

  // 4. Read the output back and check that it has the imports and exports intended.
  result.bytes = out.Take();
  TypeArena check_arena;
  auto reread = ReadComponent(check_arena, result.bytes);
  if (!reread.ok()) {
    return std::move(reread).take_status().WithContext(
        "internal error: the fused component does not read back");
  }
  std::vector<std::string> want_imports, got_imports, want_exports, got_exports;
  for (const MergedImport* m : order) want_imports.push_back(m->name);
  for (const auto& [n, e] : (*reread)->imports.items()) got_imports.push_back(n);
  for (const auto& [n, e] : socket_type->exports.items()) want_exports.push_back(n);
  for (const auto& [n, e] : (*reread)->exports.items()) got_exports.push_back(n);
  if (want_imports != got_imports || want_exports != got_exports) {
    return util::Status(util::Code::kTypeMismatch,
                        "internal error: the fused component's imports or exports differ from "
                        "those intended");
  }
  return result;
}

}  // namespace composer

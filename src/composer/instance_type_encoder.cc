#include "composer/instance_type_encoder.h"

#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "composer/names.h"

namespace composer {
namespace {

using K = Type::Kind;

// A value type as it is referenced: a primitive code or a type index.
struct ValRef {
  bool prim;
  uint8_t code;
  uint32_t index;
};

class InstanceTypeEncoder {
 public:
  InstanceTypeEncoder(const std::string& self, const TopAliases& top_alias)
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
          by_name_.emplace(name, std::make_pair(t, local_[t]));
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
        by_name_.emplace(name, std::make_pair(t, exported));
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
    d.Byte(0x02), d.Byte(0x03), d.Byte(0x02), d.U32(1), d.U32(it->second.value());
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

  // The index a handle refers to: the type export it was written against when that name is
  // exported here for the same resource (`borrow<trailers>`), else the resource's first name.
  util::Result<uint32_t> HandleTarget(const Type* handle) {
    if (!handle->via.empty()) {
      auto named = by_name_.find(handle->via);
      if (named != by_name_.end() && named->second.first == handle->a) return named->second.second;
    }
    return ResourceIndex(handle->a);
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
        ASSIGN_OR_RETURN(uint32_t r, HandleTarget(t));
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
  const TopAliases& top_alias_;
  BinaryWriter decls_;
  uint32_t count_ = 0;
  uint32_t types_ = 0;
  std::unordered_map<const Type*, uint32_t> local_;
  std::unordered_set<const Type*> named_;  // types exported under a name here already
  // Each type export: its type and its index.
  std::unordered_map<std::string, std::pair<const Type*, uint32_t>> by_name_;
};

}  // namespace

util::Result<BinaryWriter> EncodeInstanceType(const std::string& self, const Type* instance,
                                              const TopAliases& top_alias) {
  InstanceTypeEncoder encoder(self, top_alias);
  for (const auto& [name, x] : instance->exports.items()) RETURN_IF_ERROR(encoder.Export(name, x));
  return encoder.Finish();
}

}  // namespace composer

// Grammar read here (component-binary.md; the specification is spec/Binary.md):
//
//   component  ::= 00 61 73 6D  0d 00  01 00  section*
//   section    ::= id:u8 size:u32 payload        ids 0 custom, 1 core module, 2 core instance,
//                                               3 core type, 4 component, 5 instance, 6 alias,
//                                               7 type, 8 canon, 9 start, 10 import, 11 export
//   sortidx    ::= sort u32      sort ::= 00 core:sort | 01 func | 02 value | 03 type
//                                         | 04 component | 05 instance
//   externtype ::= 00 11 i | 01 i | 02 .. | 03 (00 i | 01) | 04 i | 05 i
//   valtype    ::= s33 (negative: a primitive code; else a type index)
#include "kv/composer/component_reader.h"

#include <unordered_map>

#include <functional>

#include <string>

#include "composer/binary_reader.h"

namespace composer {
namespace {

using K = Type::Kind;

constexpr uint8_t kCoreSortModule = 0x11;

struct Scope {
  Scope* parent = nullptr;
  std::vector<const Type*> types;
  std::vector<const Type*> funcs;
  std::vector<const Type*> instances;
  std::vector<const Type*> components;
  uint32_t core_modules = 0;
  EntityMap imports;
  EntityMap exports;
  std::vector<Type*> defined;  // value types defined by type declarations in this scope
  // The export name of each type index that a type export declaration added.
  std::unordered_map<uint32_t, std::string> type_export_names;
};

std::string Hex(uint32_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s = "0x";
  bool started = false;
  for (int shift = 28; shift >= 0; shift -= 4) {
    uint32_t d = (v >> shift) & 0xf;
    if (d || started || shift == 0) s += digits[d], started = true;
  }
  return s;
}

class Evaluator {
 public:
  Evaluator(TypeArena& arena, const ReadOptions& options)
      : arena_(arena), instantiations_(options.instantiations), max_nesting_(options.max_nesting) {}

  util::Result<const Type*> Component(BinaryReader r, Scope* parent, uint32_t depth, bool top);

 private:
  util::Status Section(uint8_t id, BinaryReader& r, Scope& s, uint32_t depth, bool top);
  util::Result<const Type*> DefType(BinaryReader& r, Scope& s, uint32_t depth);
  util::Result<const Type*> ValType(BinaryReader& r, Scope& s);
  util::Result<const Type*> TypeScope(BinaryReader& r, Scope& parent, bool component,
                                      uint32_t depth);
  util::Result<Entity> ExternType(BinaryReader& r, Scope& s);
  util::Result<std::string> ExternName(BinaryReader& r, std::string_view what);
  // The sort of an item reference; `*core` is set for core sorts other than modules.
  util::Result<Sort> ReadSort(BinaryReader& r, bool* core);
  util::Result<Entity> Item(BinaryReader& r, const Scope& s, Sort sort, uint32_t index,
                            uint64_t at);
  util::Status Alias(BinaryReader& r, Scope& s);
  util::Status Instance(BinaryReader& r, Scope& s);
  util::Status Canon(BinaryReader& r, Scope& s);
  util::Status CanonBuiltIn(BinaryReader& r, Scope& s, uint8_t op, uint64_t at,
                            const std::function<util::Status()>& options);
  util::Status SkipCoreType(BinaryReader& r);
  util::Status Add(Scope& s, Entity e, BinaryReader& r);
  util::Result<const Type*> Instantiate(const Type* component, const EntityMap& args,
                                        const BinaryReader& r, uint64_t at);
  Entity Bind(const std::string& name, Entity entity);

  Type* NewValue(K kind) { return arena_.New(kind); }
  util::Result<const Type*> Finish(Type* t, const BinaryReader& r, uint64_t at);

  TypeArena& arena_;
  std::vector<Instantiation>* instantiations_;  // the top level's, when asked for
  uint32_t max_nesting_;
};

util::Result<const Type*> Evaluator::Finish(Type* t, const BinaryReader& r, uint64_t at) {
  uint32_t depth = 0;
  uint64_t size = 1;
  // Counted as wasm-tools counts it: one for the node and the size of each part, where a handle
  // (own, borrow) is one node whatever its resource.
  auto part = [&](const Type* p) {
    if (p == nullptr) return;
    depth = std::max(depth, p->depth);
    if (t->kind != K::kOwn && t->kind != K::kBorrow) size += p->size;
  };
  for (const Member& m : t->members) part(m.type);
  part(t->a);
  part(t->b);
  t->size = size;
  if (t->is_value() || t->kind == K::kFunc) {
    if (size >= kMaxEffectiveTypeSize) {
      return r.ErrorAt(at, "type",
                       "its effective size (the type written out in full) reaches the limit of " +
                           std::to_string(kMaxEffectiveTypeSize) + " type nodes");
    }
  }
  for (const auto* map : {&t->imports, &t->exports}) {
    for (const auto& [name, e] : map->items()) depth = std::max(depth, e.type ? e.type->depth : 0);
  }
  t->depth = depth + 1;
  if (t->depth > max_nesting_) {
    return r.ErrorAt(at, "type", "nested deeper than " + std::to_string(max_nesting_) + " levels");
  }
  return t;
}

util::Result<std::string> Evaluator::ExternName(BinaryReader& r, std::string_view what) {
  uint64_t at = r.offset();
  ASSIGN_OR_RETURN(uint8_t form, r.ReadByte(what));
  if (form == 0x02) {
    return util::Unsupported(std::string(what) + ": names with attributes (0x02) are not supported")
        .AtOffset(at);
  }
  if (form != 0x00 && form != 0x01) {
    return r.ErrorAt(at, what, "unknown name form " + Hex(form));
  }
  return r.ReadName(what);
}

util::Result<const Type*> Evaluator::ValType(BinaryReader& r, Scope& s) {
  uint64_t at = r.offset();
  ASSIGN_OR_RETURN(int64_t v, r.ReadS33("value type"));
  if (v < 0) {
    int64_t code = v + 0x80;
    if (code < 0 || code > 0xff || !IsPrimCode(static_cast<uint8_t>(code))) {
      return r.ErrorAt(at, "value type", "unknown primitive type code");
    }
    return arena_.PrimType(static_cast<Prim>(code));
  }
  if (static_cast<uint64_t>(v) >= s.types.size()) {
    return r.ErrorAt(at, "value type", "type index " + std::to_string(v) + " out of range");
  }
  const Type* t = s.types[v];
  if (!t->is_value()) return r.ErrorAt(at, "value type", "type index refers to a non-value type");
  return t;
}

util::Result<const Type*> Evaluator::DefType(BinaryReader& r, Scope& s, uint32_t depth) {
  uint64_t at = r.offset();
  ASSIGN_OR_RETURN(uint8_t op, r.ReadByte("type definition"));
  if (IsPrimCode(op)) {
    // A defined primitive (`type filesize = u64`) is a node of its own, so that the name it is
    // exported under stays attached to where it is used; a primitive written inline is the
    // arena's shared node.
    Type* t = NewValue(K::kPrim);
    t->prim = static_cast<Prim>(op);
    s.defined.push_back(t);
    return Finish(t, r, at);
  }
  auto optional_valtype = [&](std::string_view what) -> util::Result<const Type*> {
    ASSIGN_OR_RETURN(uint8_t present, r.ReadByte(what));
    if (present == 0) return static_cast<const Type*>(nullptr);
    if (present != 1) return r.Error(what, "expected 0x00 or 0x01");
    return ValType(r, s);
  };
  switch (op) {
    case 0x72:    // record
    case 0x71:    // variant
    case 0x6f: {  // tuple
      Type* t = NewValue(op == 0x72 ? K::kRecord : op == 0x71 ? K::kVariant : K::kTuple);
      ASSIGN_OR_RETURN(uint32_t n, r.ReadCount("members", 1));
      for (uint32_t i = 0; i < n; ++i) {
        Member m;
        if (op != 0x6f) {
          ASSIGN_OR_RETURN(m.name, r.ReadName("label"));
        }
        if (op == 0x71) {
          ASSIGN_OR_RETURN(m.type, optional_valtype("variant case"));
          ASSIGN_OR_RETURN(uint8_t refines, r.ReadByte("variant case"));
          if (refines != 0) {
            return util::Unsupported("variant case refinement is not supported")
                .AtOffset(r.offset() - 1);
          }
        } else {
          ASSIGN_OR_RETURN(m.type, ValType(r, s));
        }
        t->members.push_back(std::move(m));
      }
      s.defined.push_back(t);
      return Finish(t, r, at);
    }
    case 0x70:    // list
    case 0x6b: {  // option
      Type* t = NewValue(op == 0x70 ? K::kList : K::kOption);
      ASSIGN_OR_RETURN(t->a, ValType(r, s));
      s.defined.push_back(t);
      return Finish(t, r, at);
    }
    case 0x6e:    // flags
    case 0x6d: {  // enum
      Type* t = NewValue(op == 0x6e ? K::kFlags : K::kEnum);
      ASSIGN_OR_RETURN(uint32_t n, r.ReadCount("labels", 1));
      for (uint32_t i = 0; i < n; ++i) {
        ASSIGN_OR_RETURN(std::string label, r.ReadName("label"));
        t->labels.push_back(std::move(label));
      }
      s.defined.push_back(t);
      return Finish(t, r, at);
    }
    case 0x6a: {  // result
      Type* t = NewValue(K::kResult);
      ASSIGN_OR_RETURN(t->a, optional_valtype("result ok type"));
      ASSIGN_OR_RETURN(t->b, optional_valtype("result error type"));
      s.defined.push_back(t);
      return Finish(t, r, at);
    }
    case 0x69:    // own
    case 0x68: {  // borrow
      uint64_t idx_at = r.offset();
      ASSIGN_OR_RETURN(uint32_t idx, r.ReadU32("resource index"));
      if (idx >= s.types.size() || s.types[idx]->kind != K::kResource) {
        return r.ErrorAt(idx_at, "handle type",
                         "type index " + std::to_string(idx) + " is not a resource");
      }
      Type* t = NewValue(op == 0x69 ? K::kOwn : K::kBorrow);
      t->a = s.types[idx];
      if (auto name = s.type_export_names.find(idx); name != s.type_export_names.end()) {
        t->via = name->second;
      }
      s.defined.push_back(t);
      return Finish(t, r, at);
    }
    case 0x40:    // func
    case 0x43: {  // async func
      Type* t = arena_.New(K::kFunc);
      t->async = op == 0x43;
      ASSIGN_OR_RETURN(uint32_t n, r.ReadCount("parameters", 2));
      for (uint32_t i = 0; i < n; ++i) {
        Member m;
        ASSIGN_OR_RETURN(m.name, r.ReadName("parameter name"));
        ASSIGN_OR_RETURN(m.type, ValType(r, s));
        t->members.push_back(std::move(m));
      }
      ASSIGN_OR_RETURN(uint8_t results, r.ReadByte("function results"));
      if (results == 0x00) {
        ASSIGN_OR_RETURN(t->a, ValType(r, s));
      } else if (results == 0x01) {
        ASSIGN_OR_RETURN(uint32_t named, r.ReadU32("function results"));
        if (named != 0) {
          return util::Unsupported("functions with named results are not supported")
              .AtOffset(r.offset());
        }
      } else {
        return r.Error("function results", "expected 0x00 or 0x01");
      }
      return Finish(t, r, at);
    }
    case 0x41:  // component type
    case 0x42:  // instance type
      if (depth >= max_nesting_) return r.ErrorAt(at, "type", "type scopes nested too deeply");
      return TypeScope(r, s, op == 0x41, depth + 1);
    case 0x3f: {  // resource
      ASSIGN_OR_RETURN(uint8_t rep, r.ReadByte("resource representation"));
      if (rep != 0x7f) return r.Error("resource representation", "expected i32 (0x7f)");
      ASSIGN_OR_RETURN(uint8_t has_dtor, r.ReadByte("resource destructor"));
      if (has_dtor == 1) {
        ASSIGN_OR_RETURN(uint32_t dtor, r.ReadU32("resource destructor"));
        (void)dtor;
      } else if (has_dtor != 0) {
        return r.Error("resource destructor", "expected 0x00 or 0x01");
      }
      return static_cast<const Type*>(arena_.New(K::kResource));
    }
    case 0x3e:
      return util::Unsupported("async resource types (0x3e) are not supported").AtOffset(at);
    case 0x67:
      return util::Unsupported("fixed-length lists (0x67) are not supported").AtOffset(at);
    case 0x66:    // stream
    case 0x65: {  // future
      Type* t = NewValue(op == 0x66 ? K::kStream : K::kFuture);
      ASSIGN_OR_RETURN(t->a, optional_valtype(op == 0x66 ? "stream element type" : "future type"));
      s.defined.push_back(t);
      return Finish(t, r, at);
    }
    case 0x63:
      return util::Unsupported("map types (0x63) are not supported").AtOffset(at);
    default:
      return r.ErrorAt(at, "type definition", "unknown type constructor " + Hex(op));
  }
}

util::Status Evaluator::SkipCoreType(BinaryReader& r) {
  uint64_t at = r.offset();
  ASSIGN_OR_RETURN(uint8_t form, r.ReadByte("core type"));
  if (form != 0x60) {
    return util::Unsupported("core type form " + Hex(form) +
                             " inside a component-level type is not supported")
        .AtOffset(at);
  }
  for (const char* what : {"core function parameters", "core function results"}) {
    ASSIGN_OR_RETURN(uint32_t n, r.ReadCount(what, 1));
    for (uint32_t i = 0; i < n; ++i) {
      uint64_t vat = r.offset();
      ASSIGN_OR_RETURN(uint8_t v, r.ReadByte(what));
      if (v < 0x7b || v > 0x7f) {
        return util::Unsupported("core value type " + Hex(v) + " is not supported").AtOffset(vat);
      }
    }
  }
  return util::Status::Ok();
}

util::Result<Entity> Evaluator::ExternType(BinaryReader& r, Scope& s) {
  uint64_t at = r.offset();
  ASSIGN_OR_RETURN(uint8_t kind, r.ReadByte("extern type"));
  auto type_at = [&](K want, std::string_view what) -> util::Result<const Type*> {
    uint64_t idx_at = r.offset();
    ASSIGN_OR_RETURN(uint32_t idx, r.ReadU32(what));
    if (idx >= s.types.size()) {
      return r.ErrorAt(idx_at, what, "type index " + std::to_string(idx) + " out of range");
    }
    if (s.types[idx]->kind != want) {
      return r.ErrorAt(idx_at, what, "type index " + std::to_string(idx) + " has the wrong kind");
    }
    return s.types[idx];
  };
  switch (kind) {
    case 0x00: {
      ASSIGN_OR_RETURN(uint8_t core, r.ReadByte("core extern type"));
      if (core != kCoreSortModule) return r.Error("core extern type", "expected a core module");
      ASSIGN_OR_RETURN(uint32_t idx, r.ReadU32("core module type"));
      (void)idx;
      return Entity{Sort::kCoreModule, nullptr};
    }
    case 0x01: {
      ASSIGN_OR_RETURN(const Type* t, type_at(K::kFunc, "function type"));
      return Entity{Sort::kFunc, t};
    }
    case 0x02:
      return util::Unsupported("value imports and exports are not supported").AtOffset(at);
    case 0x03: {
      ASSIGN_OR_RETURN(uint8_t bound, r.ReadByte("type bound"));
      if (bound == 0x01) {
        Type* placeholder = arena_.New(K::kResource);
        placeholder->abstract = true;
        return Entity{Sort::kType, placeholder};
      }
      if (bound != 0x00) return r.Error("type bound", "expected 0x00 or 0x01");
      uint64_t idx_at = r.offset();
      ASSIGN_OR_RETURN(uint32_t idx, r.ReadU32("type bound"));
      if (idx >= s.types.size()) {
        return r.ErrorAt(idx_at, "type bound",
                         "type index " + std::to_string(idx) + " out of range");
      }
      return Entity{Sort::kType, s.types[idx]};
    }
    case 0x04: {
      ASSIGN_OR_RETURN(const Type* t, type_at(K::kComponent, "component type"));
      return Entity{Sort::kComponent, t};
    }
    case 0x05: {
      ASSIGN_OR_RETURN(const Type* t, type_at(K::kInstance, "instance type"));
      return Entity{Sort::kInstance, t};
    }
    default:
      return r.ErrorAt(at, "extern type", "unknown kind " + Hex(kind));
  }
}

util::Status Evaluator::Add(Scope& s, Entity e, BinaryReader& r) {
  switch (e.sort) {
    case Sort::kType:
      s.types.push_back(e.type);
      break;
    case Sort::kFunc:
      s.funcs.push_back(e.type);
      break;
    case Sort::kInstance:
      s.instances.push_back(e.type);
      break;
    case Sort::kComponent:
      s.components.push_back(e.type);
      break;
    case Sort::kCoreModule:
      ++s.core_modules;
      break;
    case Sort::kValue:
      return util::Unsupported("values are not supported").AtOffset(r.offset());
  }
  return util::Status::Ok();
}

util::Result<Sort> Evaluator::ReadSort(BinaryReader& r, bool* core) {
  uint64_t at = r.offset();
  ASSIGN_OR_RETURN(uint8_t sort, r.ReadByte("sort"));
  *core = false;
  Sort out;
  switch (sort) {
    case 0x00: {
      ASSIGN_OR_RETURN(uint8_t core_sort, r.ReadByte("core sort"));
      if (core_sort > 0x04 && core_sort != 0x10 && core_sort != 0x11 && core_sort != 0x12) {
        return r.ErrorAt(at, "sort", "unknown core sort " + Hex(core_sort));
      }
      *core = core_sort != kCoreSortModule;
      out = Sort::kCoreModule;
      break;
    }
    case 0x01:
      out = Sort::kFunc;
      break;
    case 0x02:
      out = Sort::kValue;
      break;
    case 0x03:
      out = Sort::kType;
      break;
    case 0x04:
      out = Sort::kComponent;
      break;
    case 0x05:
      out = Sort::kInstance;
      break;
    default:
      return r.ErrorAt(at, "sort", "unknown sort " + Hex(sort));
  }
  return out;
}

util::Result<Entity> Evaluator::Item(BinaryReader& r, const Scope& s, Sort sort, uint32_t index,
                                     uint64_t at) {
  auto pick = [&](const std::vector<const Type*>& space) -> util::Result<Entity> {
    if (index >= space.size()) {
      return r.ErrorAt(at, SortName(sort), "index " + std::to_string(index) + " out of range");
    }
    return Entity{sort, space[index]};
  };
  switch (sort) {
    case Sort::kType:
      return pick(s.types);
    case Sort::kFunc:
      return pick(s.funcs);
    case Sort::kInstance:
      return pick(s.instances);
    case Sort::kComponent:
      return pick(s.components);
    case Sort::kCoreModule:
      if (index >= s.core_modules) return r.ErrorAt(at, "core module", "index out of range");
      return Entity{Sort::kCoreModule, nullptr};
    case Sort::kValue:
      break;
  }
  return util::Unsupported("values are not supported").AtOffset(at);
}

util::Status Evaluator::Alias(BinaryReader& r, Scope& s) {
  uint64_t at = r.offset();
  bool core = false;
  ASSIGN_OR_RETURN(Sort sort_of_item, ReadSort(r, &core));
  Sort sort = sort_of_item;
  ASSIGN_OR_RETURN(uint8_t target, r.ReadByte("alias target"));
  switch (target) {
    case 0x00: {  // export of a component instance
      ASSIGN_OR_RETURN(uint32_t inst, r.ReadU32("alias instance"));
      ASSIGN_OR_RETURN(std::string name, r.ReadName("alias name"));
      if (core) return r.ErrorAt(at, "alias", "a core sort cannot come from a component instance");
      if (inst >= s.instances.size()) return r.ErrorAt(at, "alias", "instance index out of range");
      const Entity* e = s.instances[inst]->exports.Find(name);
      if (e == nullptr) {
        return r.ErrorAt(at, "alias",
                         "instance " + std::to_string(inst) + " has no export `" + name + "`");
      }
      if (e->sort != sort) {
        return r.ErrorAt(at, "alias",
                         "export `" + name + "` is a " + std::string(SortName(e->sort)) +
                             ", not a " + std::string(SortName(sort)));
      }
      return Add(s, *e, r);
    }
    case 0x01: {  // export of a core instance: core sorts only, not tracked
      ASSIGN_OR_RETURN(uint32_t inst, r.ReadU32("alias core instance"));
      (void)inst;
      ASSIGN_OR_RETURN(std::string name, r.ReadName("alias name"));
      if (sort == Sort::kCoreModule && !core) ++s.core_modules;
      return util::Status::Ok();
    }
    case 0x02: {  // outer
      ASSIGN_OR_RETURN(uint32_t count, r.ReadU32("outer alias count"));
      ASSIGN_OR_RETURN(uint32_t idx, r.ReadU32("outer alias index"));
      if (core) return util::Status::Ok();  // core types: not tracked
      Scope* outer = &s;
      for (uint32_t i = 0; i < count && outer != nullptr; ++i) outer = outer->parent;
      if (outer == nullptr)
        return r.ErrorAt(at, "outer alias", "count reaches past the outermost scope");
      ASSIGN_OR_RETURN(Entity e, Item(r, *outer, sort, idx, at));
      return Add(s, e, r);
    }
    default:
      return r.ErrorAt(at, "alias", "unknown alias target " + Hex(target));
  }
}

util::Result<const Type*> Evaluator::TypeScope(BinaryReader& r, Scope& parent, bool component,
                                               uint32_t depth) {
  uint64_t at = r.offset() - 1;
  Scope s;
  s.parent = &parent;
  ASSIGN_OR_RETURN(uint32_t n, r.ReadCount("declarations", 1));
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t decl_at = r.offset();
    ASSIGN_OR_RETURN(uint8_t op, r.ReadByte("declaration"));
    switch (op) {
      case 0x00:
        RETURN_IF_ERROR(SkipCoreType(r));
        break;
      case 0x01: {
        ASSIGN_OR_RETURN(const Type* t, DefType(r, s, depth));
        if (t->kind == K::kResource) {
          return r.ErrorAt(decl_at, "declaration", "a resource cannot be defined inside a type");
        }
        s.types.push_back(t);
        break;
      }
      case 0x02:
        RETURN_IF_ERROR(Alias(r, s));
        break;
      case 0x03:
      case 0x04: {
        if (op == 0x03 && !component) {
          return r.ErrorAt(decl_at, "declaration", "an instance type cannot declare imports");
        }
        ASSIGN_OR_RETURN(std::string name,
                         ExternName(r, op == 0x03 ? "import name" : "export name"));
        ASSIGN_OR_RETURN(Entity e, ExternType(r, s));
        if (e.sort == Sort::kType && e.type->kind == K::kResource &&
            e.type->resource_name.empty()) {
          e.type->resource_name = name;
        }
        if (!(op == 0x03 ? s.imports : s.exports).Add(name, e)) {
          return r.ErrorAt(decl_at, "declaration", "duplicate name `" + name + "`");
        }
        if (e.sort == Sort::kType) {
          s.type_export_names.emplace(static_cast<uint32_t>(s.types.size()), name);
        }
        RETURN_IF_ERROR(Add(s, e, r));
        break;
      }
      default:
        return r.ErrorAt(decl_at, "declaration", "unknown declaration " + Hex(op));
    }
  }
  Type* t = arena_.New(component ? K::kComponent : K::kInstance);
  t->imports = std::move(s.imports);
  t->exports = std::move(s.exports);
  for (Type* d : s.defined) d->defined_in = t;
  return Finish(t, r, at);
}

util::Result<const Type*> Evaluator::Instantiate(const Type* component, const EntityMap& args,
                                                 const BinaryReader& r, uint64_t at) {
  TypeMap map;
  // Each abstract resource the component imports becomes the resource the argument supplies.
  auto bind = [&](auto&& self, const Entity& expected, const Entity& actual,
                  const std::string& path) -> util::Status {
    if (expected.sort != actual.sort) {
      return r.ErrorAt(at, "instantiation",
                       "argument `" + path + "` is a " + std::string(SortName(actual.sort)) +
                           ", expected a " + std::string(SortName(expected.sort)));
    }
    if (expected.sort == Sort::kType && expected.type->kind == K::kResource &&
        expected.type->abstract) {
      if (actual.type->kind != K::kResource) {
        return r.ErrorAt(at, "instantiation", "argument `" + path + "` is not a resource");
      }
      map.emplace(expected.type, actual.type);
    } else if (expected.sort == Sort::kInstance) {
      for (const auto& [name, e] : expected.type->exports.items()) {
        const Entity* a = actual.type->exports.Find(name);
        if (a == nullptr) {
          return r.ErrorAt(at, "instantiation",
                           "argument `" + path + "` has no export `" + name + "`");
        }
        RETURN_IF_ERROR(self(self, e, *a, path + "." + name));
      }
    }
    return util::Status::Ok();
  };
  for (const auto& [name, e] : component->imports.items()) {
    const Entity* arg = args.Find(name);
    if (arg == nullptr) {
      return r.ErrorAt(at, "instantiation", "missing argument `" + name + "`");
    }
    RETURN_IF_ERROR(bind(bind, e, *arg, name));
  }
  Type* inst = arena_.New(K::kInstance);
  for (const auto& [name, e] : component->exports.items()) {
    inst->exports.Add(name, Substitute(arena_, e, map));
  }
  return Finish(inst, r, at);
}

util::Status Evaluator::Instance(BinaryReader& r, Scope& s) {
  uint64_t at = r.offset();
  ASSIGN_OR_RETURN(uint8_t form, r.ReadByte("instance"));
  EntityMap items;
  if (form == 0x00) {
    ASSIGN_OR_RETURN(uint32_t c, r.ReadU32("instantiated component"));
    if (c >= s.components.size()) return r.ErrorAt(at, "instance", "component index out of range");
    ASSIGN_OR_RETURN(uint32_t n, r.ReadCount("instantiation arguments", 3));
    for (uint32_t i = 0; i < n; ++i) {
      ASSIGN_OR_RETURN(std::string name, r.ReadName("argument name"));
      uint64_t item_at = r.offset();
      bool core = false;
      ASSIGN_OR_RETURN(Sort sort_of_item, ReadSort(r, &core));
      ASSIGN_OR_RETURN(uint32_t idx, r.ReadU32("argument index"));
      if (core) return r.ErrorAt(item_at, "argument", "core items cannot be arguments");
      ASSIGN_OR_RETURN(Entity e, Item(r, s, sort_of_item, idx, item_at));
      if (!items.Add(name, e)) return r.ErrorAt(item_at, "argument", "duplicate `" + name + "`");
    }
    ASSIGN_OR_RETURN(const Type* inst, Instantiate(s.components[c], items, r, at));
    s.instances.push_back(inst);
    if (instantiations_ != nullptr && s.parent == nullptr) {
      instantiations_->push_back({s.components[c], std::move(items), inst, at});
    }
    return util::Status::Ok();
  }
  if (form == 0x01) {
    ASSIGN_OR_RETURN(uint32_t n, r.ReadCount("inline exports", 3));
    Type* inst = arena_.New(K::kInstance);
    for (uint32_t i = 0; i < n; ++i) {
      ASSIGN_OR_RETURN(std::string name, ExternName(r, "export name"));
      uint64_t item_at = r.offset();
      bool core = false;
      ASSIGN_OR_RETURN(Sort sort_of_item, ReadSort(r, &core));
      ASSIGN_OR_RETURN(uint32_t idx, r.ReadU32("export index"));
      if (core) return r.ErrorAt(item_at, "inline export", "core items cannot be exported");
      ASSIGN_OR_RETURN(Entity e, Item(r, s, sort_of_item, idx, item_at));
      if (!inst->exports.Add(name, e)) {
        return r.ErrorAt(item_at, "inline export", "duplicate `" + name + "`");
      }
    }
    ASSIGN_OR_RETURN(const Type* t, Finish(inst, r, at));
    s.instances.push_back(t);
    return util::Status::Ok();
  }
  return r.ErrorAt(at, "instance", "unknown instance form " + Hex(form));
}

util::Status Evaluator::Canon(BinaryReader& r, Scope& s) {
  uint64_t at = r.offset();
  ASSIGN_OR_RETURN(uint8_t op, r.ReadByte("canonical function"));
  auto skip_options = [&]() -> util::Status {
    ASSIGN_OR_RETURN(uint32_t n, r.ReadCount("canonical options", 1));
    for (uint32_t i = 0; i < n; ++i) {
      uint64_t opt_at = r.offset();
      ASSIGN_OR_RETURN(uint8_t opt, r.ReadByte("canonical option"));
      if (opt <= 0x02 || opt == 0x06) continue;  // string encodings, async
      if (opt == 0x03 || opt == 0x04 || opt == 0x05 || opt == 0x07) {
        ASSIGN_OR_RETURN(uint32_t idx, r.ReadU32("canonical option"));
        (void)idx;
        continue;
      }
      return util::Unsupported("canonical option " + Hex(opt) + " is not supported")
          .AtOffset(opt_at);
    }
    return util::Status::Ok();
  };
  switch (op) {
    case 0x00: {  // lift
      ASSIGN_OR_RETURN(uint8_t zero, r.ReadByte("canon lift"));
      if (zero != 0) return r.Error("canon lift", "expected 0x00");
      ASSIGN_OR_RETURN(uint32_t core_func, r.ReadU32("canon lift core function"));
      (void)core_func;
      RETURN_IF_ERROR(skip_options());
      uint64_t type_at = r.offset();
      ASSIGN_OR_RETURN(uint32_t ft, r.ReadU32("canon lift type"));
      if (ft >= s.types.size() || s.types[ft]->kind != K::kFunc) {
        return r.ErrorAt(type_at, "canon lift", "type index is not a function type");
      }
      s.funcs.push_back(s.types[ft]);
      return util::Status::Ok();
    }
    case 0x01: {  // lower
      ASSIGN_OR_RETURN(uint8_t zero, r.ReadByte("canon lower"));
      if (zero != 0) return r.Error("canon lower", "expected 0x00");
      ASSIGN_OR_RETURN(uint32_t func, r.ReadU32("canon lower function"));
      (void)func;
      return skip_options();
    }
    case 0x02:    // resource.new
    case 0x03:    // resource.drop
    case 0x04: {  // resource.rep
      ASSIGN_OR_RETURN(uint32_t t, r.ReadU32("resource built-in"));
      (void)t;
      return util::Status::Ok();
    }
    default:
      // The built-ins of async, streams, futures, error contexts and threads. Each defines a core
      // function, which the embedding output keeps byte for byte: only their immediates are read.
      return CanonBuiltIn(r, s, op, at, skip_options);
  }
}

util::Status Evaluator::CanonBuiltIn(BinaryReader& r, Scope& s, uint8_t op, uint64_t at,
                                     const std::function<util::Status()>& options) {
  auto index = [&](std::string_view what) -> util::Status {
    return r.ReadU32(what).status();
  };
  auto flag = [&](std::string_view what) -> util::Status {
    ASSIGN_OR_RETURN(uint8_t b, r.ReadByte(what));
    if (b > 1) return r.Error(what, "expected 0x00 or 0x01");
    return util::Status::Ok();
  };
  switch (op) {
    case 0x05: case 0x0d: case 0x1e: case 0x1f: case 0x22: case 0x23: case 0x24: case 0x25:
    case 0x26: case 0x28:
      // task.cancel, subtask.drop, error-context.drop, waitable-set.new, waitable-set.drop,
      // waitable.join, backpressure.inc, backpressure.dec, thread.index, thread.resume-later
      return util::Status::Ok();
    case 0x06:  // subtask.cancel async?
    case 0x0c:  // thread.yield cancel?
    case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d:  // thread.suspend and its kin
      return flag("canonical built-in flag");
    case 0x09: {  // task.return: a result list, then options
      ASSIGN_OR_RETURN(uint8_t form, r.ReadByte("task.return result"));
      if (form == 0x00) {
        RETURN_IF_ERROR(ValType(r, s).status());
      } else if (form == 0x01) {
        ASSIGN_OR_RETURN(uint8_t zero, r.ReadByte("task.return result"));
        if (zero != 0) return r.Error("task.return result", "expected 0x00");
      } else {
        return r.Error("task.return result", "expected 0x00 or 0x01");
      }
      return options();
    }
    case 0x0a:    // context.get
    case 0x0b: {  // context.set
      ASSIGN_OR_RETURN(uint8_t t, r.ReadByte("context type"));
      if (t != 0x7f) return r.Error("context type", "expected i32 (0x7f)");
      return index("context slot");
    }
    case 0x0e: case 0x13: case 0x14: case 0x15: case 0x1a: case 0x1b:
      // stream.new, stream.drop-readable/-writable, future.new, future.drop-readable/-writable
      return index("stream or future type");
    case 0x0f: case 0x10: case 0x16: case 0x17:  // stream/future read and write
      RETURN_IF_ERROR(index("stream or future type"));
      return options();
    case 0x11: case 0x12: case 0x18: case 0x19:  // stream/future cancel-read/-write
      RETURN_IF_ERROR(index("stream or future type"));
      return flag("canonical built-in flag");
    case 0x1c: case 0x1d:  // error-context.new, error-context.debug-message
      return options();
    case 0x20: case 0x21:  // waitable-set.wait, waitable-set.poll
      RETURN_IF_ERROR(flag("canonical built-in flag"));
      return index("memory");
    case 0x27:  // thread.new-indirect
      RETURN_IF_ERROR(index("core type"));
      return index("table");
    case 0x40:  // thread.spawn-ref
      RETURN_IF_ERROR(flag("shared flag"));
      return index("core type");
    case 0x41:  // thread.spawn-indirect
      RETURN_IF_ERROR(flag("shared flag"));
      RETURN_IF_ERROR(index("core type"));
      return index("table");
    case 0x42:  // thread.available-parallelism
      return flag("shared flag");
    default:
      return r.ErrorAt(at, "canonical function", "unknown canonical built-in " + Hex(op));
  }
}

Entity Evaluator::Bind(const std::string& name, Entity entity) {
  TypeMap map;
  auto collect = [&](auto&& self, const Entity& e, const std::string& path,
                     const std::string& export_name) -> void {
    if (e.sort == Sort::kType && e.type->kind == K::kResource && e.type->abstract) {
      if (!map.contains(e.type)) map.emplace(e.type, arena_.ImportedResource(path, export_name));
    } else if (e.sort == Sort::kInstance) {
      for (const auto& [n, sub] : e.type->exports.items()) {
        bool nested = sub.sort == Sort::kInstance;
        self(self, sub, nested ? path + "/" + n : path, n);
      }
    }
  };
  collect(collect, entity, name, "");
  Entity bound = Substitute(arena_, entity, map);
  if (entity.sort == Sort::kInstance) {
    // Value types this interface defines (not ones it aliases from another) are owned by it.
    const auto& before = entity.type->exports.items();
    const auto& after = bound.type->exports.items();
    for (size_t i = 0; i < before.size() && i < after.size(); ++i) {
      const Entity& b = before[i].second;
      const Entity& a = after[i].second;
      if (b.sort == Sort::kType && b.type->is_value() && b.type->defined_in == entity.type &&
          a.type->owner.empty()) {
        a.type->owner = {name, after[i].first};
      }
    }
  }
  return bound;
}

util::Status Evaluator::Section(uint8_t id, BinaryReader& r, Scope& s, uint32_t depth, bool top) {
  auto each = [&](std::string_view what, auto&& body) -> util::Status {
    ASSIGN_OR_RETURN(uint32_t n, r.ReadCount(what, 1));
    for (uint32_t i = 0; i < n; ++i) RETURN_IF_ERROR(body());
    return util::Status::Ok();
  };
  switch (id) {
    case 0:  // custom
    case 2:  // core instances
    case 3:  // core types
      return util::Status::Ok();
    case 1:  // core module
      ++s.core_modules;
      return util::Status::Ok();
    case 4: {  // nested component
      if (depth >= max_nesting_) return r.Error("component", "components nested too deeply");
      ASSIGN_OR_RETURN(BinaryReader body, r.Sub(r.remaining(), "component"));
      ASSIGN_OR_RETURN(const Type* c, Component(body, &s, depth + 1, false));
      s.components.push_back(c);
      return util::Status::Ok();
    }
    case 5:
      return each("instances", [&] { return Instance(r, s); });
    case 6:
      return each("aliases", [&] { return Alias(r, s); });
    case 7:
      return each("types", [&]() -> util::Status {
        ASSIGN_OR_RETURN(const Type* t, DefType(r, s, depth));
        s.types.push_back(t);
        return util::Status::Ok();
      });
    case 8:
      return each("canonical functions", [&] { return Canon(r, s); });
    case 9:
      return util::Unsupported("start functions (section 9) are not supported")
          .AtOffset(r.offset());
    case 10:
      return each("imports", [&]() -> util::Status {
        uint64_t at = r.offset();
        ASSIGN_OR_RETURN(std::string name, ExternName(r, "import name"));
        ASSIGN_OR_RETURN(Entity e, ExternType(r, s));
        if (top) e = Bind(name, e);
        if (!s.imports.Add(name, e)) return r.ErrorAt(at, "import", "duplicate `" + name + "`");
        return Add(s, e, r);
      });
    case 11:
      return each("exports", [&]() -> util::Status {
        uint64_t at = r.offset();
        ASSIGN_OR_RETURN(std::string name, ExternName(r, "export name"));
        uint64_t item_at = r.offset();
        bool core = false;
        ASSIGN_OR_RETURN(Sort sort_of_item, ReadSort(r, &core));
        ASSIGN_OR_RETURN(uint32_t idx, r.ReadU32("export index"));
        if (core) return r.ErrorAt(item_at, "export", "core items cannot be exported");
        ASSIGN_OR_RETURN(Entity e, Item(r, s, sort_of_item, idx, item_at));
        ASSIGN_OR_RETURN(uint8_t ascribed, r.ReadByte("export type ascription"));
        if (ascribed == 0x01) {
          ASSIGN_OR_RETURN(Entity t, ExternType(r, s));
          if (t.sort != e.sort)
            return r.ErrorAt(item_at, "export", "ascribed type has another sort");
          // An ascribed resource stays the exported resource itself.
          if (!(t.sort == Sort::kType && t.type->kind == K::kResource)) e = t;
        } else if (ascribed != 0x00) {
          return r.Error("export type ascription", "expected 0x00 or 0x01");
        }
        if (e.sort == Sort::kType && e.type->kind == K::kResource &&
            e.type->resource_name.empty()) {
          e.type->resource_name = name;
        }
        if (!s.exports.Add(name, e)) return r.ErrorAt(at, "export", "duplicate `" + name + "`");
        return Add(s, e, r);
      });
    case 12:
      return util::Unsupported("values (section 12) are not supported").AtOffset(r.offset());
    default:
      return r.Error("section", "unknown section id " + std::to_string(id));
  }
}

util::Result<const Type*> Evaluator::Component(BinaryReader r, Scope* parent, uint32_t depth,
                                               bool top) {
  uint64_t start = r.offset();
  ASSIGN_OR_RETURN(auto magic, r.ReadBytes(4, "preamble"));
  static const uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6d};
  if (!std::equal(magic.begin(), magic.end(), kMagic)) {
    return r.ErrorAt(start, "preamble", "not a WebAssembly binary (no \\0asm magic)");
  }
  ASSIGN_OR_RETURN(auto version, r.ReadBytes(4, "preamble"));
  if (version[2] == 0x00 && version[3] == 0x00) {
    return util::InvalidArgument(
               "not a component: this is a core WebAssembly module (layer 0); make a component of "
               "it first (for example with `jco new`)")
        .AtOffset(start + 4);
  }
  if (version[2] != 0x01 || version[3] != 0x00) {
    return r.ErrorAt(start + 6, "preamble", "unknown layer");
  }
  if (version[0] != 0x0d || version[1] != 0x00) {
    return util::Unsupported("component binary version " + Hex(version[0] | version[1] << 8) +
                             " is not supported (expected 0xd)")
        .AtOffset(start + 4);
  }
  Scope s;
  s.parent = parent;
  while (!r.done()) {
    uint64_t at = r.offset();
    ASSIGN_OR_RETURN(uint8_t id, r.ReadByte("section id"));
    ASSIGN_OR_RETURN(uint32_t size, r.ReadU32("section size"));
    ASSIGN_OR_RETURN(BinaryReader body, r.Sub(size, "section " + std::to_string(id)));
    RETURN_IF_ERROR(Section(id, body, s, depth, top));
    if (id != 0 && id != 1 && id != 2 && id != 3 && id != 4 && !body.done()) {
      return body.ErrorAt(at, "section " + std::to_string(id),
                          "has " + std::to_string(body.remaining()) + " bytes left over");
    }
  }
  Type* t = arena_.New(K::kComponent);
  t->imports = std::move(s.imports);
  t->exports = std::move(s.exports);
  return Finish(t, r, start);
}

}  // namespace

util::Result<const Type*> ReadComponent(TypeArena& arena, std::span<const uint8_t> bytes) {
  return ReadComponent(arena, bytes, ReadOptions{});
}

util::Result<const Type*> ReadComponent(TypeArena& arena, std::span<const uint8_t> bytes,
                                        const ReadOptions& options) {
  Evaluator evaluator(arena, options);
  return evaluator.Component(BinaryReader(bytes), nullptr, 0, true);
}

}  // namespace composer

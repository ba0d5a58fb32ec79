// The semantic model of component-level types: what the reader computes from a binary, what the
// checker compares and what the encoder writes back. One node type covers every type constructor,
// so substitution and comparison are plain recursive walks.
//
// Identity matters for resources only: two resource nodes are the same resource exactly when they
// are the same pointer. Imported resources are interned by path ({import name, export name}) in
// the TypeArena, so every component read into one arena shares them; resources a component
// defines itself are fresh nodes.
//
// Ownership: a TypeArena owns every node made in it, and the nodes point to each other; a `const
// Type*` is valid as long as its arena. Threads: not thread-safe: an arena and its types (a
// resource's name and owner are filled in as components are read) belong to one thread at a time.
#ifndef KV_COMPOSER_TYPES_H_
#define KV_COMPOSER_TYPES_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace composer {

enum class Sort : uint8_t { kCoreModule, kFunc, kValue, kType, kComponent, kInstance };
std::string_view SortName(Sort sort);

enum class Prim : uint8_t {
  kBool = 0x7f,
  kS8 = 0x7e,
  kU8 = 0x7d,
  kS16 = 0x7c,
  kU16 = 0x7b,
  kS32 = 0x7a,
  kU32 = 0x79,
  kS64 = 0x78,
  kU64 = 0x77,
  kF32 = 0x76,
  kF64 = 0x75,
  kChar = 0x74,
  kString = 0x73,
  kErrorContext = 0x64,
};
bool IsPrimCode(uint8_t code);
std::string_view PrimName(Prim prim);

struct Type;

// An item of an index space: its sort and, except for core modules, its type.
struct Entity {
  Sort sort;
  const Type* type;
};

// Names in definition order (order decides how exports are encoded and listed).
class EntityMap {
 public:
  const Entity* Find(std::string_view name) const;
  // False when the name is taken.
  bool Add(std::string name, Entity entity);
  const std::vector<std::pair<std::string, Entity>>& items() const { return items_; }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<std::pair<std::string, Entity>> items_;
  std::unordered_map<std::string, size_t> index_;
};

// A named member: a record field, a variant case (type may be null), a function parameter, a
// tuple item (empty name).
struct Member {
  std::string name;
  const Type* type;
};

// An imported interface type is owned by the import that first exported it under a name; used
// by the encoder to alias rather than redefine it.
struct Owner {
  std::string import;
  std::string name;
  bool empty() const { return import.empty(); }
  friend bool operator==(const Owner&, const Owner&) = default;
};

struct Type {
  enum class Kind : uint8_t {
    kPrim,
    kRecord,
    kVariant,
    kList,
    kTuple,
    kFlags,
    kEnum,
    kOption,
    kResult,
    kOwn,
    kBorrow,
    kStream,  // element in `a`, or none
    kFuture,  // likewise
    kResource,
    kFunc,
    kInstance,
    kComponent,
  };

  Kind kind;
  Prim prim = Prim::kBool;
  std::vector<Member> members;      // record, variant, tuple, func params
  std::vector<std::string> labels;  // flags, enum
  const Type* a = nullptr;  // list/option/stream/future element, result ok, own/borrow target,
                            // func result
  const Type* b = nullptr;  // result err
  bool async = false;       // func

  // Handles (own, borrow): the name of the type export the handle was written against, when it
  // was one (`borrow<trailers>` where `type trailers = fields`), so that the handle is written
  // back under the same name. Not part of the type's identity.
  std::string via;

  // Resources: `abstract` while a `(sub resource)` placeholder is unbound.
  bool abstract = false;
  mutable std::string resource_name;  // the first name it was exported under, for messages

  EntityMap imports;  // component types
  EntityMap exports;  // instance and component types

  // The instance type a value type was defined in, and the import that owns it once imported.
  const Type* defined_in = nullptr;
  mutable Owner owner;

  // Nesting depth (a primitive is 1); bounded by the reader so walks cannot exhaust the stack.
  uint32_t depth = 1;
  // Effective size: nodes of the type written out in full (a primitive is 1); bounded by the
  // reader (kMaxEffectiveTypeSize).
  uint64_t size = 1;

  bool is_value() const { return kind <= Kind::kFuture; }
};

// Owns every node of one composition.
class TypeArena {
 public:
  TypeArena();
  TypeArena(const TypeArena&) = delete;
  TypeArena& operator=(const TypeArena&) = delete;

  Type* New(Type::Kind kind);
  const Type* PrimType(Prim prim) const { return prims_.at(prim); }
  // The resource `name` of the import `import`: the same node for every component.
  const Type* ImportedResource(const std::string& import, const std::string& name);

 private:
  std::deque<Type> nodes_;
  std::map<Prim, const Type*> prims_;
  std::map<std::pair<std::string, std::string>, const Type*> resources_;
};

// The types of other imports that `e` (a type of import `self`) uses, each once, in the order
// first met: a use of one is written as an alias of that import's export. `primitive` marks a
// named primitive (`type duration = u64`), which can be written inline where its import is not
// there to alias.
struct ForeignType {
  Owner owner;
  bool primitive;
  const Type* type;  // the owned type as `e` uses it
};
std::vector<ForeignType> ForeignTypes(const std::string& self, const Entity& e);

// Whether `type` is a resource or holds a handle to one, anywhere inside.
bool HoldsResource(const Type* type);

// Replaces nodes by `map` throughout `type`, rebuilding only what changes. `map` is extended with
// the rebuilt nodes, so sharing is kept and repeated calls are cheap.
using TypeMap = std::unordered_map<const Type*, const Type*>;
const Type* Substitute(TypeArena& arena, const Type* type, TypeMap& map);
Entity Substitute(TypeArena& arena, Entity entity, TypeMap& map);

// WIT-like text of types, `list<u8>`, `own<bucket>`, `record { keys: list<string> }`, in time and
// space linear in the number of type nodes: a part whose full text would be longer than
// kInlineChars (a tuple of a tuple of ... expands to exponentially many characters) is written
// once, as a definition `name = <text>`, and by its name wherever it is used: the name its
// interface gives it (`error-code`), or `%N` for a type without one. One describer can
// serve many types, naming each shared part once. Not thread-safe.
class TypeDescriber {
 public:
  static constexpr uint64_t kInlineChars = 256;

  // `type` written out, its large parts by name.
  std::string Describe(const Type* type);
  // The named parts so far, in the order they were named (a part after the parts it uses).
  const std::vector<std::pair<std::string, std::string>>& definitions() const {
    return definitions_;
  }

 private:
  std::string Part(const Type* type);
  std::string Join(const std::vector<Member>& members, bool with_names);
  uint64_t FullSize(const Type* type);

  std::unordered_map<const Type*, uint64_t> size_;
  std::unordered_map<const Type*, std::string> names_;
  std::unordered_set<std::string> taken_;  // names given by interfaces, used once each
  uint32_t anonymous_ = 0;                 // %N names given so far
  std::vector<std::pair<std::string, std::string>> definitions_;
};

// One type's text for a message, its named parts after it (` where %0 = ...`), cut at
// kMaxDescribedChars.
inline constexpr size_t kMaxDescribedChars = 4096;
std::string Describe(const Type* type);

}  // namespace composer

#endif  // KV_COMPOSER_TYPES_H_

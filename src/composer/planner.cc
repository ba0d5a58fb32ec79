#include "kv/composer/planner.h"

#include <map>
#include <unordered_map>

#include "composer/names.h"
#include "composer/type_check.h"

namespace composer {
namespace {

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

// The imports that stay: one per name, the union of the instance types its users import.
class Merger {
 public:
  explicit Merger(TypeArena& arena) : arena_(arena), canon_(arena) {}

  util::Status Add(const std::string& name, Entity e, const std::string& from) {
    if (e.sort != Sort::kInstance) {
      return util::Unsupported("import " + Q(name) + " of " + Q(from) + " is a " +
                               std::string(SortName(e.sort)) +
                               "; only instance (interface) imports can be merged");
    }
    e = canon_.Apply(e);
    auto it = index_.find(name);
    if (it == index_.end()) {
      index_.emplace(name, imports_.size());
      imports_.push_back({name, e, from});
      return util::Status::Ok();
    }
    ImportNode& m = imports_[it->second];
    std::string context = "failed to merge the type definition for implicit import " + Q(name) +
                          " (of " + Q(m.from) + " and " + Q(from) + ") due to conflicting types";
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
        u = arena_.New(Type::Kind::kInstance);
        for (const auto& [hn, hx] : m.entity.type->exports.items()) u->exports.Add(hn, hx);
      }
      u->exports.Add(n, x);
    }
    if (u != nullptr) m.entity.type = u;
    return util::Status::Ok();
  }

  const std::vector<ImportNode>& imports() const { return imports_; }
  const ImportNode* Find(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &imports_[it->second];
  }

 private:
  TypeArena& arena_;
  Canonicalizer canon_;
  std::vector<ImportNode> imports_;
  std::unordered_map<std::string, size_t> index_;
};

// The merged imports in an order where each comes after the imports whose types it uses.
// Iterative: the number of imports, and so the length of a chain of them, is the input's.
util::Result<std::vector<const ImportNode*>> OrderImports(const Merger& merged) {
  std::vector<const ImportNode*> order;
  enum class Mark : uint8_t { kNew, kVisiting, kPlaced };
  std::unordered_map<std::string, Mark> mark;
  struct Frame {
    const ImportNode* node;
    std::vector<const ImportNode*> uses;
    size_t next;
  };
  for (const ImportNode& start : merged.imports()) {
    if (mark[start.name] != Mark::kNew) continue;
    std::vector<Frame> stack;
    auto enter = [&](const ImportNode& m) -> util::Status {
      Frame f{&m, {}, 0};
      for (const ForeignType& o : ForeignTypes(m.name, m.entity)) {
        const ImportNode* dep = merged.Find(o.owner.import);
        if (dep == nullptr && o.primitive) continue;  // written inline by the encoder
        if (dep == nullptr) {
          return util::Unsupported("import " + Q(m.name) + " uses " + Q(o.owner.name) +
                                   " from " + Q(o.owner.import) + ", which is not imported");
        }
        f.uses.push_back(dep);
      }
      mark[m.name] = Mark::kVisiting;
      stack.push_back(std::move(f));
      return util::Status::Ok();
    };
    RETURN_IF_ERROR(enter(start));
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == f.uses.size()) {
        mark[f.node->name] = Mark::kPlaced;
        order.push_back(f.node);
        stack.pop_back();
        continue;
      }
      const ImportNode* dep = f.uses[f.next++];
      const Mark m = mark[dep->name];
      if (m == Mark::kPlaced) continue;
      if (m == Mark::kVisiting) {
        return util::Unsupported("imports " + Q(dep->name) + " and the ones it uses form a cycle");
      }
      RETURN_IF_ERROR(enter(*dep));
    }
  }
  return order;
}

// An input's import and the plug export that satisfies it.
struct Wire {
  size_t provider;  // index into the plugs
  std::string export_name;
};

// The inputs by index, the plugs first and the socket last, and what step 1 found.
struct Matching {
  std::span<const PlanInput> plugs;
  const PlanInput* socket;
  std::vector<std::map<std::string, Wire>> wires;  // per input: its plugged imports
  std::vector<bool> used;                          // per input: part of the composition

  size_t socket_at() const { return plugs.size(); }
  size_t size() const { return plugs.size() + 1; }
  const PlanInput& input(size_t i) const { return i == socket_at() ? *socket : plugs[i]; }
  // The inputs used, the socket first, then the plugs in the order given.
  std::vector<size_t> UsedInputs() const {
    std::vector<size_t> out{socket_at()};
    for (size_t p = 0; p < plugs.size(); ++p) {
      if (used[p]) out.push_back(p);
    }
    return out;
  }
};

// The plugs an input's imports are looked for in: for the socket, every plug in order; for a
// plug, those after it, then those before it, so that plugs listed top to bottom stack (two
// middlewares of one interface chain rather than import from each other).
std::vector<size_t> Candidates(const Matching& m, size_t consumer) {
  std::vector<size_t> out;
  const size_t first = consumer == m.socket_at() ? 0 : consumer + 1;
  for (size_t p = first; p < m.plugs.size(); ++p) out.push_back(p);
  for (size_t p = 0; p < first && p < consumer; ++p) out.push_back(p);
  return out;
}

// Step 1: matches imports to plug exports, from the socket on through every plug it comes to
// use.
util::Status Match(Matching& m, Plan& plan) {
  m.wires.assign(m.size(), {});
  m.used.assign(m.size(), false);
  std::vector<size_t> queue{m.socket_at()};
  m.used[m.socket_at()] = true;
  for (size_t q = 0; q < queue.size(); ++q) {
    const size_t consumer = queue[q];
    const PlanInput& c = m.input(consumer);
    auto& wires = m.wires[consumer];
    // One resource map per consumer: its imports that share a resource (store's `bucket`, used
    // by atomics) must bind it to the same provider resource.
    TypeMap resources;
    const std::vector<size_t> candidates = Candidates(m, consumer);
    for (const auto& [name, wanted] : c.type->imports.items()) {
      for (size_t p : candidates) {
        if (wires.contains(name)) break;
        const PlanInput& plug = m.plugs[p];
        for (const auto& [export_name, provided] : plug.type->exports.items()) {
          if (!NamesMatch(name, export_name)) continue;
          util::Status s = CheckSubtype(wanted, provided, resources);
          if (!s.ok()) {
            return std::move(s).WithContext("cannot plug export " + Q(export_name) + " of " +
                                            Q(plug.name) + " into import " + Q(name) + " of " +
                                            Q(c.name) + ": type mismatch");
          }
          wires.emplace(name, Wire{p, export_name});
          if (consumer == m.socket_at()) {
            plan.plugged.push_back(name);
          } else {
            plan.chained.push_back(Q(c.name) + " imports " + Q(name) + " from " + Q(plug.name));
          }
          if (!m.used[p]) {
            m.used[p] = true;
            queue.push_back(p);
          }
          break;
        }
      }
    }
    // A plugged import may not use a resource of an import of the same component that stays
    // outside: the plug's export brings its own resource, which the outside one can never be.
    for (const auto& [name, wire] : wires) {
      for (const ForeignType& o : ForeignTypes(name, *c.type->imports.Find(name))) {
        if (wires.contains(o.owner.import) || !HoldsResource(o.type)) continue;
        return util::Status(util::Code::kTypeMismatch,
                            "import " + Q(name) + " of " + Q(c.name) + " uses " +
                                Q(o.owner.name) + " from " + Q(o.owner.import) +
                                ", which stays outside the composition, while " +
                                Q(m.plugs[wire.provider].name) + " provides " + Q(name) +
                                " with a resource of its own; plug " + Q(o.owner.import) +
                                " as well, or do not plug " + Q(name));
      }
    }
  }
  if (plan.plugged.empty()) {
    std::string provided;
    for (const PlanInput& p : m.plugs) {
      for (const auto& [name, e] : p.type->exports.items()) provided += "\n  " + name;
    }
    return util::NotFound(
        "the socket component " + Q(m.socket->name) +
        " had no matching imports for the plugs that were provided; they export:" +
        (provided.empty() ? std::string(" nothing") : provided));
  }
  for (size_t p = 0; p < m.plugs.size(); ++p) {
    if (!m.used[p]) {
      plan.warnings.push_back("plug " + Q(m.plugs[p].name) +
                              " provides nothing the socket or the plugs it uses import; it is "
                              "left out");
    }
  }
  return util::Status::Ok();
}

// Step 2: merges what stays imported, then checks that no import that stays uses a type of one
// of the same component's imports that a plug satisfies, unless that type holds no resource
// (it compares by structure) and another input's import of that interface stays to supply it.
util::Status MergeStaying(const Matching& m, Merger& merger) {
  const std::vector<size_t> inputs = m.UsedInputs();
  for (size_t i : inputs) {
    for (const auto& [name, e] : m.input(i).type->imports.items()) {
      if (!m.wires[i].contains(name)) RETURN_IF_ERROR(merger.Add(name, e, m.input(i).name));
    }
  }
  for (size_t i : inputs) {
    const PlanInput& c = m.input(i);
    for (const auto& [name, e] : c.type->imports.items()) {
      if (m.wires[i].contains(name)) continue;
      for (const ForeignType& o : ForeignTypes(name, e)) {
        auto w = m.wires[i].find(o.owner.import);
        if (w == m.wires[i].end() || o.primitive) continue;
        if (!HoldsResource(o.type) && merger.Find(o.owner.import) != nullptr) continue;
        return util::Status(util::Code::kTypeMismatch,
                            "import " + Q(name) + " of " + Q(c.name) + " uses " +
                                Q(o.owner.name) + " from " + Q(o.owner.import) + ", which " +
                                Q(m.plugs[w->second.provider].name) +
                                " provides: that import cannot stay outside the composition; "
                                "plug " + Q(name) + " as well, or do not plug " +
                                Q(o.owner.import));
      }
    }
  }
  return util::Status::Ok();
}

// Step 3: the graph: the imports in their order, the used plugs in the order given, the socket.
util::Status Build(const Matching& m, const std::vector<const ImportNode*>& import_order,
                   CompositionGraph& g) {
  std::map<std::string, ImportId> import_id;
  for (const ImportNode* node : import_order) import_id.emplace(node->name, g.AddImport(*node));
  std::vector<ComponentId> node(m.size());
  for (size_t i = 0; i < m.size(); ++i) {
    const PlanInput& in = m.input(i);
    if (m.used[i]) node[i] = g.AddComponent({in.name, in.bytes, in.type});
  }
  g.SetRoot(node[m.socket_at()]);
  for (size_t i = 0; i < m.size(); ++i) {
    if (!m.used[i]) continue;
    for (const auto& [name, e] : m.input(i).type->imports.items()) {
      auto w = m.wires[i].find(name);
      if (w != m.wires[i].end()) {
        g.Satisfy(node[i], name, ExportOf{node[w->second.provider], w->second.export_name});
      } else {
        g.Satisfy(node[i], name, import_id.at(name));
      }
    }
  }
  RETURN_IF_ERROR(g.CheckComplete());
  return g.InstantiationOrder().status();
}

}  // namespace

util::Result<Plan> PlanPlug(TypeArena& arena, std::span<const PlanInput> plugs,
                            const PlanInput& socket) {
  Plan plan;
  Matching m{plugs, &socket, {}, {}};
  RETURN_IF_ERROR(Match(m, plan));
  Merger merger(arena);
  RETURN_IF_ERROR(MergeStaying(m, merger));
  ASSIGN_OR_RETURN(std::vector<const ImportNode*> import_order, OrderImports(merger));
  RETURN_IF_ERROR(Build(m, import_order, plan.graph));
  return plan;
}

}  // namespace composer

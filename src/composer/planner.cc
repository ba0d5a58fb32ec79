#include "composer/planner.h"

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

}  // namespace

util::Result<Plan> PlanPlug(TypeArena& arena, std::span<const PlanInput> plugs,
                            const PlanInput& socket) {
  Plan plan;
  // Inputs by index: the plugs, then the socket.
  const size_t n = plugs.size() + 1;
  const size_t socket_at = plugs.size();
  auto input = [&](size_t i) -> const PlanInput& { return i == socket_at ? socket : plugs[i]; };

  // 1. Match imports to plug exports, from the socket on through every plug it comes to use.
  std::vector<std::map<std::string, Wire>> wires(n);
  std::vector<bool> used(n, false);
  std::vector<size_t> queue{socket_at};
  used[socket_at] = true;
  for (size_t q = 0; q < queue.size(); ++q) {
    const size_t consumer = queue[q];
    const PlanInput& c = input(consumer);
    // One resource map per consumer: its imports that share a resource (store's `bucket`, used
    // by atomics) must bind it to the same provider resource.
    TypeMap resources;
    // The socket looks through the plugs in order; a plug through those after it, then those
    // before it, so that plugs listed top to bottom stack (two middlewares of one interface
    // chain rather than import from each other).
    std::vector<size_t> candidates;
    const size_t first = consumer == socket_at ? 0 : consumer + 1;
    for (size_t p = first; p < plugs.size(); ++p) candidates.push_back(p);
    for (size_t p = 0; p < first && p < consumer; ++p) candidates.push_back(p);
    for (const auto& [name, wanted] : c.type->imports.items()) {
      for (size_t p : candidates) {
        if (wires[consumer].contains(name)) break;
        for (const auto& [export_name, provided] : plugs[p].type->exports.items()) {
          if (!NamesMatch(name, export_name)) continue;
          util::Status s = CheckSubtype(wanted, provided, resources);
          if (!s.ok()) {
            return std::move(s).WithContext("cannot plug export " + Q(export_name) + " of " +
                                            Q(plugs[p].name) + " into import " + Q(name) +
                                            " of " + Q(c.name) + ": type mismatch");
          }
          wires[consumer].emplace(name, Wire{p, export_name});
          if (consumer == socket_at) {
            plan.plugged.push_back(name);
          } else {
            plan.chained.push_back(Q(c.name) + " imports " + Q(name) + " from " +
                                   Q(plugs[p].name));
          }
          if (!used[p]) {
            used[p] = true;
            queue.push_back(p);
          }
          break;
        }
      }
    }
    // A plugged import may not use a resource of an import of the same component that stays
    // outside: the plug's export brings its own resource, which the outside one can never be.
    for (const auto& [name, wire] : wires[consumer]) {
      const Entity* wanted = c.type->imports.Find(name);
      for (const ForeignType& o : ForeignTypes(name, *wanted)) {
        if (wires[consumer].contains(o.owner.import) || !HoldsResource(o.type)) continue;
        return util::Status(util::Code::kTypeMismatch,
                            "import " + Q(name) + " of " + Q(c.name) + " uses " +
                                Q(o.owner.name) + " from " + Q(o.owner.import) +
                                ", which stays outside the composition, while " +
                                Q(plugs[wire.provider].name) + " provides " + Q(name) +
                                " with a resource of its own; plug " + Q(o.owner.import) +
                                " as well, or do not plug " + Q(name));
      }
    }
  }
  if (plan.plugged.empty()) {
    std::string provided;
    for (const PlanInput& p : plugs) {
      for (const auto& [name, e] : p.type->exports.items()) provided += "\n  " + name;
    }
    return util::NotFound(
        "the socket component " + Q(socket.name) +
        " had no matching imports for the plugs that were provided; they export:" +
        (provided.empty() ? std::string(" nothing") : provided));
  }
  for (size_t p = 0; p < plugs.size(); ++p) {
    if (!used[p]) {
      plan.warnings.push_back("plug " + Q(plugs[p].name) +
                              " provides nothing the socket or the plugs it uses import; it is "
                              "left out");
    }
  }

  // 2. What stays imported. An import that stays may not use a type of one of the same
  //    component's imports that a plug satisfies: outside, that type is not the plug's.
  Merger merger(arena);
  std::vector<size_t> order_of_inputs{socket_at};
  for (size_t p = 0; p < plugs.size(); ++p) {
    if (used[p]) order_of_inputs.push_back(p);
  }
  // A resource (or a type holding one) must be the plug's, so that is an error at once; a value
  // type without one compares by structure, so another component's import of that interface may
  // still supply it outside.
  struct Pending {
    std::string import, user, type, owner, provider;
  };
  std::vector<Pending> pending;
  auto plugged_error = [](const Pending& p) {
    return util::Status(util::Code::kTypeMismatch,
                        "import " + Q(p.import) + " of " + Q(p.user) + " uses " + Q(p.type) +
                            " from " + Q(p.owner) + ", which " + Q(p.provider) +
                            " provides: that import cannot stay outside the composition; plug " +
                            Q(p.import) + " as well, or do not plug " + Q(p.owner));
  };
  for (size_t i : order_of_inputs) {
    const PlanInput& c = input(i);
    for (const auto& [name, e] : c.type->imports.items()) {
      if (wires[i].contains(name)) continue;
      for (const ForeignType& o : ForeignTypes(name, e)) {
        auto w = wires[i].find(o.owner.import);
        if (w == wires[i].end() || o.primitive) continue;
        Pending p{name, c.name, o.owner.name, o.owner.import, plugs[w->second.provider].name};
        if (HoldsResource(o.type)) return plugged_error(p);
        pending.push_back(std::move(p));
      }
      RETURN_IF_ERROR(merger.Add(name, e, c.name));
    }
  }
  for (const Pending& p : pending) {
    if (merger.Find(p.owner) == nullptr) return plugged_error(p);
  }
  ASSIGN_OR_RETURN(std::vector<const ImportNode*> import_order, OrderImports(merger));

  // 3. The graph: the imports in their order, the used plugs in the order given, the socket.
  CompositionGraph& g = plan.graph;
  std::map<std::string, ImportId> import_id;
  for (const ImportNode* m : import_order) import_id.emplace(m->name, g.AddImport(*m));
  std::vector<ComponentId> node(n);
  for (size_t i = 0; i < n; ++i) {
    if (used[i]) node[i] = g.AddComponent({input(i).name, input(i).bytes, input(i).type});
  }
  g.SetRoot(node[socket_at]);
  for (size_t i = 0; i < n; ++i) {
    if (!used[i]) continue;
    for (const auto& [name, e] : input(i).type->imports.items()) {
      auto w = wires[i].find(name);
      if (w != wires[i].end()) {
        g.Satisfy(node[i], name, ExportOf{node[w->second.provider], w->second.export_name});
      } else {
        g.Satisfy(node[i], name, import_id.at(name));
      }
    }
  }
  RETURN_IF_ERROR(g.CheckComplete());
  RETURN_IF_ERROR(g.InstantiationOrder().status());
  return plan;
}

}  // namespace composer

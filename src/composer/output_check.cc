#include "composer/output_check.h"

#include <string>
#include <vector>

#include "composer/names.h"
#include "composer/type_check.h"
#include "kv/composer/component_reader.h"

namespace composer {
namespace {

util::Status Mismatch(std::string message) {
  return util::Status(util::Code::kTypeMismatch, std::move(message));
}

// Names and sorts of `map`, in order, as text for a message.
std::string Shape(const EntityMap& map) {
  std::string s;
  for (const auto& [name, e] : map.items()) {
    s += (s.empty() ? "" : ", ") + std::string(SortName(e.sort)) + " " + name;
  }
  return s.empty() ? "nothing" : s;
}

bool SameShape(const EntityMap& a, const EntityMap& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a.items()[i].first != b.items()[i].first ||
        a.items()[i].second.sort != b.items()[i].second.sort) {
      return false;
    }
  }
  return true;
}

}  // namespace

util::Status CheckComposition(TypeArena& arena, const CompositionGraph& graph,
                              std::span<const uint8_t> bytes) {
  std::vector<Instantiation> instantiations;
  ReadOptions options;
  options.instantiations = &instantiations;
  options.max_nesting = kMaxNesting + 1;  // the inputs are embedded one level down
  util::Result<const Type*> read = ReadComponent(arena, bytes, options);
  if (!read.ok()) return std::move(read).take_status().WithContext("the output does not read back");
  const Type* out = *read;

  // Imports: the graph's, in order, each of the same type.
  if (out->imports.size() != graph.import_count()) {
    return Mismatch("the output has " + std::to_string(out->imports.size()) +
                    " imports where the plan has " + std::to_string(graph.import_count()));
  }
  for (uint32_t i = 0; i < graph.import_count(); ++i) {
    const ImportNode& want = graph.import(ImportId{i});
    const auto& [name, got] = out->imports.items()[i];
    if (name != want.name) {
      return Mismatch("the output's import " + std::to_string(i) + " is " + Q(name) +
                      " where the plan has " + Q(want.name));
    }
    util::Status s = CheckEqual(want.entity, got);
    if (!s.ok()) return std::move(s).WithContext("the output's import " + Q(name));
  }

  // Instantiations: one per component, in the order of instantiation.
  ASSIGN_OR_RETURN(std::vector<ComponentId> order, graph.InstantiationOrder());
  if (instantiations.size() != order.size()) {
    return Mismatch("the output instantiates " + std::to_string(instantiations.size()) +
                    " components where the plan has " + std::to_string(order.size()));
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const ComponentNode& node = graph.component(order[i]);
    const Instantiation& inst = instantiations[i];
    const std::string context = "the output's instantiation of " + Q(node.name);
    if (!SameShape(inst.component->imports, node.type->imports) ||
        !SameShape(inst.component->exports, node.type->exports)) {
      return Mismatch(context + " instantiates a component that imports " +
                      Shape(inst.component->imports) + " and exports " +
                      Shape(inst.component->exports));
    }
    TypeMap resources;
    for (const auto& [name, wanted] : inst.component->imports.items()) {
      const Entity* arg = inst.args.Find(name);
      if (arg == nullptr) return Mismatch(context + " has no argument " + Q(name));
      util::Status s = CheckSubtype(wanted, *arg, resources);
      if (!s.ok()) return std::move(s).WithContext(context + ", argument " + Q(name));
      // Wired as planned: the argument is the very item the graph's source names.
      const Source* source = graph.SourceOf(order[i], name);
      if (source == nullptr) return Mismatch(context + ": the plan has no source for " + Q(name));
      const Entity* planned = nullptr;
      std::string from;
      if (const ImportId* id = std::get_if<ImportId>(source)) {
        planned = &out->imports.items()[static_cast<uint32_t>(*id)].second;
        from = "import " + Q(graph.import(*id).name);
      } else {
        const ExportOf& e = std::get<ExportOf>(*source);
        size_t j = 0;
        while (j < i && order[j] != e.component) ++j;
        if (j == i) return Mismatch(context + ": " + Q(name) + " comes from a later instance");
        planned = instantiations[j].instance->exports.Find(e.name);
        from = "export " + Q(e.name) + " of " + Q(graph.component(e.component).name);
      }
      if (planned == nullptr || planned->type != arg->type || planned->sort != arg->sort) {
        return Mismatch(context + ": argument " + Q(name) + " is not " + from + ", as planned");
      }
    }
  }

  // Exports: the root's.
  const ComponentNode& root = graph.component(graph.root());
  if (!SameShape(out->exports, root.type->exports)) {
    return Mismatch("the output exports " + Shape(out->exports) + " where " + Q(root.name) +
                    " exports " + Shape(root.type->exports));
  }
  return util::Status::Ok();
}

}  // namespace composer

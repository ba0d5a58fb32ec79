#include "kv/composer/graph.h"

#include <algorithm>

#include "composer/names.h"

namespace composer {

ComponentId CompositionGraph::AddComponent(ComponentNode node) {
  components_.push_back(std::move(node));
  return ComponentId{static_cast<uint32_t>(components_.size() - 1)};
}

ImportId CompositionGraph::AddImport(ImportNode node) {
  imports_.push_back(std::move(node));
  return ImportId{static_cast<uint32_t>(imports_.size() - 1)};
}

void CompositionGraph::Satisfy(ComponentId consumer, std::string import, Source source) {
  sources_.insert_or_assign({static_cast<uint32_t>(consumer), std::move(import)},
                            std::move(source));
}

const Source* CompositionGraph::SourceOf(ComponentId consumer, const std::string& import) const {
  auto it = sources_.find({static_cast<uint32_t>(consumer), import});
  return it == sources_.end() ? nullptr : &it->second;
}

util::Status CompositionGraph::CheckComplete() const {
  if (static_cast<uint32_t>(root_) >= components_.size()) {
    return util::InvalidArgument("the graph's root is not one of its components");
  }
  for (uint32_t c = 0; c < components_.size(); ++c) {
    for (const auto& [name, e] : components_[c].type->imports.items()) {
      const Source* s = SourceOf(ComponentId{c}, name);
      if (s == nullptr) {
        return util::InvalidArgument("import " + Q(name) + " of " + Q(components_[c].name) +
                                     " is not satisfied");
      }
      const bool dangling =
          std::holds_alternative<ImportId>(*s)
              ? static_cast<uint32_t>(std::get<ImportId>(*s)) >= imports_.size()
              : static_cast<uint32_t>(std::get<ExportOf>(*s).component) >= components_.size();
      if (dangling) {
        return util::InvalidArgument("import " + Q(name) + " of " + Q(components_[c].name) +
                                     " is satisfied by a node that does not exist");
      }
    }
  }
  return util::Status::Ok();
}

util::Result<std::vector<ComponentId>> CompositionGraph::InstantiationOrder() const {
  const uint32_t n = static_cast<uint32_t>(components_.size());
  // uses[c]: the components whose exports c uses, each once.
  std::vector<std::vector<uint32_t>> uses(n);
  for (const auto& [key, source] : sources_) {
    if (const ExportOf* e = std::get_if<ExportOf>(&source)) {
      auto& u = uses[key.first];
      const uint32_t p = static_cast<uint32_t>(e->component);
      if (std::find(u.begin(), u.end(), p) == u.end()) u.push_back(p);
    }
  }
  // In the order the components were added, not the order of the import names.
  for (auto& u : uses) std::sort(u.begin(), u.end());
  // Depth-first, taking components in the order they were added: a component goes out once
  // everything it uses has. A component met again while its own uses are being placed closes a
  // cycle, which `path` holds.
  enum class Mark : uint8_t { kNew, kVisiting, kPlaced };
  std::vector<Mark> mark(n, Mark::kNew);
  std::vector<uint32_t> path;
  std::vector<ComponentId> order;
  // An explicit stack: a chain as long as the input list cannot exhaust the native one.
  struct Frame {
    uint32_t node;
    size_t next;
  };
  for (uint32_t start = 0; start < n; ++start) {
    if (mark[start] != Mark::kNew) continue;
    std::vector<Frame> stack{{start, 0}};
    mark[start] = Mark::kVisiting;
    path.push_back(start);
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == uses[f.node].size()) {
        mark[f.node] = Mark::kPlaced;
        order.push_back(ComponentId{f.node});
        path.pop_back();
        stack.pop_back();
        continue;
      }
      const uint32_t next = uses[f.node][f.next++];
      if (mark[next] == Mark::kPlaced) continue;
      if (mark[next] == Mark::kVisiting) {
        std::string cycle;
        auto from = std::find(path.begin(), path.end(), next);
        for (auto it = from; it != path.end(); ++it) cycle += Q(components_[*it].name) + " -> ";
        cycle += Q(components_[next].name);
        return util::InvalidArgument(
            "the components import from each other in a cycle, so none can be instantiated "
            "first: " + cycle + " (each imports what the next exports)");
      }
      mark[next] = Mark::kVisiting;
      path.push_back(next);
      stack.push_back({next, 0});
    }
  }
  return order;
}

}  // namespace composer

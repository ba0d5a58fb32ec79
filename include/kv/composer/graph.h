// The composition graph: what a composition is, apart from how it is found (planner.h) and how it
// is written (encoder.h). Nodes are the components instantiated and the imports of the result;
// edges are satisfactions: "import `name` of component C is supplied by export `e` of component
// P", or "... by import I of the result".
//
// The ids are typed, so a component id cannot be used where an import id is meant. The graph owns
// its nodes; the component bytes and the types stay owned by the caller (the inputs and the
// TypeArena they were read into), and must outlive the graph. Not thread-safe.
#ifndef KV_COMPOSER_GRAPH_H_
#define KV_COMPOSER_GRAPH_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "kv/composer/types.h"
#include "kv/util/result.h"

namespace composer {

enum class ComponentId : uint32_t {};
enum class ImportId : uint32_t {};

// A component to instantiate, embedded byte for byte.
struct ComponentNode {
  std::string name;                // for messages: the input's name
  std::span<const uint8_t> bytes;  // its binary
  const Type* type;                // its component type (kind kComponent)
};

// An import of the composed component: one interface, the union of what its users need.
struct ImportNode {
  std::string name;
  Entity entity;
  std::string from;  // the first component that imports it, for messages
};

// Export `name` of component `component`.
struct ExportOf {
  ComponentId component;
  std::string name;
};

// What supplies one import of a component.
using Source = std::variant<ImportId, ExportOf>;

class CompositionGraph {
 public:
  ComponentId AddComponent(ComponentNode node);
  // Imports are written in the order they are added; an import that uses another's types must
  // be added after it (the planner orders them so).
  ImportId AddImport(ImportNode node);
  // REQUIRES: `consumer` has an import `import`, not satisfied yet.
  void Satisfy(ComponentId consumer, std::string import, Source source);
  // The component whose exports the composition exports.
  void SetRoot(ComponentId root) { root_ = root; }

  const ComponentNode& component(ComponentId id) const {
    return components_[static_cast<uint32_t>(id)];
  }
  const ImportNode& import(ImportId id) const { return imports_[static_cast<uint32_t>(id)]; }
  size_t component_count() const { return components_.size(); }
  size_t import_count() const { return imports_.size(); }
  ComponentId root() const { return root_; }

  // What satisfies `consumer`'s import `import`; null when nothing does.
  const Source* SourceOf(ComponentId consumer, const std::string& import) const;

  // The components in an order where each comes after every component whose exports it uses, and
  // otherwise in the order they were added: the order of instantiation. A cycle is
  // kInvalidArgument naming the components in it, in the order they use each other.
  util::Result<std::vector<ComponentId>> InstantiationOrder() const;

  // The root is a component, and every import of every component is satisfied: kInvalidArgument
  // naming the first one that is not, or a source that names no node.
  util::Status CheckComplete() const;

 private:
  std::vector<ComponentNode> components_;
  std::vector<ImportNode> imports_;
  std::map<std::pair<uint32_t, std::string>, Source> sources_;
  ComponentId root_{0};
};

}  // namespace composer

#endif  // KV_COMPOSER_GRAPH_H_

#include "kv/composer/encoder.h"

#include <map>
#include <string>
#include <utility>

#include "composer/binary_writer.h"
#include "composer/index_space.h"
#include "composer/instance_type_encoder.h"
#include "composer/names.h"

namespace composer {
namespace {

// Section ids of the component binary.
constexpr uint8_t kCustomSection = 0;
constexpr uint8_t kComponentSection = 4;
constexpr uint8_t kInstanceSection = 5;
constexpr uint8_t kAliasSection = 6;
constexpr uint8_t kTypeSection = 7;
constexpr uint8_t kImportSection = 10;
constexpr uint8_t kExportSection = 11;

class Writer {
 public:
  Writer() {
    // Byte by byte: GCC 12 takes a range insert into the empty vector for an overflow.
    static const uint8_t kPreamble[] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
    for (uint8_t b : kPreamble) out_.Byte(b);
  }

  // `(alias export instance "name" (type))` of an imported instance's type export.
  TypeIndex AliasType(InstanceIndex instance, const std::string& name) {
    WriteAlias(instance, Sort::kType, name);
    return spaces_.Add<Sort::kType>();
  }

  // `(alias export instance "name" (SORT))`.
  ItemRef AliasExport(InstanceIndex instance, Sort sort, const std::string& name) {
    WriteAlias(instance, sort, name);
    return spaces_.Add(sort);
  }

  TypeIndex DefineType(const BinaryWriter& type) {
    OneItem(kTypeSection, type);
    return spaces_.Add<Sort::kType>();
  }

  InstanceIndex ImportInstance(const std::string& name, TypeIndex type) {
    BinaryWriter i;
    i.Byte(0x00), i.Name(name);
    WriteSort(i, Sort::kInstance);
    i.U32(type.value());
    OneItem(kImportSection, i);
    return spaces_.Add<Sort::kInstance>();
  }

  ComponentIndex EmbedComponent(std::span<const uint8_t> bytes) {
    BinaryWriter body;
    body.Bytes(bytes);
    out_.Section(kComponentSection, body);
    return spaces_.Add<Sort::kComponent>();
  }

  InstanceIndex Instantiate(ComponentIndex component,
                            const std::vector<std::pair<std::string, ItemRef>>& args) {
    BinaryWriter i;
    i.Byte(0x00), i.U32(component.value());
    i.U32(static_cast<uint32_t>(args.size()));
    for (const auto& [name, ref] : args) {
      i.Name(name);
      WriteSort(i, ref.sort());
      WriteIndex(i, ref);
    }
    OneItem(kInstanceSection, i);
    return spaces_.Add<Sort::kInstance>();
  }

  // `(export "name" (SORT item))`; an export adds an item to its sort's space too.
  void Export(const std::string& name, ItemRef item) {
    BinaryWriter e;
    e.Byte(0x00), e.Name(name);
    WriteSort(e, item.sort());
    WriteIndex(e, item);
    e.Byte(0x00);  // no ascribed type
    OneItem(kExportSection, e);
    (void)spaces_.Add(item.sort());
  }

  void Producers() {
    BinaryWriter p;
    p.Name("producers");
    p.U32(1);
    p.Name("processed-by");
    p.U32(1);
    p.Name(kToolName);
    p.Name(kToolVersion);
    out_.Section(kCustomSection, p);
  }

  std::vector<uint8_t> Take() { return out_.Take(); }

 private:
  void WriteAlias(InstanceIndex instance, Sort sort, const std::string& name) {
    BinaryWriter a;
    WriteSort(a, sort);
    a.Byte(0x00), a.U32(instance.value()), a.Name(name);
    OneItem(kAliasSection, a);
  }

  void OneItem(uint8_t id, const BinaryWriter& item) {
    BinaryWriter payload;
    payload.U32(1);
    payload.Bytes(item.bytes());
    out_.Section(id, payload);
  }

  BinaryWriter out_;
  IndexSpaces spaces_;
};

}  // namespace

util::Result<std::vector<uint8_t>> Encode(const CompositionGraph& graph) {
  RETURN_IF_ERROR(graph.CheckComplete());
  ASSIGN_OR_RETURN(std::vector<ComponentId> order, graph.InstantiationOrder());
  Writer w;

  // The imports, each after the top-level aliases of the types it uses from earlier ones.
  TopAliases top_alias;
  std::vector<InstanceIndex> import_instance;
  std::map<std::string, ImportId> import_by_name;
  for (uint32_t i = 0; i < graph.import_count(); ++i) {
    const ImportNode& m = graph.import(ImportId{i});
    for (const auto& [o, primitive, type] : ForeignTypes(m.name, m.entity)) {
      if (top_alias.contains({o.import, o.name})) continue;
      auto owner = import_by_name.find(o.import);
      if (owner == import_by_name.end() && primitive) continue;  // written inline
      if (owner == import_by_name.end()) {
        return util::Unsupported("import " + Q(m.name) + " uses " + Q(o.name) + " from " +
                                 Q(o.import) + ", which is not imported before it");
      }
      if (graph.import(owner->second).entity.type->exports.Find(o.name) == nullptr) {
        return util::Unsupported("import " + Q(m.name) + " uses " + Q(o.name) + " from " +
                                 Q(o.import) + ", which that import does not export");
      }
      const InstanceIndex instance = import_instance.at(static_cast<uint32_t>(owner->second));
      top_alias.emplace(std::make_pair(o.import, o.name), w.AliasType(instance, o.name));
    }
    util::Result<BinaryWriter> type = EncodeInstanceType(m.name, m.entity.type, top_alias);
    if (!type.ok()) return std::move(type).take_status().WithContext("encoding import " + Q(m.name));
    const InstanceIndex instance = w.ImportInstance(m.name, w.DefineType(*type));
    import_instance.push_back(instance);
    import_by_name.emplace(m.name, ImportId{i});
  }

  // The components, byte for byte, in the order they are instantiated.
  std::map<uint32_t, ComponentIndex> component_index;
  for (ComponentId c : order) {
    component_index.emplace(static_cast<uint32_t>(c), w.EmbedComponent(graph.component(c).bytes));
  }

  // Each instantiated with what satisfies its imports.
  std::map<uint32_t, InstanceIndex> instance_of;
  std::map<std::pair<uint32_t, std::string>, ItemRef> export_alias;
  for (ComponentId c : order) {
    const ComponentNode& node = graph.component(c);
    std::vector<std::pair<std::string, ItemRef>> args;
    for (const auto& [name, wanted] : node.type->imports.items()) {
      const Source* source = graph.SourceOf(c, name);
      if (source == nullptr) {
        return util::InvalidArgument("import " + Q(name) + " of " + Q(node.name) +
                                     " is not satisfied");
      }
      if (const ImportId* id = std::get_if<ImportId>(source)) {
        args.emplace_back(name, import_instance.at(static_cast<uint32_t>(*id)));
        continue;
      }
      const ExportOf& e = std::get<ExportOf>(*source);
      auto key = std::make_pair(static_cast<uint32_t>(e.component), e.name);
      auto it = export_alias.find(key);
      if (it == export_alias.end()) {
        const Entity* provided = graph.component(e.component).type->exports.Find(e.name);
        if (provided == nullptr) {
          return util::InvalidArgument(Q(graph.component(e.component).name) + " has no export " +
                                       Q(e.name));
        }
        ItemRef ref = w.AliasExport(instance_of.at(key.first), provided->sort, e.name);
        it = export_alias.emplace(key, ref).first;
      }
      args.emplace_back(name, it->second);
    }
    instance_of.emplace(static_cast<uint32_t>(c),
                        w.Instantiate(component_index.at(static_cast<uint32_t>(c)), args));
  }

  // The root's exports.
  const ComponentNode& root = graph.component(graph.root());
  const InstanceIndex root_instance = instance_of.at(static_cast<uint32_t>(graph.root()));
  for (const auto& [name, e] : root.type->exports.items()) {
    if (e.sort == Sort::kValue || e.sort == Sort::kCoreModule) {
      return util::Unsupported("socket export " + Q(name) + " is a " +
                               std::string(SortName(e.sort)) + ", which cannot be re-exported");
    }
    w.Export(name, w.AliasExport(root_instance, e.sort, name));
  }
  w.Producers();
  return w.Take();
}

}  // namespace composer

#include "kv/composer/graph.h"

#include <gtest/gtest.h>

namespace composer {
namespace {

// A component type importing `imports` (each an empty instance) and exporting nothing.
const Type* ImportingComponent(TypeArena& arena, std::initializer_list<const char*> imports) {
  Type* c = arena.New(Type::Kind::kComponent);
  for (const char* name : imports) c->imports.Add(name, {Sort::kInstance, arena.New(Type::Kind::kInstance)});
  return c;
}

TEST(CompositionGraphTest, InstantiatesEachComponentAfterThoseItUses) {
  TypeArena arena;
  CompositionGraph g;
  // app uses cache and log; cache uses store; log uses store: a diamond, added top first.
  const ComponentId app = g.AddComponent({"app", {}, ImportingComponent(arena, {"kv", "log"})});
  const ComponentId cache = g.AddComponent({"cache", {}, ImportingComponent(arena, {"kv"})});
  const ComponentId log = g.AddComponent({"log", {}, ImportingComponent(arena, {"kv"})});
  const ComponentId store = g.AddComponent({"store", {}, ImportingComponent(arena, {})});
  g.Satisfy(app, "kv", ExportOf{cache, "kv"});
  g.Satisfy(app, "log", ExportOf{log, "log"});
  g.Satisfy(cache, "kv", ExportOf{store, "kv"});
  g.Satisfy(log, "kv", ExportOf{store, "kv"});
  g.SetRoot(app);
  ASSERT_TRUE(g.CheckComplete().ok());
  auto order = g.InstantiationOrder();
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  EXPECT_EQ(*order, (std::vector<ComponentId>{store, cache, log, app}));
}

TEST(CompositionGraphTest, WithoutDependenciesKeepsTheOrderOfAddition) {
  TypeArena arena;
  CompositionGraph g;
  const ComponentId a = g.AddComponent({"a", {}, ImportingComponent(arena, {})});
  const ComponentId b = g.AddComponent({"b", {}, ImportingComponent(arena, {})});
  auto order = g.InstantiationOrder();
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(*order, (std::vector<ComponentId>{a, b}));
}

TEST(CompositionGraphTest, ACycleIsAnErrorNamingItsComponentsInOrder) {
  TypeArena arena;
  CompositionGraph g;
  const ComponentId app = g.AddComponent({"app.wasm", {}, ImportingComponent(arena, {"x"})});
  const ComponentId a = g.AddComponent({"a.wasm", {}, ImportingComponent(arena, {"y"})});
  const ComponentId b = g.AddComponent({"b.wasm", {}, ImportingComponent(arena, {"x"})});
  g.Satisfy(app, "x", ExportOf{b, "x"});
  g.Satisfy(b, "x", ExportOf{a, "x"});
  g.Satisfy(a, "y", ExportOf{b, "y"});
  auto order = g.InstantiationOrder();
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.status().code(), util::Code::kInvalidArgument);
  EXPECT_NE(order.status().message().find("cycle"), std::string::npos);
  EXPECT_NE(order.status().message().find("`b.wasm` -> `a.wasm` -> `b.wasm`"), std::string::npos)
      << order.status().message();
}

TEST(CompositionGraphTest, AnUnsatisfiedImportIsReported) {
  TypeArena arena;
  CompositionGraph g;
  const ComponentId app = g.AddComponent({"app", {}, ImportingComponent(arena, {"x", "y"})});
  const ImportId x = g.AddImport({"x", {Sort::kInstance, arena.New(Type::Kind::kInstance)}, "app"});
  g.Satisfy(app, "x", x);
  util::Status s = g.CheckComplete();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("`y` of `app` is not satisfied"), std::string::npos) << s.message();
  g.Satisfy(app, "y", ImportId{7});
  s = g.CheckComplete();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("does not exist"), std::string::npos) << s.message();
  ASSERT_NE(g.SourceOf(app, "x"), nullptr);
  EXPECT_EQ(std::get<ImportId>(*g.SourceOf(app, "x")), x);
}

}  // namespace
}  // namespace composer

#include "kv/composer/planner.h"

#include <gtest/gtest.h>

#include <utility>

namespace composer {
namespace {

using K = Type::Kind;

// `plan` was refused with `code`, by a message that says `text`.
void ExpectRefused(const util::Result<Plan>& plan, util::Code code, std::string_view text) {
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), code) << plan.status().ToString();
  EXPECT_NE(plan.status().message().find(text), std::string::npos) << plan.status().message();
}

// Types built directly in the arena: interfaces of functions, components of interfaces.
class Types {
 public:
  // `func()`, or `func(a: u32)` with `param`.
  const Type* Func(bool param = false) {
    Type* f = arena.New(K::kFunc);
    if (param) f->members.push_back({"a", arena.PrimType(Prim::kU32)});
    return f;
  }
  // An interface exporting the functions named.
  Entity Interface(std::initializer_list<std::pair<const char*, const Type*>> funcs) {
    Type* i = arena.New(K::kInstance);
    for (const auto& [name, f] : funcs) i->exports.Add(name, {Sort::kFunc, f});
    return {Sort::kInstance, i};
  }
  using Items = std::initializer_list<std::pair<const char*, Entity>>;
  PlanInput Component(const char* name, Items imports, Items exports) {
    Type* c = arena.New(K::kComponent);
    for (const auto& [n, e] : imports) c->imports.Add(n, e);
    for (const auto& [n, e] : exports) c->exports.Add(n, e);
    return {name, {}, c};
  }

  TypeArena arena;
};

const ExportOf* ExportSource(const Plan& plan, uint32_t component, const std::string& import) {
  const Source* s = plan.graph.SourceOf(ComponentId{component}, import);
  return s == nullptr ? nullptr : std::get_if<ExportOf>(s);
}

TEST(PlannerTest, EachSocketImportGoesToTheFirstPlugThatExportsIt) {
  Types t;
  Entity kv = t.Interface({{"get", t.Func()}});
  std::vector<PlanInput> plugs = {t.Component("first.wasm", {}, {{"a:kv/store", kv}}),
                                  t.Component("second.wasm", {}, {{"a:kv/store", kv}})};
  PlanInput socket = t.Component("app.wasm", {{"a:kv/store", kv}}, {});
  auto plan = PlanPlug(t.arena, plugs, socket);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // Graph nodes: the used plug, then the socket.
  ASSERT_EQ(plan->graph.component_count(), 2u);
  EXPECT_EQ(plan->graph.component(ComponentId{0}).name, "first.wasm");
  EXPECT_EQ(plan->graph.component(plan->graph.root()).name, "app.wasm");
  const ExportOf* e = ExportSource(*plan, 1, "a:kv/store");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->component, ComponentId{0});
  EXPECT_EQ(plan->plugged, std::vector<std::string>{"a:kv/store"});
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_NE(plan->warnings[0].find("`second.wasm`"), std::string::npos);
}

TEST(PlannerTest, APlugThatImportsWhatAnotherExportsIsChainedToIt) {
  Types t;
  Entity kv = t.Interface({{"get", t.Func()}});
  std::vector<PlanInput> plugs = {
      t.Component("cache.wasm", {{"a:kv/store", kv}}, {{"a:kv/store", kv}}),
      t.Component("store.wasm", {}, {{"a:kv/store", kv}})};
  PlanInput socket = t.Component("app.wasm", {{"a:kv/store", kv}}, {});
  auto plan = PlanPlug(t.arena, plugs, socket);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // Nodes 0 cache, 1 store, 2 app.
  const ExportOf* app_kv = ExportSource(*plan, 2, "a:kv/store");
  const ExportOf* cache_kv = ExportSource(*plan, 0, "a:kv/store");
  ASSERT_NE(app_kv, nullptr);
  ASSERT_NE(cache_kv, nullptr);
  EXPECT_EQ(app_kv->component, ComponentId{0});
  EXPECT_EQ(cache_kv->component, ComponentId{1});
  EXPECT_EQ(plan->graph.import_count(), 0u);
  auto order = plan->graph.InstantiationOrder();
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(*order, (std::vector<ComponentId>{ComponentId{1}, ComponentId{0}, ComponentId{2}}));
  ASSERT_EQ(plan->chained.size(), 1u);
  EXPECT_EQ(plan->chained[0], "`cache.wasm` imports `a:kv/store` from `store.wasm`");
  EXPECT_TRUE(plan->warnings.empty());
}

TEST(PlannerTest, APlugNeverSatisfiesItsOwnImport) {
  Types t;
  Entity kv = t.Interface({{"get", t.Func()}});
  std::vector<PlanInput> plugs = {
      t.Component("cache.wasm", {{"a:kv/store", kv}}, {{"a:kv/store", kv}})};
  PlanInput socket = t.Component("app.wasm", {{"a:kv/store", kv}}, {});
  auto plan = PlanPlug(t.arena, plugs, socket);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // The cache's own import stays an import of the result.
  ASSERT_EQ(plan->graph.import_count(), 1u);
  EXPECT_EQ(plan->graph.import(ImportId{0}).name, "a:kv/store");
  EXPECT_EQ(plan->graph.import(ImportId{0}).from, "cache.wasm");
  const Source* s = plan->graph.SourceOf(ComponentId{0}, "a:kv/store");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(std::holds_alternative<ImportId>(*s));
}

TEST(PlannerTest, PlugsThatImportFromEachOtherAreACycleNamingThem) {
  Types t;
  Entity x = t.Interface({{"f", t.Func()}});
  Entity y = t.Interface({{"g", t.Func()}});
  std::vector<PlanInput> plugs = {t.Component("a.wasm", {{"t:x/x", x}}, {{"t:y/y", y}}),
                                  t.Component("b.wasm", {{"t:y/y", y}}, {{"t:x/x", x}})};
  PlanInput socket = t.Component("app.wasm", {{"t:x/x", x}}, {});
  auto plan = PlanPlug(t.arena, plugs, socket);
  ASSERT_FALSE(plan.ok());
  const std::string& m = plan.status().message();
  EXPECT_NE(m.find("cycle"), std::string::npos) << m;
  EXPECT_NE(m.find("`a.wasm` -> `b.wasm` -> `a.wasm`"), std::string::npos) << m;
}

TEST(PlannerTest, AMatchingNameWithAnotherTypeIsAnErrorNamingTheDifference) {
  Types t;
  std::vector<PlanInput> plugs = {
      t.Component("p.wasm", {}, {{"a:kv/store", t.Interface({{"get", t.Func(true)}})}})};
  PlanInput socket = t.Component("app.wasm", {{"a:kv/store", t.Interface({{"get", t.Func()}})}}, {});
  ExpectRefused(PlanPlug(t.arena, plugs, socket), util::Code::kTypeMismatch,
                "cannot plug export `a:kv/store` of `p.wasm` into import `a:kv/store` of "
                "`app.wasm`");
}

TEST(PlannerTest, ImportsThatStayAreMergedIntoTheirUnion) {
  Types t;
  Entity kv = t.Interface({{"get", t.Func()}});
  std::vector<PlanInput> plugs = {
      t.Component("p.wasm", {{"t:log/log", t.Interface({{"warn", t.Func()}})}},
                  {{"a:kv/store", kv}})};
  PlanInput socket = t.Component(
      "app.wasm", {{"a:kv/store", kv}, {"t:log/log", t.Interface({{"info", t.Func()}})}}, {});
  auto plan = PlanPlug(t.arena, plugs, socket);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->graph.import_count(), 1u);
  const ImportNode& log = plan->graph.import(ImportId{0});
  EXPECT_EQ(log.name, "t:log/log");
  EXPECT_NE(log.entity.type->exports.Find("info"), nullptr);
  EXPECT_NE(log.entity.type->exports.Find("warn"), nullptr);
  // Both users take it from the one import.
  for (uint32_t c : {0u, 1u}) {
    const Source* s = plan->graph.SourceOf(ComponentId{c}, "t:log/log");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(std::get<ImportId>(*s), ImportId{0});
  }
}

TEST(PlannerTest, ConflictingImportsThatStayAreAnError) {
  Types t;
  Entity kv = t.Interface({{"get", t.Func()}});
  std::vector<PlanInput> plugs = {
      t.Component("p.wasm", {{"t:log/log", t.Interface({{"warn", t.Func(true)}})}},
                  {{"a:kv/store", kv}})};
  PlanInput socket = t.Component(
      "app.wasm", {{"a:kv/store", kv}, {"t:log/log", t.Interface({{"warn", t.Func()}})}}, {});
  auto plan = PlanPlug(t.arena, plugs, socket);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("conflicting types"), std::string::npos);
}

TEST(PlannerTest, SemverCompatibleVersionsMatch) {
  Types t;
  Entity kv = t.Interface({{"get", t.Func()}});
  std::vector<PlanInput> plugs = {t.Component("p.wasm", {}, {{"a:kv/store@1.4.0", kv}})};
  PlanInput socket = t.Component("app.wasm", {{"a:kv/store@1.0.0", kv}}, {});
  auto plan = PlanPlug(t.arena, plugs, socket);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const ExportOf* e = ExportSource(*plan, 1, "a:kv/store@1.0.0");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "a:kv/store@1.4.0");
}

TEST(PlannerTest, NoMatchAtAllIsNotFoundListingWhatThePlugsExport) {
  Types t;
  std::vector<PlanInput> plugs = {
      t.Component("p.wasm", {}, {{"a:other/thing", t.Interface({{"f", t.Func()}})}})};
  PlanInput socket = t.Component("app.wasm", {{"a:kv/store", t.Interface({})}}, {});
  ExpectRefused(PlanPlug(t.arena, plugs, socket), util::Code::kNotFound, "a:other/thing");
}

TEST(PlannerTest, MiddlewaresOfOneInterfaceListedTopToBottomStack) {
  Types t;
  Entity kv = t.Interface({{"get", t.Func()}});
  std::vector<PlanInput> plugs = {
      t.Component("outer.wasm", {{"a:kv/store", kv}}, {{"a:kv/store", kv}}),
      t.Component("inner.wasm", {{"a:kv/store", kv}}, {{"a:kv/store", kv}}),
      t.Component("store.wasm", {}, {{"a:kv/store", kv}})};
  PlanInput socket = t.Component("app.wasm", {{"a:kv/store", kv}}, {});
  auto plan = PlanPlug(t.arena, plugs, socket);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // Nodes 0 outer, 1 inner, 2 store, 3 app.
  EXPECT_EQ(ExportSource(*plan, 3, "a:kv/store")->component, ComponentId{0});
  EXPECT_EQ(ExportSource(*plan, 0, "a:kv/store")->component, ComponentId{1});
  EXPECT_EQ(ExportSource(*plan, 1, "a:kv/store")->component, ComponentId{2});
  auto order = plan->graph.InstantiationOrder();
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(*order, (std::vector<ComponentId>{ComponentId{2}, ComponentId{1}, ComponentId{0},
                                              ComponentId{3}}));
}

// An interface `t:x/x` owning a type `r` (a record, or a resource), and `t:x/y` using it.
struct OwnedType {
  Entity x, y;
};
OwnedType Owning(Types& t, bool resource) {
  Type* r = t.arena.New(resource ? K::kResource : K::kRecord);
  if (!resource) r->members.push_back({"n", t.arena.PrimType(Prim::kU32)});
  r->owner = {"t:x/x", "r"};
  Type* x = t.arena.New(K::kInstance);
  x->exports.Add("r", {Sort::kType, r});
  x->exports.Add("f", {Sort::kFunc, t.Func()});
  Type* use = t.arena.New(K::kFunc);
  if (resource) {
    Type* own = t.arena.New(K::kOwn);
    own->a = r;
    use->members.push_back({"v", own});
  } else {
    use->members.push_back({"v", r});
  }
  Type* y = t.arena.New(K::kInstance);
  y->exports.Add("r", {Sort::kType, r});
  y->exports.Add("g", {Sort::kFunc, use});
  return {{Sort::kInstance, x}, {Sort::kInstance, y}};
}

// The socket's `t:x/x` is plugged and its `t:x/y` stays, using `r` of `t:x/x`.
TEST(PlannerTest, AStayingImportMayUseAPluggedValueTypeThatAnotherImportSupplies) {
  Types t;
  OwnedType o = Owning(t, false);
  // The plug itself imports `t:x/x`, unplugged: the outer `t:x/x` supplies `r` by structure.
  std::vector<PlanInput> plugs = {t.Component("p.wasm", {{"t:x/x", o.x}}, {{"t:x/x", o.x}})};
  PlanInput socket = t.Component("app.wasm", {{"t:x/x", o.x}, {"t:x/y", o.y}}, {});
  auto plan = PlanPlug(t.arena, plugs, socket);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  // Without an outer `t:x/x`, `r` has nowhere to come from.
  std::vector<PlanInput> alone = {t.Component("p.wasm", {}, {{"t:x/x", o.x}})};
  auto refused = PlanPlug(t.arena, alone, socket);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("cannot stay outside the composition"),
            std::string::npos)
      << refused.status().message();
}

TEST(PlannerTest, AStayingImportMayNotUseAPluggedResource) {
  Types t;
  OwnedType o = Owning(t, true);
  std::vector<PlanInput> plugs = {t.Component("p.wasm", {{"t:x/x", o.x}}, {{"t:x/x", o.x}})};
  PlanInput socket = t.Component("app.wasm", {{"t:x/x", o.x}, {"t:x/y", o.y}}, {});
  ExpectRefused(PlanPlug(t.arena, plugs, socket), util::Code::kTypeMismatch,
                "import `t:x/y` of `app.wasm` uses `r` from `t:x/x`, which `p.wasm` provides");
}

// 200,000 imports that stay, each using a record of the one before: ordering them must not
// recurse once per import (the input decides how many there are).
TEST(PlannerTest, ALongChainOfImportsThatUseEachOtherIsOrderedWithoutRecursion) {
  Types t;
  constexpr int kImports = 200000;
  Entity kv = t.Interface({{"get", t.Func()}});
  std::vector<std::pair<std::string, Entity>> imports;
  const Type* previous = t.arena.PrimType(Prim::kU32);
  for (int i = 0; i < kImports; ++i) {
    const std::string name = "t:chain/i" + std::to_string(i);
    Type* r = t.arena.New(K::kRecord);
    r->members.push_back({"v", previous});
    r->owner = {name, "r"};
    Type* inst = t.arena.New(K::kInstance);
    inst->exports.Add("r", {Sort::kType, r});
    imports.emplace_back(name, Entity{Sort::kInstance, inst});
    previous = r;
  }
  Type* app = t.arena.New(K::kComponent);
  app->imports.Add("a:kv/store", kv);
  // The last first, so that each import's owner is met after it.
  for (auto it = imports.rbegin(); it != imports.rend(); ++it) app->imports.Add(it->first, it->second);
  std::vector<PlanInput> plugs = {t.Component("p.wasm", {}, {{"a:kv/store", kv}})};
  auto plan = PlanPlug(t.arena, plugs, PlanInput{"app.wasm", {}, app});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->graph.import_count(), static_cast<size_t>(kImports));
  EXPECT_EQ(plan->graph.import(ImportId{0}).name, "t:chain/i0");
  EXPECT_EQ(plan->graph.import(ImportId{kImports - 1}).name,
            "t:chain/i" + std::to_string(kImports - 1));
}

// The socket's `t:x/y` (using the resource `r` of `t:x/x`) is plugged, and its `t:x/x` stays
// outside: the plug's `t:x/y` has a resource of its own, which the outside `r` can never be.
// (Found by plug_fuzzer: the output failed the composer's own check.)
TEST(PlannerTest, APluggedImportMayNotUseAResourceOfOneThatStays) {
  Types t;
  OwnedType mine = Owning(t, true);
  OwnedType theirs = Owning(t, true);
  std::vector<PlanInput> plugs = {t.Component("p.wasm", {}, {{"t:x/y", theirs.y}})};
  PlanInput socket = t.Component("app.wasm", {{"t:x/x", mine.x}, {"t:x/y", mine.y}}, {});
  ExpectRefused(PlanPlug(t.arena, plugs, socket), util::Code::kTypeMismatch,
                "import `t:x/y` of `app.wasm` uses `r` from `t:x/x`, which stays outside the "
                "composition");
}

}  // namespace
}  // namespace composer

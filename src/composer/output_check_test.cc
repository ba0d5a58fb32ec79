// The encoder and the checker together: a graph written by Encode passes CheckComposition, and
// wrong wirings written by hand (graphs the planner would never build) are caught by type.
#include "composer/output_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kv/composer/component_reader.h"
#include "kv/composer/encoder.h"
#include "kv/composer/plug.h"

namespace composer {
namespace {

// Appends bytes one at a time (GCC 12 takes some vector range inserts for overflows).
void Append(std::vector<uint8_t>& out, std::initializer_list<uint8_t> bytes) {
  for (uint8_t b : bytes) out.push_back(b);
}
void AppendName(std::vector<uint8_t>& out, const std::string& name) {
  out.push_back(static_cast<uint8_t>(name.size()));
  for (char c : name) out.push_back(static_cast<uint8_t>(c));
}
void AppendSection(std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& payload) {
  out.push_back(id);
  out.push_back(static_cast<uint8_t>(payload.size()));
  for (uint8_t b : payload) out.push_back(b);
}

// `(component (type (instance (export "f" (func ...)))) (import NAME (instance (type 0))))`,
// with `f: func()` or, with `param`, `f: func(a: u32)`; then, with `reexport`, `(export REEXPORT
// (instance 0))`.
std::vector<uint8_t> Component(const std::string& import, bool param,
                               const std::string& reexport = "") {
  std::vector<uint8_t> out;
  Append(out, {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00});
  std::vector<uint8_t> type;
  Append(type, {0x01, 0x42, 0x02, 0x01, 0x40});  // one type: instance of 2 decls; a func type
  if (param) {
    Append(type, {0x01, 0x01, 'a', 0x79});  // (a: u32)
  } else {
    Append(type, {0x00});
  }
  Append(type, {0x01, 0x00, 0x04, 0x00, 0x01, 'f', 0x01, 0x00});  // no result; export "f"
  AppendSection(out, 0x07, type);
  std::vector<uint8_t> imp;
  Append(imp, {0x01, 0x00});
  AppendName(imp, import);
  Append(imp, {0x05, 0x00});
  AppendSection(out, 0x0a, imp);
  if (!reexport.empty()) {
    std::vector<uint8_t> exp;
    Append(exp, {0x01, 0x00});
    AppendName(exp, reexport);
    Append(exp, {0x05, 0x00, 0x00});
    AppendSection(out, 0x0b, exp);
  }
  return out;
}

struct Read {
  std::vector<uint8_t> bytes;
  const Type* type;
};

Read ReadInto(TypeArena& arena, std::vector<uint8_t> bytes) {
  auto t = ReadComponent(arena, bytes);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return {std::move(bytes), t.ok() ? *t : nullptr};
}

// The graph `provider` -> `consumer`: the result's import `in` (of type `in_type`) satisfies the
// provider's `in`, and the provider's export `x` the consumer's `x`.
CompositionGraph Chain(const Read& provider, const Read& consumer, const Entity& in_type) {
  CompositionGraph g;
  const ImportId in = g.AddImport({"in", in_type, "provider"});
  const ComponentId p = g.AddComponent({"provider", provider.bytes, provider.type});
  const ComponentId c = g.AddComponent({"consumer", consumer.bytes, consumer.type});
  g.Satisfy(p, "in", in);
  g.Satisfy(c, "x", ExportOf{p, "x"});
  g.SetRoot(c);
  return g;
}

// The graph of `consumer` alone, its `x` satisfied by the result's import `name` of type `type`.
CompositionGraph Alone(const Read& consumer, const std::string& name, const Entity& type) {
  CompositionGraph g;
  const ImportId import = g.AddImport({name, type, "consumer"});
  const ComponentId c = g.AddComponent({"consumer", consumer.bytes, consumer.type});
  g.Satisfy(c, "x", import);
  g.SetRoot(c);
  return g;
}

// provider: imports `in`, exports it as `x`; consumer: imports `x`. The result imports `in`.
TEST(OutputCheckTest, AnEncodedGraphPassesTheCheck) {
  TypeArena arena;
  Read provider = ReadInto(arena, Component("in", false, "x"));
  Read consumer = ReadInto(arena, Component("x", false));
  CompositionGraph g = Chain(provider, consumer, *provider.type->imports.Find("in"));
  auto bytes = Encode(g);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  util::Status s = CheckComposition(arena, g, *bytes);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// The consumer's `x` wants `f: func()`; an import with `f: func(a: u32)` is wired to it. The reader
// instantiates it (the names line up); the checker refuses it by type.
TEST(OutputCheckTest, AWronglyTypedArgumentIsCaught) {
  TypeArena arena;
  Read consumer = ReadInto(arena, Component("x", false));
  Read other = ReadInto(arena, Component("y", true));
  CompositionGraph g = Alone(consumer, "y", *other.type->imports.Find("y"));
  auto bytes = Encode(g);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  TypeArena plain;
  ASSERT_TRUE(ReadComponent(plain, *bytes).ok()) << "the reader alone takes it";
  util::Status s = CheckComposition(arena, g, *bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), util::Code::kTypeMismatch);
  EXPECT_NE(s.message().find("instantiation of `consumer`, argument `x`"), std::string::npos)
      << s.message();
}

// Bytes written for one graph, checked against another whose import has another type.
TEST(OutputCheckTest, ImportsOtherThanThePlannedOnesAreCaught) {
  TypeArena arena;
  Read provider = ReadInto(arena, Component("in", false, "x"));
  Read consumer = ReadInto(arena, Component("x", false));
  Read other = ReadInto(arena, Component("in", true));
  CompositionGraph written = Chain(provider, consumer, *provider.type->imports.Find("in"));
  CompositionGraph planned = Chain(provider, consumer, *other.type->imports.Find("in"));
  auto bytes = Encode(written);
  ASSERT_TRUE(bytes.ok());
  util::Status s = CheckComposition(arena, planned, *bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("the output's import `in`"), std::string::npos) << s.message();
}

// Bytes that instantiate fewer components than the plan has.
TEST(OutputCheckTest, MissingInstantiationsAreCaught) {
  TypeArena arena;
  Read provider = ReadInto(arena, Component("in", false, "x"));
  Read consumer = ReadInto(arena, Component("x", false));
  CompositionGraph alone = Alone(consumer, "in", *consumer.type->imports.Find("x"));
  auto bytes = Encode(alone);
  ASSERT_TRUE(bytes.ok());

  CompositionGraph two = Chain(provider, consumer, *provider.type->imports.Find("in"));
  util::Status s = CheckComposition(arena, two, *bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("instantiates 1 components where the plan has 2"), std::string::npos)
      << s.message();
}

// The provider imports `in` and exports it as `x`; the consumer's `x` is planned from the
// provider's export but written from the output's own import `x` (whose type fits as well).
TEST(OutputCheckTest, AWiringOtherThanPlannedIsCaught) {
  TypeArena arena;
  Read provider = ReadInto(arena, Component("in", false, "x"));
  Read consumer = ReadInto(arena, Component("x", false));
  auto graph = [&](bool from_import) {
    CompositionGraph g;
    const ImportId in = g.AddImport({"in", *provider.type->imports.Find("in"), "provider"});
    const ImportId x = g.AddImport({"x", *consumer.type->imports.Find("x"), "consumer"});
    const ComponentId p = g.AddComponent({"provider", provider.bytes, provider.type});
    const ComponentId c = g.AddComponent({"consumer", consumer.bytes, consumer.type});
    g.Satisfy(p, "in", in);
    if (from_import) {
      g.Satisfy(c, "x", x);
    } else {
      g.Satisfy(c, "x", ExportOf{p, "x"});
    }
    g.SetRoot(c);
    return g;
  };
  auto bytes = Encode(graph(true));
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_TRUE(CheckComposition(arena, graph(true), *bytes).ok());
  util::Status s = CheckComposition(arena, graph(false), *bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("argument `x` is not export `x` of `provider`, as planned"),
            std::string::npos)
      << s.message();
}

void AppendU32(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v != 0 ? (b | 0x80) : b);
  } while (v != 0);
}

// A plug whose one type is a component type nested `levels` deep, exporting an empty instance
// as `a:b/c`.
std::vector<uint8_t> DeeplyNestedPlug(uint32_t levels) {
  std::vector<uint8_t> type = {0x41, 0x00};
  for (uint32_t i = 1; i < levels; ++i) {
    std::vector<uint8_t> outer = {0x41, 0x01, 0x01};
    for (uint8_t b : type) outer.push_back(b);
    type = std::move(outer);
  }
  std::vector<uint8_t> out;
  Append(out, {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00});
  out.push_back(0x07);
  AppendU32(out, static_cast<uint32_t>(type.size() + 1));
  out.push_back(0x01);
  for (uint8_t b : type) out.push_back(b);
  Append(out, {0x05, 0x03, 0x01, 0x01, 0x00});  // an instance of no inline exports
  std::vector<uint8_t> exp;
  Append(exp, {0x01, 0x00});
  AppendName(exp, "a:b/c");
  Append(exp, {0x05, 0x00, 0x00});
  AppendSection(out, 0x0b, exp);
  return out;
}

// The output embeds its inputs one level down: an input at the reader's nesting limit must still
// fuse, not fail its own check.
TEST(PlugTest, AnInputAtTheNestingLimitFuses) {
  std::vector<uint8_t> socket;
  Append(socket, {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00});
  AppendSection(socket, 0x07, {0x01, 0x42, 0x00});
  std::vector<uint8_t> imp;
  Append(imp, {0x01, 0x00});
  AppendName(imp, "a:b/c");
  Append(imp, {0x05, 0x00});
  AppendSection(socket, 0x0a, imp);
  TypeArena arena;
  ASSERT_TRUE(ReadComponent(arena, DeeplyNestedPlug(kMaxNesting)).ok());
  ASSERT_FALSE(ReadComponent(arena, DeeplyNestedPlug(kMaxNesting + 1)).ok());
  auto fused = Plug({{"plug.wasm", DeeplyNestedPlug(kMaxNesting)}}, {"socket.wasm", socket});
  EXPECT_TRUE(fused.ok()) << fused.status().ToString();
}

}  // namespace
}  // namespace composer

#include "kv/composer/component_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "composer/names.h"
#include "kv/composer/plug.h"

namespace composer {
namespace {

// `(component (type (instance (export "f" (func)))) (import "a:b/c" (instance (type 0))))`,
// byte by byte.
const std::vector<uint8_t> kImportOneFunction = {
    0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00,  // preamble: component version 0xd, layer 1
    0x07, 0x0e,                                      // type section, 14 bytes
    0x01,                                            //   one type:
    0x42, 0x02,                                      //   an instance type of 2 declarations
    0x01, 0x40, 0x00, 0x01, 0x00,                    //     type 0: func(), no result
    0x04, 0x00, 0x01, 'f',  0x01, 0x00,              //     export "f" (func (type 0))
    0x0a, 0x0a,                                      // import section, 10 bytes
    0x01,                                            //   one import:
    0x00, 0x05, 'a',  ':',  'b',  '/',  'c',         //   "a:b/c"
    0x05, 0x00,                                      //   (instance (type 0))
};

TEST(ComponentReaderTest, ReadsAnImportedInstance) {
  TypeArena arena;
  auto c = ReadComponent(arena, kImportOneFunction);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ((*c)->imports.size(), 1u);
  const Entity* e = (*c)->imports.Find("a:b/c");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->sort, Sort::kInstance);
  const Entity* f = e->type->exports.Find("f");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->sort, Sort::kFunc);
  EXPECT_TRUE(f->type->members.empty());
  EXPECT_EQ(f->type->a, nullptr);
}

// A component whose one type is `instance_type`, imported as "a:b/c", then the bytes `after`.
std::vector<uint8_t> ImportingInstance(const std::vector<uint8_t>& instance_type,
                                       const std::vector<uint8_t>& after = {}) {
  std::vector<uint8_t> out;
  auto append = [&out](std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) out.push_back(b);
  };
  append({0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00});  // preamble
  append({0x07, static_cast<uint8_t>(instance_type.size() + 1), 0x01});  // type section, one type
  for (uint8_t b : instance_type) out.push_back(b);
  append({0x0a, 0x0a, 0x01, 0x00, 0x05, 'a', ':', 'b', '/', 'c', 0x05, 0x00});  // the import
  for (uint8_t b : after) out.push_back(b);
  return out;
}

// The function `f` of the instance imported as "a:b/c".
const Type* ImportedF(const Type* component) {
  const Entity* f = component->imports.Find("a:b/c")->type->exports.Find("f");
  return f != nullptr && f->sort == Sort::kFunc ? f->type : nullptr;
}

// An import whose function takes a `stream<u8>`, then three async built-ins (waitable-set.new,
// context.get i32 0, thread.yield): what async components built by current toolchains contain.
std::vector<uint8_t> AsyncComponent(uint8_t last_builtin) {
  return ImportingInstance(
      {
          0x42, 0x03,                                     // an instance type of 3 declarations
          0x01, 0x66, 0x01, 0x7d,                         //   type 0: stream<u8>
          0x01, 0x40, 0x01, 0x01, 's', 0x00, 0x01, 0x00,  //   type 1: func(s: type 0)
          0x04, 0x00, 0x01, 'f', 0x01, 0x01,              //   export "f" (func (type 1))
      },
      {
          0x08, 0x07, 0x03,   // canon section, three built-ins:
          0x1f,               //   waitable-set.new
          0x0a, 0x7f, 0x00,   //   context.get i32 0
          last_builtin, 0x00  //   thread.yield (not cancellable)
      });
}

TEST(ComponentReaderTest, ReadsStreamTypesAndAsyncBuiltIns) {
  TypeArena arena;
  auto c = ReadComponent(arena, AsyncComponent(0x0c));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Type* f = ImportedF(*c);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Describe(f), "func(s: stream<u8>)");
}

TEST(ComponentReaderTest, AnUnknownBuiltInIsAnErrorAtItsOffset) {
  TypeArena arena;
  std::vector<uint8_t> bytes = AsyncComponent(0x3c);
  auto c = ReadComponent(arena, bytes);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("unknown canonical built-in 0x3c"), std::string::npos)
      << c.status().ToString();
  ASSERT_TRUE(c.status().offset().has_value());
  EXPECT_EQ(*c.status().offset(), bytes.size() - 2);
}

// An import of `f: func(x: tN)` where t0 = tuple<u8, u8> and each t(i) = tuple<t(i-1), t(i-1)>:
// about 100 bytes, whose type written out in full has 2^(levels+1) - 1 nodes.
std::vector<uint8_t> DoublingTuples(uint8_t levels) {
  std::vector<uint8_t> inst = {0x42, static_cast<uint8_t>(levels + 2), 0x01, 0x6f, 0x02, 0x7d, 0x7d};
  for (uint8_t i = 1; i < levels; ++i) inst.insert(inst.end(), {0x01, 0x6f, 0x02, uint8_t(i - 1), uint8_t(i - 1)});
  inst.insert(inst.end(), {0x01, 0x40, 0x01, 0x01, 'x', uint8_t(levels - 1), 0x01, 0x00});
  inst.insert(inst.end(), {0x04, 0x00, 0x01, 'f', 0x01, levels});
  return ImportingInstance(inst);
}

// Within the limit a doubling type is read, and described in text of its distinct parts (the
// full text of t17 would be about 3 MB).
TEST(ComponentReaderTest, SharedTypesCostTheirDistinctNodes) {
  TypeArena arena;
  auto c = ReadComponent(arena, DoublingTuples(18));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Type* f = ImportedF(*c);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->size, uint64_t{1} << 19);  // t17 (2^19 - 1 nodes) and the function node
  std::string text = Describe(f);
  EXPECT_LT(text.size(), 2000u) << text.substr(0, 200);
  EXPECT_NE(text.find("func(x: %"), std::string::npos) << text.substr(0, 200);
  EXPECT_NE(text.find(" where %"), std::string::npos);
}

// One level more is beyond kMaxEffectiveTypeSize, as wasm-tools' validator also judges it: a
// clear error at the offset of the type, not minutes of work or a crash.
TEST(ComponentReaderTest, ATypeTooLargeWrittenOutIsAnErrorAtItsOffset) {
  TypeArena arena;
  auto c = ReadComponent(arena, DoublingTuples(19));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("reaches the limit of 1000000 type nodes"), std::string::npos)
      << c.status().ToString();
  EXPECT_TRUE(c.status().offset().has_value());
}

TEST(ComponentReaderTest, ABadIndexIsAnErrorAtItsOffset) {
  std::vector<uint8_t> bytes = kImportOneFunction;
  bytes[bytes.size() - 1] = 0x07;  // (instance (type 7)): no such type
  TypeArena arena;
  auto c = ReadComponent(arena, bytes);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().offset(), bytes.size() - 1);
  EXPECT_NE(c.status().message().find("out of range"), std::string::npos);
}

TEST(ComponentReaderTest, CoreModulesAreNotComponents) {
  std::vector<uint8_t> core = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  TypeArena arena;
  auto c = ReadComponent(arena, core);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("not a component"), std::string::npos);
}

TEST(ComponentReaderTest, GarbageIsNotWebAssembly) {
  std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o', '!', '!', '!'};
  TypeArena arena;
  auto c = ReadComponent(arena, text);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("not a WebAssembly binary"), std::string::npos);
  EXPECT_EQ(c.status().offset(), 0u);
}

TEST(ComponentReaderTest, SectionSizesPastTheEndAreReported) {
  std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x07, 0x7f, 0x01};
  TypeArena arena;
  auto c = ReadComponent(arena, bytes);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().offset(), 10u);
}

TEST(ComponentReaderTest, DeepNestingIsRefusedNotOverflowed) {
  // list<list<list<...>>> 200 deep, each a type referring to the one before.
  std::vector<uint8_t> body;
  const int kDepth = 200;
  body.push_back(0xc8), body.push_back(0x01);  // 200 types
  body.push_back(0x70), body.push_back(0x7d);  // type 0: list<u8>
  for (int i = 1; i < kDepth; ++i) {
    body.push_back(0x70);
    // s33 of i-1
    int v = i - 1;
    if (v < 64) {
      body.push_back(static_cast<uint8_t>(v));
    } else {
      body.push_back(static_cast<uint8_t>(0x80 | (v & 0x7f)));
      body.push_back(static_cast<uint8_t>(v >> 7));
    }
  }
  std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x07};
  bytes.push_back(static_cast<uint8_t>(0x80 | (body.size() & 0x7f)));
  bytes.push_back(static_cast<uint8_t>(body.size() >> 7));
  bytes.insert(bytes.end(), body.begin(), body.end());
  TypeArena arena;
  auto c = ReadComponent(arena, bytes);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("nested deeper"), std::string::npos) << c.status().ToString();
}

std::vector<std::filesystem::path> CorpusFiles() {
  std::vector<std::filesystem::path> files;
  std::filesystem::path dir = std::filesystem::path(KV_SHARED_DIR) / "corpus" / "components";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".wasm") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<uint8_t> Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

// Every prefix of two real components (one with resources and nested shims, one composed by
// another tool) is read without a crash, and each rejected prefix is rejected with an offset.
// Two files keep it quick: every prefix re-reads all the sections before the cut.
TEST(ComponentReaderTest, EveryTruncationOfRealComponentsIsAnErrorWithAnOffset) {
  int checked = 0;
  for (const char* name : {"resource-borrow-simple.component.wasm", "adder.component.wasm"}) {
    auto path = std::filesystem::path(KV_SHARED_DIR) / "corpus" / "components" / name;
    std::vector<uint8_t> bytes = Slurp(path);
    ASSERT_FALSE(bytes.empty()) << "missing " << path;
    TypeArena whole_arena;
    ASSERT_TRUE(ReadComponent(whole_arena, bytes).ok()) << name;
    for (size_t n = 0; n < bytes.size(); ++n) {
      TypeArena arena;
      auto c = ReadComponent(arena, std::span<const uint8_t>(bytes.data(), n));
      // A prefix ending exactly between top-level sections is a smaller valid component.
      if (!c.ok()) {
        ASSERT_TRUE(c.status().offset().has_value())
            << path.filename() << " cut at " << n << ": " << c.status().ToString();
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

// Every file of the corpus reads, or is rejected with an offset; none crashes.
TEST(ComponentReaderTest, EveryCorpusFileReadsOrIsRejectedCleanly) {
  auto files = CorpusFiles();
  ASSERT_GE(files.size(), 20u) << "no corpus under " << KV_SHARED_DIR;
  for (const auto& path : files) {
    TypeArena arena;
    auto c = ReadComponent(arena, Slurp(path));
    if (!c.ok()) {
      EXPECT_TRUE(c.status().offset().has_value()) << path.filename();
    }
  }
}

TEST(NamesMatchTest, PreReleasesMatchExactlyOthersBySemver) {
  EXPECT_TRUE(NamesMatch("wasi:keyvalue/store@0.2.0-draft", "wasi:keyvalue/store@0.2.0-draft"));
  EXPECT_FALSE(NamesMatch("wasi:keyvalue/store@0.2.0-draft", "wasi:keyvalue/store@0.2.0-draft2"));
  EXPECT_TRUE(NamesMatch("a:b/c@1.0.0", "a:b/c@1.4.2"));
  EXPECT_FALSE(NamesMatch("a:b/c@1.0.0", "a:b/c@2.0.0"));
  EXPECT_TRUE(NamesMatch("wasi:io/streams@0.2.3", "wasi:io/streams@0.2.12"));
  EXPECT_FALSE(NamesMatch("a:b/c@0.2.0", "a:b/c@0.3.0"));
  EXPECT_FALSE(NamesMatch("a:b/c@0.0.1", "a:b/c@0.0.2"));
  EXPECT_FALSE(NamesMatch("a:b/c@1.0.0", "a:b/d@1.0.0"));
  EXPECT_FALSE(NamesMatch("a:b/c", "a:b/c@1.0.0"));
}

}  // namespace
}  // namespace composer

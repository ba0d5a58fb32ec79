#include "composer/type_check.h"

#include <set>
#include <string>
#include <utility>

#include "composer/names.h"

namespace composer {
namespace {

using K = Type::Kind;

util::Status Mismatch(std::string message) {
  return util::Status(util::Code::kTypeMismatch, std::move(message));
}

std::string_view KindName(const Type* t) {
  switch (t->kind) {
    case K::kPrim:
      return PrimName(t->prim);
    case K::kRecord:
      return "record";
    case K::kVariant:
      return "variant";
    case K::kList:
      return "list";
    case K::kTuple:
      return "tuple";
    case K::kFlags:
      return "flags";
    case K::kEnum:
      return "enum";
    case K::kOption:
      return "option";
    case K::kResult:
      return "result";
    case K::kOwn:
      return "own";
    case K::kBorrow:
      return "borrow";
    case K::kStream:
      return "stream";
    case K::kFuture:
      return "future";
    case K::kResource:
      return "resource";
    case K::kFunc:
      return "function";
    case K::kInstance:
      return "instance";
    case K::kComponent:
      return "component";
  }
  return "type";
}

class Checker {
 public:
  explicit Checker(TypeMap& resources) : resources_(resources) {}

  util::Status Entities(const Entity& e, const Entity& a);

 private:
  util::Status Instances(const Type* e, const Type* a);
  util::Status Funcs(const Type* e, const Type* a);
  // Memoised: value types are DAGs (a tuple of a tuple of ... shares its parts), and a walk that
  // compared each use again would cost the size of the expanded type, exponential in its depth.
  util::Status Values(const Type* e, const Type* a);
  util::Status CompareValues(const Type* e, const Type* a);
  util::Status Resources(const Type* e, const Type* a);
  util::Status Optional(const Type* e, const Type* a, const std::string& what);

  const Type* Resolve(const Type* r) const {
    auto it = resources_.find(r);
    return it == resources_.end() ? r : it->second;
  }

  TypeMap& resources_;
  std::set<std::pair<const Type*, const Type*>> equal_;  // pairs already found to match
};

util::Status Checker::Entities(const Entity& e, const Entity& a) {
  if (e.sort != a.sort) {
    return Mismatch("expected " + std::string(SortName(e.sort)) + ", found " +
                    std::string(SortName(a.sort)));
  }
  switch (e.sort) {
    case Sort::kInstance:
      return Instances(e.type, a.type);
    case Sort::kFunc:
      return Funcs(e.type, a.type);
    case Sort::kType:
      if (e.type->kind == K::kResource || a.type->kind == K::kResource) {
        return Resources(e.type, a.type);
      }
      return Values(e.type, a.type);
    case Sort::kComponent:
      return util::Unsupported("comparing component types is not supported");
    case Sort::kCoreModule:
    case Sort::kValue:
      return util::Unsupported("comparing " + std::string(SortName(e.sort)) +
                               " types is not supported");
  }
  return util::Status::Ok();
}

util::Status Checker::Instances(const Type* e, const Type* a) {
  if (e == a) return util::Status::Ok();
  // Resources the expected instance exports stand for what the actual one exports by that name.
  for (const auto& [name, ex] : e->exports.items()) {
    if (ex.sort != Sort::kType || ex.type->kind != K::kResource) continue;
    const Entity* ax = a->exports.Find(name);
    if (ax == nullptr || ax->sort != Sort::kType || ax->type->kind != K::kResource) continue;
    if (!resources_.contains(ex.type)) resources_.emplace(ex.type, ax->type);
  }
  // Every export is checked, so that one message names every difference.
  std::vector<util::Status> problems;
  for (const auto& [name, ex] : e->exports.items()) {
    const Entity* ax = a->exports.Find(name);
    if (ax == nullptr) {
      problems.push_back(Mismatch("instance is missing expected " + std::string(SortName(ex.sort)) +
                                  " export " + Q(name)));
      continue;
    }
    util::Status s = Entities(ex, *ax);
    if (!s.ok()) {
      problems.push_back(std::move(s).WithContext("mismatched type for export " + Q(name)));
    }
  }
  if (problems.empty()) return util::Status::Ok();
  if (problems.size() == 1) return std::move(problems[0]);
  std::string all = std::to_string(problems.size()) + " exports differ:";
  for (const util::Status& p : problems) all += "\n  " + p.message();
  return Mismatch(std::move(all));
}

util::Status Checker::Funcs(const Type* e, const Type* a) {
  if (e->async != a->async) {
    return Mismatch(std::string("expected ") + (e->async ? "async" : "sync") + " function, found " +
                    (a->async ? "async" : "sync") + " function");
  }
  if (e->members.size() != a->members.size()) {
    return Mismatch("expected function with parameter count " + std::to_string(e->members.size()) +
                    ", found parameter count " + std::to_string(a->members.size()));
  }
  for (size_t i = 0; i < e->members.size(); ++i) {
    const Member& em = e->members[i];
    const Member& am = a->members[i];
    if (em.name != am.name) {
      return Mismatch("expected function parameter " + std::to_string(i) + " to be named " +
                      Q(em.name) + ", found name " + Q(am.name));
    }
    util::Status s = Values(em.type, am.type);
    if (!s.ok())
      return std::move(s).WithContext("mismatched type for function parameter " + Q(em.name));
  }
  if ((e->a == nullptr) != (a->a == nullptr)) {
    return Mismatch(e->a ? "expected function with a result, found function without a result"
                         : "expected function without a result, found function with a result");
  }
  if (e->a) {
    util::Status s = Values(e->a, a->a);
    if (!s.ok()) return std::move(s).WithContext("mismatched type for function result");
  }
  return util::Status::Ok();
}

util::Status Checker::Resources(const Type* e, const Type* a) {
  if (e->kind != K::kResource || a->kind != K::kResource) {
    return Mismatch("expected " + std::string(KindName(e)) + ", found " + std::string(KindName(a)));
  }
  if (Resolve(e) != a) {
    return Mismatch("expected resource " + Q(Describe(e)) + ", found resource " + Q(Describe(a)));
  }
  return util::Status::Ok();
}

util::Status Checker::Optional(const Type* e, const Type* a, const std::string& what) {
  if ((e == nullptr) != (a == nullptr)) {
    return Mismatch("expected " + what + " to be " + (e ? "typed" : "untyped") + ", found " +
                    (a ? "a typed" : "an untyped") + " one");
  }
  return e ? Values(e, a) : util::Status::Ok();
}

util::Status Checker::Values(const Type* e, const Type* a) {
  if (e == a || equal_.contains({e, a})) return util::Status::Ok();
  util::Status s = CompareValues(e, a);
  // Only matches are kept: resource bindings only grow, so a match stays one.
  if (s.ok()) equal_.insert({e, a});
  return s;
}

util::Status Checker::CompareValues(const Type* e, const Type* a) {
  if (e->kind != a->kind) {
    return Mismatch("expected " + std::string(KindName(e)) + ", found " + std::string(KindName(a)));
  }
  switch (e->kind) {
    case K::kPrim:
      if (e->prim != a->prim) {
        return Mismatch("expected " + std::string(PrimName(e->prim)) + ", found " +
                        std::string(PrimName(a->prim)));
      }
      return util::Status::Ok();
    case K::kRecord:
    case K::kVariant:
    case K::kTuple: {
      std::string what = e->kind == K::kRecord    ? "record field"
                         : e->kind == K::kVariant ? "variant case"
                                                  : "tuple item";
      if (e->members.size() != a->members.size()) {
        return Mismatch("expected a " + what + " count of " + std::to_string(e->members.size()) +
                        ", found a count of " + std::to_string(a->members.size()));
      }
      for (size_t i = 0; i < e->members.size(); ++i) {
        const Member& em = e->members[i];
        const Member& am = a->members[i];
        if (em.name != am.name) {
          return Mismatch("expected " + what + " " + std::to_string(i) + " to be named " +
                          Q(em.name) + ", found " + Q(am.name));
        }
        std::string label = e->kind == K::kTuple ? std::to_string(i) : Q(em.name);
        util::Status s = e->kind == K::kVariant ? Optional(em.type, am.type, what + " " + label)
                                                : Values(em.type, am.type);
        if (!s.ok()) return std::move(s).WithContext("mismatched type for " + what + " " + label);
      }
      return util::Status::Ok();
    }
    case K::kFlags:
    case K::kEnum:
      if (e->labels != a->labels) {
        return Mismatch(std::string("mismatch in ") + (e->kind == K::kEnum ? "enum" : "flags") +
                        " elements: expected " + Describe(e) + ", found " + Describe(a));
      }
      return util::Status::Ok();
    case K::kList:
    case K::kOption: {
      util::Status s = Values(e->a, a->a);
      if (!s.ok()) {
        return std::move(s).WithContext(e->kind == K::kList ? "mismatched type for list element"
                                                            : "mismatched type for option");
      }
      return util::Status::Ok();
    }
    case K::kResult: {
      util::Status s = Optional(e->a, a->a, "the ok type");
      if (!s.ok()) return std::move(s).WithContext("mismatched type for result `ok`");
      s = Optional(e->b, a->b, "the error type");
      if (!s.ok()) return std::move(s).WithContext("mismatched type for result `err`");
      return util::Status::Ok();
    }
    case K::kOwn:
    case K::kBorrow:
      return Resources(e->a, a->a);
    case K::kStream:
    case K::kFuture: {
      util::Status s = Optional(e->a, a->a, "the element type");
      if (!s.ok()) {
        return std::move(s).WithContext(e->kind == K::kStream ? "mismatched type for stream element"
                                                              : "mismatched type for future");
      }
      return util::Status::Ok();
    }
    case K::kResource:
      return Resources(e, a);
    case K::kFunc:
      return Funcs(e, a);
    case K::kInstance:
      return Instances(e, a);
    case K::kComponent:
      return util::Unsupported("comparing component types is not supported");
  }
  return util::Status::Ok();
}

}  // namespace

util::Status CheckSubtype(const Entity& expected, const Entity& actual, TypeMap& resources) {
  return Checker(resources).Entities(expected, actual);
}

util::Status CheckEqual(const Entity& a, const Entity& b) {
  TypeMap none;
  RETURN_IF_ERROR(Checker(none).Entities(a, b));
  TypeMap none_back;
  return Checker(none_back).Entities(b, a);
}

}  // namespace composer

#include "kv/composer/plug.h"

#include "composer/names.h"
#include "composer/output_check.h"
#include "kv/composer/component_reader.h"
#include "kv/composer/encoder.h"
#include "kv/composer/planner.h"

namespace composer {

util::Result<PlugOutput> Plug(const std::vector<Input>& plugs, const Input& socket) {
  TypeArena arena;
  auto read = [&](const Input& in) -> util::Result<PlanInput> {
    auto t = ReadComponent(arena, in.bytes);
    if (!t.ok()) return std::move(t).take_status().WithContext("reading " + Q(in.name));
    return PlanInput{in.name, in.bytes, *t};
  };
  ASSIGN_OR_RETURN(PlanInput socket_input, read(socket));
  std::vector<PlanInput> plug_inputs;
  for (const Input& p : plugs) {
    ASSIGN_OR_RETURN(PlanInput in, read(p));
    plug_inputs.push_back(std::move(in));
  }
  ASSIGN_OR_RETURN(Plan plan, PlanPlug(arena, plug_inputs, socket_input));
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, Encode(plan.graph));
  util::Status checked = CheckComposition(arena, plan.graph, bytes);
  if (!checked.ok()) {
    return std::move(checked).WithContext("internal error: the fused component fails its check");
  }
  return PlugOutput{std::move(bytes), std::move(plan.plugged), std::move(plan.chained),
                    std::move(plan.warnings)};
}

}  // namespace composer

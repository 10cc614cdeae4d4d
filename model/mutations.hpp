// The names of the deliberate model bugs (ModelMutations, kernel.hpp) that
// kqcheck --mutate offers and a counterexample trace's "mutation" field
// names, so a failure found on a broken model replays on the same one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kernel.hpp"

namespace kqsim::model {

struct MutationName {
  const char* name;                    // "dispatch-does-not-disable"
  bool ModelMutations::*flag;          // the switch it turns on
  const char* what;                    // the rule it breaks, in words
};

// Every mutation, in a fixed order.
const std::vector<MutationName>& mutation_names();

// The mutations switched on by one name; "" is the faithful model;
// nullopt for an unknown name.
std::optional<ModelMutations> mutation_named(std::string_view name);

// The name of the one mutation switched on ("" when none). Several at once
// have no single name: they are joined with '+', which mutation_named refuses.
std::string mutation_name_of(const ModelMutations& m);

}  // namespace kqsim::model

#include "model/mutations.hpp"

namespace kqsim::model {

const std::vector<MutationName>& mutation_names() {
  static const std::vector<MutationName> names{
      {"dispatch-does-not-disable", &ModelMutations::dispatch_does_not_disable,
       "kqueue_scan leaves a delivered EV_DISPATCH knote enabled"},
      {"oneshot-not-deleted", &ModelMutations::oneshot_not_deleted,
       "kqueue_scan keeps a delivered EV_ONESHOT knote"},
  };
  return names;
}

std::optional<ModelMutations> mutation_named(std::string_view name) {
  ModelMutations m;
  if (name.empty()) return m;
  for (const MutationName& n : mutation_names()) {
    if (name == n.name) {
      m.*n.flag = true;
      return m;
    }
  }
  return std::nullopt;
}

std::string mutation_name_of(const ModelMutations& m) {
  std::string out;
  for (const MutationName& n : mutation_names()) {
    if (m.*n.flag) out += (out.empty() ? "" : "+") + std::string(n.name);
  }
  return out;
}

}  // namespace kqsim::model

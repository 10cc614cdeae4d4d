#include "traces/behaviour_notes.hpp"

#include <vector>

#include "traces/json_fields.hpp"
#include "traces/json_file.hpp"

namespace kqsim::traces {

BehaviourNotes BehaviourNotes::load(const std::string& path) { return load(std::vector<std::string>{path}); }

BehaviourNotes BehaviourNotes::load(const std::vector<std::string>& paths) {
  BehaviourNotes out;
  for (const std::string& path : paths) {
    const nlohmann::json doc = load_json_object(path, "a report notes file");
    FieldReader r(path, std::nullopt, "", doc);
    for (FieldReader e : r.array_items("notes")) {
      const std::string behaviour = e.string_required("behaviour");
      const std::string checked = e.string_required("checked");
      if (checked.empty()) e.fail("checked", "a note says what was checked");
      if (!out.notes_.emplace(behaviour, checked).second) e.fail("behaviour", "a second note for '" + behaviour + "'");
      e.finish();
    }
    r.finish();
  }
  return out;
}

const std::string* BehaviourNotes::checked(const std::string& signature) const {
  auto it = notes_.find(signature);
  if (it == notes_.end()) return nullptr;
  matched_.insert(signature);
  return &it->second;
}

std::vector<std::string> BehaviourNotes::unmatched() const {
  std::vector<std::string> out;
  for (const auto& [signature, note] : notes_) {
    if (matched_.count(signature) == 0) out.push_back(signature);
  }
  return out;
}

std::set<std::string> BehaviourNotes::behaviours() const {
  std::set<std::string> out;
  for (const auto& [signature, note] : notes_) out.insert(signature);
  return out;
}

}  // namespace kqsim::traces

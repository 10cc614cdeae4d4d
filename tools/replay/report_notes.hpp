// What the author of a report checked by hand about each behaviour (the
// implementation's source, a probe), keyed by the behaviour's signature:
//   {"notes": [{"behaviour": "error-record|flags|keeps-change-flags",
//               "checked": "libkqueue src/common/kevent.c, kevent_copyin: ..."}]}
// kqreplay report --notes FILE prints each note under its behaviour and lists
// the behaviours without one and the notes that matched none.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace kqsim::replay {

class ReportNotes {
 public:
  // Throws traces::TraceError naming the file and entry on a bad file.
  static ReportNotes load(const std::string& path);
  // The note for a behaviour, nullptr if none; counts the match.
  const std::string* checked(const std::string& signature) const;
  // Notes no behaviour matched (stale or mistyped signatures).
  [[nodiscard]] std::vector<std::string> unmatched() const;

 private:
  std::map<std::string, std::string> notes_;
  mutable std::set<std::string> matched_;
};

}  // namespace kqsim::replay

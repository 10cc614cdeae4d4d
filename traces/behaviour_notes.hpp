// What the author of a report checked by hand about each behaviour (the
// implementation's source, a probe), keyed by the behaviour's signature:
//   {"notes": [{"behaviour": "error-record|flags|keeps-change-flags",
//               "checked": "libkqueue src/common/kevent.c, kevent_copyin: ..."}]}
// kqreplay report --notes FILE prints each note under its behaviour and lists
// the behaviours without one and the notes that matched none; kqcheck random
// --known FILE looks past the behaviours it names (check::KnownBehaviours).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace kqsim::traces {

class BehaviourNotes {
 public:
  // Throws traces::TraceError naming the file and entry on a bad file (or
  // on a behaviour noted twice, in one file or two).
  static BehaviourNotes load(const std::string& path);
  static BehaviourNotes load(const std::vector<std::string>& paths);
  // The note for a behaviour, nullptr if none; counts the match.
  const std::string* checked(const std::string& signature) const;
  // Whether a behaviour has a note, without counting a match.
  [[nodiscard]] bool has(const std::string& signature) const { return notes_.count(signature) != 0; }
  // Notes no behaviour matched (stale or mistyped signatures).
  [[nodiscard]] std::vector<std::string> unmatched() const;
  // Every behaviour with a note: known of the implementation (kqcheck --known).
  [[nodiscard]] std::set<std::string> behaviours() const;

 private:
  std::map<std::string, std::string> notes_;
  mutable std::set<std::string> matched_;
};

}  // namespace kqsim::traces

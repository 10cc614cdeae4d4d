// kqreplay report: the generated BUGS.md of an implementation, from its
// recordings and campaign failures (docs/kqreplay.md#report).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "tools/replay/commands.hpp"
#include "tools/replay/divergence_report.hpp"
#include "tools/replay/exit_codes.hpp"
#include "traces/compare_json.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::replay {

int cmd_report(const std::vector<std::string>& paths, const CommonOptions& opts, const ReportOptions& ro) {
  std::optional<Expectations> known;
  if (opts.expectations) known = Expectations::load(*opts.expectations);
  std::optional<traces::BehaviourNotes> notes;
  if (!ro.notes.empty()) notes = traces::BehaviourNotes::load(ro.notes);
  ReportInput in{paths, ro.examples, notes ? &*notes : nullptr, opts.dialect, ro.corpus, known ? &*known : nullptr, opts.raw_fds,
                 ro.past_notes};
  if (!in.corpus && std::filesystem::is_directory("traces/conformance")) in.corpus = "traces/conformance";
  Report r = build_report(in);
  if (r.traces == 0) {
    std::cerr << "kqreplay: no trace files found\n";
    return kExitBadInput;
  }
  if (!ro.out.empty()) {
    std::filesystem::create_directories(ro.out);
    for (std::size_t i = 0; i < r.behaviours.size(); ++i) {
      std::ofstream(ro.out + "/" + std::to_string(i + 1) + "-" + r.behaviours[i].example.name + ".json")
          << traces::trace_to_json(r.behaviours[i].example).dump(2) << "\n";
    }
  }
  if (opts.json) std::cout << traces::dump_result(report_json(r, in.known, in.notes)) << "\n";
  else std::cout << report_markdown(r, in.known, in.notes);
  bool unexpected = false;
  for (const Behaviour& b : r.behaviours) unexpected = unexpected || b.known_reason.empty();
  return std::max(r.worst_exit, static_cast<int>(unexpected ? kExitDivergence : kExitOk));
}

}  // namespace kqsim::replay

#include "tools/check/shrink_command.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include <fmt/format.h>

#include "check/shrink.hpp"
#include "model/dialect_profile.hpp"
#include "tools/replay/exit_codes.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::tools {
namespace {

using nlohmann::json;

// A divergence as the behaviour it shows: its category, call, filter, which
// part of an EV_ERROR receipt, and the two values - never its step or ident.
std::string behaviour_of(const json& d) {
  const std::string detail = d.value("detail", "");
  const std::string part = detail.find(", ") != std::string::npos ? detail.substr(detail.rfind(", ") + 2) : "";
  const json filter = d.contains("event") && d["event"].is_object() ? d["event"].value("filter", json()) : json();
  return fmt::format("{}|{}|{}|{}|{}|{}", d.value("category", ""), d.value("op", ""), filter.dump(), part,
                     d.value("expected", json()).dump(), d.value("observed", json()).dump());
}

// The behaviours of the divergences at one step.
std::set<std::string> behaviours_at(const check::Failure& f, std::size_t step) {
  std::set<std::string> out;
  for (const json& d : f.divergences) {
    if (d.value("step", json()).is_number() && d["step"].get<std::size_t>() == step) out.insert(behaviour_of(d));
  }
  return out;
}

// Whether the candidate still shows one of the wanted behaviours at its last step.
bool shows(const std::optional<check::Failure>& f, const traces::Trace& t, const std::set<std::string>& wanted) {
  if (!f || t.steps.empty()) return false;
  for (const std::string& b : behaviours_at(*f, t.steps.size() - 1)) {
    if (wanted.count(b) != 0) return true;
  }
  return false;
}

}  // namespace

int shrink_command(const ShrinkCli& c, const check::BackendFactory& reference) {
  const model::DialectProfile* profile = model::find_profile(c.dialect);
  if (profile == nullptr) {
    std::cerr << "kqcheck: unknown --dialect value\n";
    return replay::kExitBadInput;
  }
  check::ModelUnderTest m{profile, {}, false};
  int worst = replay::kExitOk;
  for (const std::string& path : c.traces) {
    traces::Trace t = traces::load_trace_file(path);
    if (t.steps.empty()) continue;
    auto run = [&](const traces::Trace& candidate, std::vector<traces::Observed>* obs) {
      return check::run_differential(candidate, m, reference, obs);
    };
    const std::set<std::string> wanted = [&] {
      auto f = run(t, nullptr);
      return f ? behaviours_at(*f, t.steps.size() - 1) : std::set<std::string>{};
    }();
    if (wanted.empty()) {
      fmt::print("{}: no divergence at its last step on the reference: not shrunk\n", path);
      worst = replay::kExitDivergence;
      continue;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(c.seconds);
    traces::Trace small = check::shrink_trace(
        t,
        [&](const traces::Trace& candidate) {
          if (std::chrono::steady_clock::now() > deadline) return false;
          return shows(run(candidate, nullptr), candidate, wanted);
        },
        c.attempts);
    std::vector<traces::Observed> obs;
    auto again = run(small, &obs);
    if (!shows(again, small, wanted)) {
      fmt::print("{}: the shrunk trace no longer diverges (a flaky reference): not written\n", path);
      worst = replay::kExitDivergence;
      continue;
    }
    // The reference's answers; the original notes described steps and changes that may be gone.
    for (std::size_t i = 0; i < small.steps.size() && i < obs.size(); ++i) small.steps[i].observed = obs[i];
    for (traces::Step& s : small.steps) s.note.clear();
    small.description = fmt::format("Shrunk by kqcheck shrink from {} steps of {}; the behaviour shows at its last step.",
                                    t.steps.size(), t.name);
    std::filesystem::create_directories(c.out);
    // Named as the input file: several examples may come from one trace.
    const std::string out = c.out + "/" + std::filesystem::path(path).filename().string();
    std::ofstream(out) << traces::trace_to_json(small).dump(2) << "\n";
    fmt::print("{}: {} -> {} steps: {}\n", path, t.steps.size(), small.steps.size(), out);
  }
  return worst;
}

}  // namespace kqsim::tools

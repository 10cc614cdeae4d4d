// The generator options' tests: generated programs, counted by tables of
// named counters, in the programs as written or as they ran on the model.
// On the model every step must run and none be unsupported (each a test
// failure naming the program and step).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "model/dialect_profile.hpp"
#include "model/kevent_constants.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"

namespace kqsim::check {

using SeeStep = std::function<void(const traces::Trace&, const traces::Step&, const sim::StepOutcome&)>;

// Programs trace_seed(seed, 0 .. count-1) of `o`, on `dialect`'s model;
// `see` gets each step that ran.
inline void run_generated_on_model(const GeneratorOptions& o, std::uint64_t seed, std::uint64_t count,
                                   const std::string& dialect, const SeeStep& see) {
  for (std::uint64_t i = 0; i < count; ++i) {
    traces::Trace t = generate_program(trace_seed(seed, i), o);
    t.dialect = dialect;
    sim::ModelBackend backend(*model::find_profile(t.dialect));
    sim::Interpreter interp(t, backend);
    for (const traces::Step& s : t.steps) {
      const bool ran = interp.run_next(s, [&](const sim::StepOutcome& out) {
        EXPECT_FALSE(out.actual.unsupported) << t.name << " step " << s.index << ": " << *out.actual.unsupported;
        if (!out.skipped) see(t, s, out);
      });
      ASSERT_TRUE(ran) << t.name << " step " << s.index;
    }
  }
}

// Named totals, each the sum of its counter over every step.
using Counts = std::map<std::string, std::size_t>;

// What one step of a program, as written, adds to a count.
struct WrittenCounter {
  std::string name;
  std::function<std::size_t(const traces::Trace&, const traces::Step&)> count;
};

// What one step, as it ran on the model, adds to a count.
struct RunCounter {
  std::string name;
  std::function<std::size_t(const traces::Step&, const sim::StepOutcome&)> count;
};

inline Counts count_written(const GeneratorOptions& o, std::uint64_t seed, std::uint64_t count,
                            const std::vector<WrittenCounter>& counters) {
  Counts n;
  for (const WrittenCounter& c : counters) n[c.name] = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    const traces::Trace t = generate_program(trace_seed(seed, i), o);
    for (const traces::Step& s : t.steps) {
      for (const WrittenCounter& c : counters) n[c.name] += c.count(t, s);
    }
  }
  return n;
}

inline Counts count_on_model(const GeneratorOptions& o, std::uint64_t seed, std::uint64_t count,
                             const std::string& dialect, const std::vector<RunCounter>& counters) {
  Counts n;
  for (const RunCounter& c : counters) n[c.name] = 0;
  run_generated_on_model(o, seed, count, dialect, [&](const traces::Trace&, const traces::Step& s, const sim::StepOutcome& out) {
    for (const RunCounter& c : counters) n[c.name] += c.count(s, out);
  });
  return n;
}

// The step's changes `pred` holds for.
template <class Pred>
std::size_t changes_where(const traces::Step& s, Pred pred) {
  return static_cast<std::size_t>(std::count_if(s.changes.begin(), s.changes.end(), pred));
}

// The returned events `pred` holds for, leaving out EV_ERROR events (a
// receipt or an error echoes the change's fflags and data).
template <class Pred>
std::size_t events_where(const sim::StepOutcome& out, Pred pred) {
  return static_cast<std::size_t>(std::count_if(out.actual.events.begin(), out.actual.events.end(), [&](const model::KEvent& e) {
    return (e.flags & model::ev::kError) == 0 && pred(e);
  }));
}

// "name off -> on; ..." for the test's log: what the option changed.
inline std::string counts_text(const Counts& off, const Counts& on) {
  std::string text;
  for (const auto& [name, n] : on) {
    const auto before = off.find(name);
    text += (text.empty() ? "" : "; ") + name + " " + (before == off.end() ? "-" : std::to_string(before->second)) +
            " -> " + std::to_string(n);
  }
  return text;
}

}  // namespace kqsim::check

// The generator options' tests: generated programs run on the model, one
// step at a time. Every step must run and none be unsupported (each a test
// failure naming the program and step); `see` gets each step that ran.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>

#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "model/dialect_profile.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"

namespace kqsim::check {

using SeeStep = std::function<void(const traces::Trace&, const traces::Step&, const sim::StepOutcome&)>;

// Programs trace_seed(seed, 0 .. count-1) of `o`, on `dialect`'s model.
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

}  // namespace kqsim::check

// generate_program_steps and passes_with_properties (issue 14: kqcheck random
// runs a program while it is generated): the streamed steps are exactly the
// program generate_program makes, and the streamed run passes exactly when
// run_with_properties finds no failure.
#include <gtest/gtest.h>

#include <vector>

#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "check/trace_runs.hpp"
#include "model/dialect_profile.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::check {
namespace {

std::vector<GeneratorOptions> option_sets() {
  GeneratorOptions tcp = for_real_host(GeneratorOptions{});
  tcp.with_extra_calls = true;
  tcp.with_tcp = true;
  tcp.with_unmount = true;
  GeneratorOptions longer;
  longer.steps = 200;
  return {GeneratorOptions{}, tcp, *restrict_to_host_os(GeneratorOptions{}, "linux"), longer};
}

TEST(StreamedPrograms, StepsAreTheProgram) {
  for (const GeneratorOptions& o : option_sets()) {
    for (std::uint64_t i = 0; i < 40; ++i) {
      const std::uint64_t seed = trace_seed(17, i);
      const traces::Trace whole = generate_program(seed, o);
      traces::Trace streamed = program_header(seed);
      generate_program_steps(seed, o, [&](const traces::Step& s) {
        streamed.steps.push_back(s);
        return true;
      });
      ASSERT_EQ(streamed.steps.size(), o.steps);
      for (std::size_t k = 0; k < o.steps; ++k) EXPECT_EQ(streamed.steps[k].index, k);  // not in the JSON
      EXPECT_EQ(traces::trace_to_json(streamed), traces::trace_to_json(whole)) << "program " << i;
    }
  }
}

TEST(StreamedPrograms, StopsWhenAsked) {
  std::size_t taken = 0;
  generate_program_steps(trace_seed(17, 0), GeneratorOptions{}, [&](const traces::Step& s) {
    EXPECT_EQ(s.index, taken);
    return ++taken < 7;
  });
  EXPECT_EQ(taken, 7U);
}

// A deliberately broken model fails some programs: the streamed run and the
// whole one agree on which.
TEST(StreamedPrograms, PassesExactlyWhenTheWholeRunDoes) {
  ModelUnderTest m;
  m.mutations.oneshot_not_deleted = true;
  m.touched_checks = true;
  for (const GeneratorOptions& o : option_sets()) {
    std::size_t failures = 0;
    for (std::uint64_t i = 0; i < 150; ++i) {
      const std::uint64_t seed = trace_seed(9, i);
      traces::Trace t = generate_program(seed, o);
      t.dialect = std::string(m.profile->name);
      const bool whole_passes = !run_with_properties(t, m).has_value();
      EXPECT_EQ(passes_with_properties(seed, o, m), whole_passes) << "program " << i;
      failures += whole_passes ? 0 : 1;
    }
    EXPECT_GT(failures, 5U);
    EXPECT_LT(failures, 145U);
  }
}

}  // namespace
}  // namespace kqsim::check

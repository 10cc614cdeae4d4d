// The scenario parser and a bounded explore (and the counterexample trace
// when a violation is found).
#include "check/explorer.hpp"
#include "check/scenario.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kqsim;
  auto doc = fuzz::document(data, size, "a scenario");
  if (!doc) return 0;
  try {
    check::Scenario s = check::parse_scenario(*doc, "fuzz-input");
    check::ExploreOptions o;
    o.max_states = 300;  // keeps each input fast; depth and breadth both bounded
    o.max_depth = 12;
    check::ExploreResult r = check::explore(s, o);
    if (r.violation) (void)check::counterexample_trace(s, r, o);
  } catch (const traces::TraceError&) {
  }
  return 0;
}

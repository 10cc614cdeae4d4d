// The history parser and the linearizability check.
#include "check/linearizability.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kqsim;
  auto doc = fuzz::document(data, size, "a history");
  if (!doc) return 0;
  try {
    check::History h = check::parse_history(*doc, "fuzz-input");
    // The search is exponential in concurrent operations by nature; a few
    // keep each input fast while still mixing every kind of step.
    if (h.operations.size() > 6) return 0;
    (void)check::check_linearizable(h);
  } catch (const traces::TraceError&) {
  }
  return 0;
}

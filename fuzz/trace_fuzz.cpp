// The trace parser, a run on the model, and the serialisation round trip:
// a parsed trace written back and parsed again writes back the same.
#include <cstdlib>

#include "fuzz/fuzz_input.hpp"
#include "model/dialect_profile.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"
#include "traces/trace_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kqsim;
  auto doc = fuzz::document(data, size, "a trace");
  if (!doc) return 0;
  traces::Trace trace;
  try {
    trace = traces::parse_trace(*doc, "fuzz-input");
  } catch (const traces::TraceError&) {
    return 0;
  }
  const nlohmann::json once = traces::trace_to_json(trace);
  const nlohmann::json twice = traces::trace_to_json(traces::parse_trace(once, "round-trip"));
  if (once != twice) std::abort();  // serialisation lost or changed something
  const model::DialectProfile* profile = model::find_profile(trace.dialect);
  if (profile == nullptr) return 0;
  try {
    sim::ModelBackend backend(*profile);
    sim::Interpreter interp(trace, backend);
    interp.run();
  } catch (const traces::TraceError&) {
    // an impossible step or one the model does not implement: bad input
  }
  return 0;
}

// The expectations (known differences) parser.
#include "fuzz/fuzz_input.hpp"
#include "tools/replay/expectations.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kqsim;
  auto doc = fuzz::document(data, size, "an expectations file");
  if (!doc) return 0;
  try {
    (void)replay::Expectations::parse(*doc, "fuzz-input");
  } catch (const traces::TraceError&) {
  }
  return 0;
}

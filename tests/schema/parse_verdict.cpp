// Prints, for each file given, "ok PATH" when kqsim's trace parser accepts
// it and "bad PATH: message" when it refuses it: the parser's side of
// schema_parity_test.py. Parsing, and the dialect lookup every command makes
// before running; names bound, steps possible and the like are the
// interpreter's business, which no schema can judge.
#include <iostream>

#include "model/dialect_profile.hpp"
#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    try {
      const kqsim::traces::Trace t = kqsim::traces::load_trace_file(argv[i]);
      if (kqsim::model::find_profile(t.dialect) == nullptr) {
        std::cout << "bad " << argv[i] << ": unknown dialect '" << t.dialect << "'\n";
        continue;
      }
      std::cout << "ok " << argv[i] << "\n";
    } catch (const kqsim::traces::TraceError& e) {
      std::cout << "bad " << argv[i] << ": " << e.what() << "\n";
    }
  }
  return 0;
}

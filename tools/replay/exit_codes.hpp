// kqreplay's exit codes (documented in docs/kqreplay.md). When several
// traces end differently, the highest code wins.
#pragma once

namespace kqsim::replay {

enum ExitCode : int {
  kExitOk = 0,           // every compared step matched
  kExitDivergence = 1,   // at least one step differed from its expectation
  kExitBadInput = 2,     // malformed trace, unknown name, impossible step, bad command line
  kExitUnsupported = 3,  // the trace needs something the model does not implement yet
  kExitInternal = 4,     // the model broke its own invariants: a kqsim bug
};

}  // namespace kqsim::replay

// A scenario's thread steps resolved once against the setup's names, so the
// explorer's inner loop neither looks names up nor builds change lists: each
// step is ready to be made on any copy of the kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "check/scenario.hpp"
#include "model/kernel.hpp"
#include "sim/interpreter.hpp"

namespace kqsim::check {

struct ResolvedStep {
  traces::Op op = traces::Op::kKevent;
  model::Pid pid = model::Kernel::kInitPid;  // the thread's process
  std::int32_t fd = -1;  // kevent: the kqueue; read/write/close/dup2: the descriptor
  std::int32_t to = -1;  // dup2 target
  std::int64_t bytes = 0;
  std::vector<model::KEvent> changes;
  std::int32_t nevents = 0;
  bool waits_forever = false;  // kevent with no timeout; others are explored as polls
};

// Against the names and processes of `setup`, which has run the scenario's
// setup on the model. Throws traces::TraceError naming the file, thread and
// step for a name or process the setup did not bind (or whose process has
// exited), or an op threads cannot make.
std::vector<std::vector<ResolvedStep>> resolve_thread_steps(const Scenario& s, const sim::Interpreter& setup);

// One system call of a thread on `k`. nullopt: the call would wait forever
// in this state (the thread is not enabled here); k is then unusable.
// Throws traces::TraceError when the model cannot express the call.
std::optional<model::KeventResult> run_step(model::Kernel& k, const ResolvedStep& step, const Scenario& s,
                                            std::size_t thread, std::size_t index);

}  // namespace kqsim::check

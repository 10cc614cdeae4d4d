// A scenario's thread steps resolved once against the setup's names, so the
// explorer's inner loop neither looks names up nor builds change lists: each
// step is ready to be made on any copy of the kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "check/scenario.hpp"
#include "check/thread_call.hpp"
#include "model/kernel.hpp"
#include "sim/interpreter.hpp"

namespace kqsim::check {

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

// One system call a scenario's thread makes, resolved to descriptor numbers
// and made on a kernel. The explorer's transitions (check/thread_steps.hpp)
// and kqreplay's replay of a deadlock (check/trace_properties.hpp: the calls
// a counterexample's threads wait in) share it, so both judge "waits
// forever" the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "model/kernel.hpp"
#include "traces/trace.hpp"

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

// The ops a thread may make: kevent, read, write, close, dup2.
bool is_thread_op(traces::Op op);

// A named descriptor's number (the lookup may throw for an unbound name).
using DescriptorLookup = std::function<std::int32_t(const traces::Ref& ref, const char* field)>;

// `st` with its descriptors looked up; pid is left to the caller. nullopt
// for an op threads cannot make.
std::optional<ResolvedStep> resolve_thread_call(const traces::Step& st, const DescriptorLookup& fd_of);

// The call on `k`. nullopt: it would wait forever in this state (k is then
// unusable). A call the model cannot express returns with completion
// kUnsupported.
std::optional<model::KeventResult> make_thread_call(model::Kernel& k, const ResolvedStep& st);

}  // namespace kqsim::check

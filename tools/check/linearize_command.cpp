#include "tools/check/linearize_command.hpp"

#include <fmt/format.h>

#include "check/linearizability.hpp"
#include "tools/replay/exit_codes.hpp"

namespace kqsim::tools {

int linearize_command(const std::string& path) {
  check::History h = check::load_history_file(path);
  check::Linearization l = check::check_linearizable(h);
  auto describe = [&](std::size_t i) {
    const check::HistoryOperation& op = h.operations[i];
    return fmt::format("#{} {} [{}, {}] {}", i, op.thread, op.invoke, op.ret, traces::op_name(op.step.op));
  };
  if (l.linearizable) {
    fmt::print("{}: linearizable ({} states explored); order:\n", h.name, l.states_explored);
    for (std::size_t i : l.order) fmt::print("  {}\n", describe(i));
    return replay::kExitOk;
  }
  fmt::print("{}: NOT linearizable ({} states explored)\n", h.name, l.states_explored);
  fmt::print("  longest order the model can explain ({} of {} operations):\n", l.longest_prefix.size(), h.operations.size());
  for (std::size_t i : l.longest_prefix) fmt::print("    {}\n", describe(i));
  fmt::print("  after it, no operation that may come next matches the model:\n");
  for (const auto& [i, why] : l.blocked) fmt::print("    {}: {}\n", describe(i), why);
  return replay::kExitDivergence;
}

}  // namespace kqsim::tools

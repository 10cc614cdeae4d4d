#include "check/state_space.hpp"

#include <utility>

#include "check/state_hash.hpp"
#include "check/trace_properties.hpp"
#include "model/kevent_names.hpp"

namespace kqsim::check {

std::uint32_t Node::depth() const {
  std::uint32_t d = 0;
  for (std::uint32_t pc : pcs) d += pc;
  return d;
}

bool StateSpace::finished(const Node& n, std::size_t t) const {
  if (n.pcs[t] >= steps_[t].size()) return true;
  const model::Pid pid = steps_[t][n.pcs[t]].pid;
  return pid != model::Kernel::kInitPid && !n.kernel.process(pid)->alive;
}

std::size_t StateSpace::last_unfinished(const Node& n) const {
  std::size_t last = threads();
  while (last > 0 && finished(n, last - 1)) --last;
  return last;
}

StateSpace::Successor StateSpace::next(Node& from, std::size_t t, bool take_kernel, Node& out) {
  const std::uint32_t pc = from.pcs[t];
  if (take_kernel) std::swap(out.kernel, from.kernel);
  else out.kernel = from.kernel;  // copy-assignment reuses out's storage
  auto r = run_step(out.kernel, steps_[t][pc], s_, t, pc);
  if (!r) return Successor::kDisabled;
  out.pcs = from.pcs;
  out.pcs[t] = pc + 1;
  out.deliveries = from.deliveries;
  count_deliveries(*r, out);
  return remember(out) ? Successor::kNew : Successor::kSeen;
}

void StateSpace::count_deliveries(const model::KeventResult& r, Node& n) const {
  if (!counts_as_delivery(r.events)) return;  // change records
  for (const model::KEvent& e : r.events) {
    for (std::size_t i = 0; i < s_.max_deliveries.size(); ++i) {
      if (s_.max_deliveries[i].ident == e.ident && s_.max_deliveries[i].filter == e.filter) ++n.deliveries[i];
    }
  }
}

// Program counters and delivery counts, as varints like the kernel's fields.
void StateSpace::append_counters(const std::vector<std::uint32_t>& values) {
  for (std::uint32_t v : values) {
    for (; v >= 0x80; v >>= 7) key_.push_back(static_cast<char>(v | 0x80));
    key_.push_back(static_cast<char>(v));
  }
}

bool StateSpace::remember(const Node& n) {
  key_.clear();
  part_ends_.clear();
  n.kernel.encode(key_, o_.fingerprint ? nullptr : &part_ends_);
  append_counters(n.pcs);
  append_counters(n.deliveries);
  return o_.fingerprint ? fingerprints_.insert(state_hash(key_)) : exact_.insert(key_, part_ends_);
}

std::optional<std::string> StateSpace::violation_in(const Node& n) {
  if (!model::invariants_hold(n.kernel, invariant_scratch_)) {
    return PropertyViolation{"invariant", model::check_invariants(n.kernel).front()}.text();
  }
  for (std::size_t i = 0; i < s_.max_deliveries.size(); ++i) {
    const DeliveryBound& b = s_.max_deliveries[i];
    if (n.deliveries[i] > b.max) {
      return PropertyViolation{"max-deliveries", delivery_bound_message(b, n.deliveries[i])}.text();
    }
  }
  return std::nullopt;
}

}  // namespace kqsim::check

#include "check/state_space.hpp"

#include <algorithm>
#include <utility>

#include "check/state_hash.hpp"
#include "check/trace_properties.hpp"
#include "model/kevent_names.hpp"

namespace kqsim::check {
namespace {

constexpr std::size_t kFirstEffectSlots = 64;

void append_varint(std::string& out, std::uint64_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>(v | 0x80));
  out.push_back(static_cast<char>(v));
}

// Mixes an effect key into a slot index (keys are structured, not random).
std::size_t effect_slot(std::uint64_t key, std::size_t slots) {
  key ^= key >> 31;
  key *= 0x9e3779b97f4a7c15ULL;
  return static_cast<std::size_t>((static_cast<hash_detail::u128>(key) * slots) >> 64);
}

}  // namespace

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

// Thread and pc, plus one so that no key is 0; 0 when the scenario is too
// large for 32 bits (the effect is then never remembered).
std::uint32_t StateSpace::step_key(const Node& from, std::size_t t) const {
  const std::uint32_t pc = from.pcs[t];
  if (t >= 0xFFFF || pc >= 0xFFFE) return 0;
  return ((static_cast<std::uint32_t>(t) << 16) | pc) + 1;
}

const StateSpace::Effect* StateSpace::find_effect(std::uint64_t kernel, std::uint32_t step) const {
  if (step == 0 || effects_.empty()) return nullptr;
  for (std::size_t i = effect_slot(kernel ^ (std::uint64_t{step} << 40) ^ step, effects_.size());; i = i + 1 == effects_.size() ? 0 : i + 1) {
    if (effects_[i].step == step && effects_[i].kernel == kernel) return &effects_[i];
    if (effects_[i].step == 0) return nullptr;
  }
}

void StateSpace::add_effect(const Effect& e) {
  if (e.step == 0) return;
  if ((effects_used_ + 1) * 4 > effects_.size() * 3) {
    std::vector<Effect> old = std::move(effects_);
    effects_.assign(std::max(kFirstEffectSlots, old.size() * 2), Effect{});
    effects_used_ = 0;
    for (const Effect& o : old) {
      if (o.step != 0) add_effect(o);
    }
  }
  std::size_t i = effect_slot(e.kernel ^ (std::uint64_t{e.step} << 40) ^ e.step, effects_.size());
  while (effects_[i].step != 0) i = i + 1 == effects_.size() ? 0 : i + 1;
  effects_[i] = e;
  ++effects_used_;
}

StateSpace::Successor StateSpace::next(Node& from, std::size_t t, bool take_kernel, Node& out) {
  const std::uint32_t pc = from.pcs[t];
  const std::uint32_t step = step_key(from, t);
  const Effect* known = find_effect(from.kernel_number, step);
  if (known != nullptr && known->disabled) return Successor::kDisabled;
  out.pcs = from.pcs;
  out.pcs[t] = pc + 1;
  out.deliveries = from.deliveries;
  if (known != nullptr) {
    // Met before from this kernel: the successor's number without making the call.
    out.kernel_number = known->next_kernel;
    for (std::size_t i = 0; i < deltas_[known->delta].size(); ++i) out.deliveries[i] += deltas_[known->delta][i];
    if (!insert_state(out)) return Successor::kSeen;
  }
  if (take_kernel) std::swap(out.kernel, from.kernel);
  else out.kernel = from.kernel;  // copy-assignment reuses out's storage
  auto r = run_step(out.kernel, steps_[t][pc], s_, t, pc);
  if (known != nullptr) return Successor::kNew;  // the same call on the same kernel: the same result
  if (!r) {
    add_effect({from.kernel_number, step, 0, 0, true});
    return Successor::kDisabled;
  }
  const std::uint32_t delta = count_deliveries(*r);
  for (std::size_t i = 0; i < deltas_[delta].size(); ++i) out.deliveries[i] += deltas_[delta][i];
  out.kernel_number = kernel_number(out.kernel);
  add_effect({from.kernel_number, step, delta, out.kernel_number, false});
  return insert_state(out) ? Successor::kNew : Successor::kSeen;
}

// The increments of the scenario's delivery counts, as a number in deltas_.
std::uint32_t StateSpace::count_deliveries(const model::KeventResult& r) {
  if (r.events.empty() || !counts_as_delivery(r.events)) return 0;  // none, or change records
  scratch_delta_.assign(s_.max_deliveries.size(), 0);
  bool any = false;
  for (const model::KEvent& e : r.events) {
    for (std::size_t i = 0; i < s_.max_deliveries.size(); ++i) {
      if (s_.max_deliveries[i].ident == e.ident && s_.max_deliveries[i].filter == e.filter) {
        ++scratch_delta_[i];
        any = true;
      }
    }
  }
  if (!any) return 0;
  auto at = std::find(deltas_.begin(), deltas_.end(), scratch_delta_);
  if (at != deltas_.end()) return static_cast<std::uint32_t>(at - deltas_.begin());
  deltas_.push_back(scratch_delta_);
  return static_cast<std::uint32_t>(deltas_.size() - 1);
}

std::uint64_t StateSpace::kernel_number(const model::Kernel& k) {
  key_.clear();
  k.encode(key_);
  const std::uint64_t hash = state_hash(key_);
  if (o_.fingerprint) return hash;
  if (shared_ != nullptr) return shared_->intern(key_);
  const std::uint32_t n = kernels_.intern(key_, hash);
  if (n == kernel_hashes_.size()) kernel_hashes_.push_back(hash);
  return n;
}

// The kernel's number, program counters and delivery counts, as varints.
bool StateSpace::insert_state(const Node& n) {
  key_.clear();
  append_varint(key_, n.kernel_number);
  for (std::uint32_t v : n.pcs) append_varint(key_, v);
  for (std::uint32_t v : n.deliveries) append_varint(key_, v);
  if (shared_ != nullptr) return insert_shared();
  const bool added = o_.fingerprint ? fingerprints_.insert(state_hash(key_, o_.hash_salt)) : exact_.insert(key_, state_hash(key_));
  if (added && coverage_ != nullptr) {
    // Kernel numbers are this member's own: the coverage key names the
    // kernel by its encoding's hash instead.
    std::string_view counters(key_);
    while (static_cast<unsigned char>(counters.front()) >= 0x80) counters.remove_prefix(1);
    counters.remove_prefix(1);
    const std::uint64_t kernel = o_.fingerprint ? n.kernel_number : kernel_hashes_[n.kernel_number];
    coverage_->insert_hash(hash_detail::fold(kernel ^ hash_detail::kSecret1, state_hash(counters) ^ hash_detail::kSecret2));
  }
  return added;
}

// key_ in the shared set, skipping the shared probe for a state this
// worker has found there before.
bool StateSpace::insert_shared() {
  const std::uint64_t hash = state_hash(key_);
  if (seen_.contains(key_, hash)) return false;
  const bool added = shared_->insert(key_, hash, o_.hash_salt);
  seen_.remember(key_, hash);
  if (added && ++unpublished_ == kPublishEvery) {
    shared_->count_stored(unpublished_);
    unpublished_ = 0;
  }
  return added;
}

bool StateSpace::remember(Node& n) {
  n.kernel_number = kernel_number(n.kernel);
  return insert_state(n);
}

std::optional<std::string> StateSpace::violation_in(const Node& n) {
  // A kernel's invariants are checked once (by this worker).
  if (checked_kernels_.count(n.kernel_number) == 0) {
    if (!model::invariants_hold(n.kernel, invariant_scratch_)) {
      return PropertyViolation{"invariant", model::check_invariants(n.kernel).front()}.text();
    }
    checked_kernels_.insert(n.kernel_number);
  }
  for (std::size_t i = 0; i < s_.max_deliveries.size(); ++i) {
    const DeliveryBound& b = s_.max_deliveries[i];
    if (n.deliveries[i] > b.max) {
      return PropertyViolation{"max-deliveries", delivery_bound_message(b, n.deliveries[i])}.text();
    }
  }
  return std::nullopt;
}

std::uint64_t StateSpace::visited() const {
  if (shared_ != nullptr) return shared_->approximate_size() + unpublished_;
  return o_.fingerprint ? fingerprints_.size() : exact_.size();
}

std::uint64_t StateSpace::stored_bytes() const {
  if (shared_ != nullptr) return shared_->bytes();
  return o_.fingerprint ? fingerprints_.bytes() : exact_.bytes() + kernels_.bytes();
}

}  // namespace kqsim::check

#include "check/explorer.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <utility>

#include "check/independence.hpp"
#include "check/state_hash.hpp"
#include "check/thread_steps.hpp"
#include "check/visited_set.hpp"
#include "model/invariants.hpp"
#include "model/kevent_names.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::check {
namespace {

using model::Kernel;

// A state waiting to be expanded. Only the frontier holds kernels: once a
// state is expanded, the visited set's key (or fingerprint) is all that
// remains of it.
struct Node {
  Kernel kernel;
  std::vector<std::uint32_t> pcs;         // next step of each thread
  std::vector<std::uint32_t> deliveries;  // per bound of the scenario
  std::uint32_t id = 0;                   // position in the schedule links, when they are kept
};

// Runs the setup on a kernel through the interpreter, keeping the names.
struct SetupResult {
  Kernel kernel;
  sim::NameTable names;
};

SetupResult run_setup(const Scenario& s, const ExploreOptions& o) {
  const model::DialectProfile* profile = model::find_profile(s.dialect);
  if (profile == nullptr) throw traces::TraceError(s.path, std::nullopt, "dialect", "unknown dialect '" + s.dialect + "'");
  model::KernelConfig config;
  config.mutations = o.mutations;
  sim::ModelBackend backend(*profile, config);
  sim::Interpreter interp(s.setup, backend);
  interp.run();
  return {backend.kernel(), interp.names("main")};
}

std::optional<std::string> bound_broken(const Scenario& s, const Node& n) {
  for (std::size_t i = 0; i < s.max_deliveries.size(); ++i) {
    const DeliveryBound& b = s.max_deliveries[i];
    if (n.deliveries[i] > b.max) {
      return model::filter_name(b.filter) + " ident " + std::to_string(b.ident) + " delivered " +
             std::to_string(n.deliveries[i]) + " times, at most " + std::to_string(b.max) + " allowed";
    }
  }
  return std::nullopt;
}

void count_deliveries(const Scenario& s, const model::KeventResult& r, Node& n) {
  if (!r.events.empty() && r.events.front().flags == model::ev::kError) return;  // change records
  for (const model::KEvent& e : r.events) {
    for (std::size_t i = 0; i < s.max_deliveries.size(); ++i) {
      if (s.max_deliveries[i].ident == e.ident && s.max_deliveries[i].filter == e.filter) ++n.deliveries[i];
    }
  }
}

// Nodes of one breadth-first layer. Slots are reused from layer to layer,
// so a kernel copied into one lands in storage an earlier kernel left: in
// the steady state a transition allocates nothing for the copy.
class Layer {
 public:
  [[nodiscard]] std::size_t size() const { return used_; }
  Node& operator[](std::size_t i) { return nodes_[i]; }
  void clear() { used_ = 0; }
  // Moves `n` in, handing back the storage of a node this slot held before.
  void take(Node& n) {
    if (used_ == nodes_.size()) nodes_.emplace_back(n);
    else std::swap(nodes_[used_], n);
    ++used_;
  }

 private:
  std::vector<Node> nodes_;
  std::size_t used_ = 0;
};

class Search {
 public:
  Search(const Scenario& s, const ExploreOptions& o, const std::vector<std::vector<ResolvedStep>>& steps, bool keep_links)
      : s_(s), o_(o), steps_(steps), independence_(steps), keep_links_(keep_links) {}

  ExploreResult run(const Node& root) {
    auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    scratch_ = root;
    remember(scratch_);
    if (keep_links_) links_.push_back({0, 0});
    current_.take(scratch_);
    while (current_.size() > 0 && !result_.violation) {
      next_.clear();
      for (std::size_t i = 0; i < current_.size() && !result_.violation && !cut_; ++i) expand(current_[i]);
      if (cut_) break;
      std::swap(current_, next_);
    }
    result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result_.cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    result_.distinct = visited_count();
    result_.stored_bytes = o_.fingerprint ? fingerprints_.bytes() : exact_.bytes();
    return result_;
  }

 private:
  struct Link {
    std::uint32_t parent;
    std::uint32_t thread;
  };

  // Program counters and delivery counts, as varints like the kernel's fields.
  void append_counters(const std::vector<std::uint32_t>& values) {
    for (std::uint32_t v : values) {
      for (; v >= 0x80; v >>= 7) key_.push_back(static_cast<char>(v | 0x80));
      key_.push_back(static_cast<char>(v));
    }
  }

  bool remember(const Node& n) {
    key_.clear();
    n.kernel.encode(key_);
    append_counters(n.pcs);
    append_counters(n.deliveries);
    const std::uint64_t h = state_hash(key_);
    return o_.fingerprint ? fingerprints_.insert(h) : exact_.insert(key_, h);
  }

  std::optional<std::string> violation_in(const Node& n) {
    if (!model::invariants_hold(n.kernel, invariant_scratch_)) return "invariant: " + model::check_invariants(n.kernel).front();
    return bound_broken(s_, n);
  }

  void stop(const std::string& why, std::uint32_t id) {
    result_.violation = why;
    if (keep_links_) result_.counterexample = schedule_to(id);
  }

  std::vector<ScheduledStep> schedule_to(std::uint32_t id) const {
    std::vector<ScheduledStep> out;
    for (; id != 0; id = links_[id].parent) out.push_back({links_[id].thread, 0});
    std::reverse(out.begin(), out.end());
    std::vector<std::uint32_t> pcs(s_.threads.size(), 0);
    for (ScheduledStep& st : out) st.step = pcs[st.thread]++;
    return out;
  }

  // Tries thread t's next step from `n`. False when it waits forever here.
  // `last`: n is not used again, so its kernel is taken instead of copied.
  bool step(Node& n, std::size_t t, bool last) {
    const std::uint32_t pc = n.pcs[t];
    if (last) std::swap(scratch_.kernel, n.kernel);
    else scratch_.kernel = n.kernel;  // copy-assignment reuses scratch_'s storage
    auto r = run_step(scratch_.kernel, steps_[t][pc], s_, t, pc);
    if (!r) return false;
    ++result_.generated;
    scratch_.pcs = n.pcs;
    scratch_.pcs[t] = pc + 1;
    scratch_.deliveries = n.deliveries;
    count_deliveries(s_, *r, scratch_);
    if (!remember(scratch_)) return true;
    if (visited_count() > o_.max_states) {
      result_.complete = false;
      cut_ = true;
      return true;
    }
    result_.max_depth = std::max(result_.max_depth, depth_ + 1);
    if (keep_links_) {
      scratch_.id = static_cast<std::uint32_t>(links_.size());
      links_.push_back({n.id, static_cast<std::uint32_t>(t)});
    }
    auto bad = violation_in(scratch_);
    if (bad) {
      stop(*bad, scratch_.id);
      return true;
    }
    next_.take(scratch_);
    return true;
  }

  // POR: the first thread whose next step is safe and enabled runs alone.
  bool expand_reduced(Node& n) {
    independence_.analyse(n.kernel);
    for (std::size_t t = 0; t < s_.threads.size(); ++t) {
      if (n.pcs[t] >= steps_[t].size() || !independence_.is_safe(n.kernel, n.pcs, t)) continue;
      if (step(n, t, false)) return true;
    }
    return false;
  }

  void expand(Node& n) {
    depth_ = depth_of(n);
    if (depth_ >= o_.max_depth) {
      result_.complete = false;
      return;
    }
    if (o_.partial_order_reduction && expand_reduced(n)) return;
    std::size_t last = s_.threads.size();
    while (last > 0 && n.pcs[last - 1] >= steps_[last - 1].size()) --last;
    bool any_enabled = false, any_unfinished = false;
    for (std::size_t t = 0; t < last && !result_.violation && !cut_; ++t) {
      if (n.pcs[t] >= steps_[t].size()) continue;
      any_unfinished = true;
      any_enabled = step(n, t, t + 1 == last) || any_enabled;
    }
    if (any_unfinished && !any_enabled) {
      ++result_.deadlocks;
      if (s_.deadlock_is_violation && !result_.violation) stop("deadlock: every unfinished thread waits forever", n.id);
    }
  }

  // Every step advances one program counter, so a state's depth is their sum.
  static std::uint32_t depth_of(const Node& n) {
    std::uint32_t d = 0;
    for (std::uint32_t pc : n.pcs) d += pc;
    return d;
  }

  [[nodiscard]] std::uint64_t visited_count() const { return o_.fingerprint ? fingerprints_.size() : exact_.size(); }

  const Scenario& s_;
  const ExploreOptions& o_;
  const std::vector<std::vector<ResolvedStep>>& steps_;
  Independence independence_;
  const bool keep_links_;
  Layer current_, next_;
  Node scratch_;
  std::string key_;
  std::uint32_t depth_ = 0;
  bool cut_ = false;
  ExactStateSet exact_;
  FingerprintSet fingerprints_;
  model::InvariantScratch invariant_scratch_;
  std::vector<Link> links_;
  ExploreResult result_;
};

}  // namespace

ExploreResult explore(const Scenario& s, const ExploreOptions& o) {
  SetupResult setup = run_setup(s, o);
  const auto steps = resolve_thread_steps(s, setup.names);
  Node root{setup.kernel, std::vector<std::uint32_t>(s.threads.size(), 0), std::vector<std::uint32_t>(s.max_deliveries.size(), 0), 0};
  ExploreResult r = Search(s, o, steps, false).run(root);
  if (r.violation) {
    // The search is deterministic: run it again keeping a parent link per
    // state (8 bytes each, only now) to recover the schedule that reached the
    // violation. Counting on the second run would report the same figures.
    r.counterexample = Search(s, o, steps, true).run(root).counterexample;
    r.complete = true;  // a violation ends the search by design
  }
  return r;
}

traces::Trace counterexample_trace(const Scenario& s, const ExploreResult& r, const ExploreOptions& o) {
  traces::Trace t = s.setup;
  t.name = s.name + "-counterexample";
  t.path = s.path;
  t.description = "Shortest schedule found by kqcheck explore: " + r.violation.value_or("no violation");
  for (const ScheduledStep& step : r.counterexample) {
    traces::Step st = s.threads[step.thread].steps[step.step];
    st.note = "thread " + s.threads[step.thread].name;
    st.index = t.steps.size();
    t.steps.push_back(std::move(st));
  }
  model::KernelConfig config;
  config.mutations = o.mutations;
  sim::ModelBackend backend(*model::find_profile(s.dialect), config);
  sim::Interpreter interp(t, backend);
  std::vector<traces::Observed> observed;
  for (const sim::StepOutcome& out : interp.run()) observed.push_back(interp.to_observed(out));
  for (std::size_t i = 0; i < observed.size(); ++i) t.steps[i].observed = observed[i];
  if (!t.steps.empty()) t.steps.back().note += ": " + r.violation.value_or("");
  return t;
}

}  // namespace kqsim::check

#include "check/explorer.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <chrono>
#include <ctime>
#include <exception>
#include <utility>

#include "check/independence.hpp"
#include "check/prng.hpp"
#include "check/state_space.hpp"
#include "check/thread_steps.hpp"
#include "check/trace_properties.hpp"
#include "model/mutations.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::check {
namespace {

using model::Kernel;

// Runs the setup on a kernel through the interpreter, and resolves the
// threads' steps against the names and processes it bound.
struct SetupResult {
  Kernel kernel;
  std::vector<std::vector<ResolvedStep>> steps;
};

SetupResult run_setup(const Scenario& s, const ExploreOptions& o) {
  const model::DialectProfile* profile = model::find_profile(s.dialect);
  if (profile == nullptr) throw traces::TraceError(s.path, std::nullopt, "dialect", "unknown dialect '" + s.dialect + "'");
  model::KernelConfig config;
  config.mutations = o.mutations;
  sim::ModelBackend backend(*profile, config);
  sim::Interpreter interp(s.setup, backend);
  interp.run();
  return {backend.kernel(), resolve_thread_steps(s, interp)};
}

// The schedule of a path given as the thread of each step.
std::vector<ScheduledStep> schedule_of(const std::vector<std::uint32_t>& threads, std::size_t thread_count) {
  std::vector<ScheduledStep> out;
  std::vector<std::size_t> pcs(thread_count, 0);
  for (std::uint32_t t : threads) out.push_back({t, pcs[t]++});
  return out;
}

// Times a search and fills in the figures every order reports.
class Stopwatch {
 public:
  void finish(const StateSpace& space, ExploreResult& r) const {
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count();
    r.cpu_seconds = static_cast<double>(std::clock() - cpu_) / CLOCKS_PER_SEC;
    r.distinct = space.visited();
    r.stored_bytes = space.stored_bytes();
    r.cache_bytes = space.cache_bytes();
  }

 private:
  std::chrono::steady_clock::time_point wall_ = std::chrono::steady_clock::now();
  std::clock_t cpu_ = std::clock();
};

// Work handed between the workers of a parallel search: a state with the
// threads still to try from it (a frame split off a worker's stack, so a
// hungry worker gets a shallow, large subtree), and the schedule reaching it.
struct WorkItem {
  Node node;
  std::size_t next_thread = 0;
  bool any_enabled = false, any_unfinished = false;
  std::vector<std::uint32_t> path;
  std::vector<std::uint32_t> order;  // the threads in the order the frame tries them
};

// The shared pool of a parallel search. A worker with nothing to do waits
// here; busy workers see it hungry and split a frame off for it. The search
// ends when every worker waits and the pool is empty, or on stop().
class WorkPool {
 public:
  explicit WorkPool(std::size_t workers) : workers_(workers) {}

  [[nodiscard]] bool hungry() const { return idle_.load(std::memory_order_relaxed) > queued_.load(std::memory_order_relaxed); }
  [[nodiscard]] bool stopped() const { return stopped_.load(std::memory_order_relaxed); }

  void give(WorkItem item) {
    {
      const std::lock_guard<std::mutex> hold(lock_);
      items_.push_back(std::move(item));
      queued_.store(items_.size(), std::memory_order_relaxed);
    }
    wake_.notify_one();
  }

  // False when the search is over.
  bool take(WorkItem& out) {
    std::unique_lock<std::mutex> hold(lock_);
    idle_.fetch_add(1, std::memory_order_relaxed);
    ++waiting_;
    if (waiting_ == workers_ && items_.empty()) wake_.notify_all();
    wake_.wait(hold, [&] { return !items_.empty() || stopped() || waiting_ == workers_; });
    if (items_.empty() || stopped()) return false;
    out = std::move(items_.back());
    items_.pop_back();
    queued_.store(items_.size(), std::memory_order_relaxed);
    --waiting_;
    idle_.fetch_sub(1, std::memory_order_relaxed);
    return true;
  }

  void stop() {
    {
      const std::lock_guard<std::mutex> hold(lock_);
      stopped_.store(true, std::memory_order_relaxed);
    }
    wake_.notify_all();
  }

 private:
  const std::size_t workers_;
  std::mutex lock_;
  std::condition_variable wake_;
  std::vector<WorkItem> items_;
  std::size_t waiting_ = 0;
  std::atomic<std::size_t> idle_{0}, queued_{0};
  std::atomic<bool> stopped_{false};
};

// Depth-first: counts and checks every reachable state. Its working set is
// one kernel per level of the current path, reused from branch to branch,
// so a transition copies a kernel into warm storage and allocates nothing;
// a breadth-first frontier of kernels is a tenth of all states, cold.
// Depth is a function of the state (Node::depth), so a state is expanded
// at the same depth whichever order reaches it: both orders visit the same
// states and take the same transitions. As a worker of a parallel search
// (with a pool) it gives the shallowest unfinished frame of its stack to a
// hungry worker; each state is still expanded once, by one worker.
class DepthFirst {
 public:
  DepthFirst(StateSpace& space, Independence& independence, WorkPool* pool = nullptr)
      : space_(space), independence_(independence), pool_(pool), order_rng_(space.options().order_seed) {}

  ExploreResult run(const Node& root) {
    const Stopwatch watch;
    stack_.resize(1);
    stack_[0].node = root;
    space_.remember(stack_[0].node);
    enter(stack_[0]);
    search();
    watch.finish(space_, result_);
    return result_;
  }

  // A worker: searches from items of the pool until the search is over.
  // The figures are this worker's (the caller adds them up).
  ExploreResult work() {
    WorkItem item;
    while (!stopped_ && pool_->take(item)) {
      if (stack_.empty()) stack_.emplace_back();
      Frame& f = stack_[0];
      std::swap(f.node, item.node);
      f.last = space_.last_unfinished(f.node);
      set_order(f);
      if (!item.order.empty()) {
        f.order = std::move(item.order);
        f.last = f.order.size();
        while (f.last > 0 && space_.finished(f.node, f.order[f.last - 1])) --f.last;
      }
      f.next_thread = item.next_thread;
      f.any_enabled = item.any_enabled;
      f.any_unfinished = item.any_unfinished;
      path_ = std::move(item.path);
      search();
    }
    if (stopped_) pool_->stop();
    result_.cache_bytes = space_.cache_bytes();
    return result_;
  }

 private:
  struct Frame {
    Node node;
    std::size_t next_thread = 0;  // the next position in `order` to try from this state
    std::size_t last = 0;         // past the last position of an unfinished thread
    std::uint32_t child_thread = 0;
    bool any_enabled = false, any_unfinished = false;
    std::vector<std::uint32_t> order;  // the threads in the order tried (swarm members shuffle it)
  };

  void search() {
    std::size_t depth = 1;
    while (depth > 0 && !stopped_) {
      if (pool_ != nullptr && pool_->hungry()) {
        share(depth);
        if (pool_->stopped()) stopped_ = true;
      }
      if (stack_.size() == depth) stack_.emplace_back();
      if (descend(stack_[depth - 1], stack_[depth])) {
        enter(stack_[depth]);
        ++depth;
      } else if (stack_[depth - 1].next_thread >= space_.threads()) {
        leave(stack_[depth - 1]);
        --depth;
      }
    }
    if (result_.violation && result_.counterexample.empty()) result_.counterexample = path_to(depth);
  }

  // The threads in scenario order, or shuffled (swarm: order_seed != 0),
  // and `last` in that order.
  void set_order(Frame& f) {
    const std::size_t n = space_.threads();
    const bool shuffled = space_.options().order_seed != 0;
    if (f.order.size() == n && !shuffled) return;  // still the identity
    f.order.resize(n);
    for (std::size_t i = 0; i < n; ++i) f.order[i] = static_cast<std::uint32_t>(i);
    if (!shuffled) return;
    for (std::size_t i = n; i > 1; --i) std::swap(f.order[i - 1], f.order[order_rng_.below(i)]);
    f.last = n;
    while (f.last > 0 && space_.finished(f.node, f.order[f.last - 1])) --f.last;
  }

  void enter(Frame& f) {
    f.next_thread = 0;
    f.any_enabled = f.any_unfinished = false;
    f.last = space_.last_unfinished(f.node);
    set_order(f);
    if (f.node.depth() >= space_.options().max_depth) {
      result_.complete = false;
      f.next_thread = space_.threads();
    }
  }

  // Gives the shallowest frame with threads left to try to the pool: the
  // taker tries them (and judges deadlock with the flags so far); this
  // worker is done with the frame.
  void share(std::size_t depth) {
    for (std::size_t j = 0; j < depth; ++j) {
      Frame& f = stack_[j];
      if (f.next_thread >= f.last) continue;
      WorkItem item{f.node, f.next_thread, f.any_enabled, f.any_unfinished, path_, f.order};
      for (std::size_t i = 0; i < j; ++i) item.path.push_back(stack_[i].child_thread);
      pool_->give(std::move(item));
      f.next_thread = space_.threads();
      f.any_enabled = true;  // its deadlock, if any, is the taker's to count
      return;
    }
  }

  // Builds f's next successor in `child`. True when it is a new state to
  // expand; false when it was disabled or seen (or when f is done).
  bool descend(Frame& f, Frame& child) {
    if (space_.options().partial_order_reduction && f.next_thread == 0) {
      bool taken = false;
      const bool is_new = try_reduced(f, child, taken);
      if (taken) return is_new && take(f, child);
    }
    for (; f.next_thread < f.last; ++f.next_thread) {
      const std::size_t t = f.order[f.next_thread];
      if (space_.finished(f.node, t)) continue;
      f.any_unfinished = true;
      const auto s = space_.next(f.node, t, f.next_thread + 1 == f.last, child.node);
      if (s == StateSpace::Successor::kDisabled) continue;
      f.any_enabled = true;
      ++result_.generated;
      f.child_thread = static_cast<std::uint32_t>(t);
      ++f.next_thread;
      if (s == StateSpace::Successor::kNew) return take(f, child);
      return false;
    }
    f.next_thread = space_.threads();
    return false;
  }

  // POR: the first thread whose next step is safe and enabled runs alone
  // (check/independence.hpp). `taken` when there is one, and f is then
  // done; true when its successor is a new state.
  bool try_reduced(Frame& f, Frame& child, bool& taken) {
    independence_.analyse(f.node.kernel);
    for (std::size_t t = 0; t < f.last; ++t) {
      if (space_.finished(f.node, t) || !independence_.is_safe(f.node.kernel, f.node.pcs, t)) continue;
      const auto s = space_.next(f.node, t, false, child.node);
      if (s == StateSpace::Successor::kDisabled) continue;
      f.any_enabled = f.any_unfinished = true;
      ++result_.generated;
      f.child_thread = static_cast<std::uint32_t>(t);
      f.next_thread = space_.threads();
      taken = true;
      return s == StateSpace::Successor::kNew;
    }
    return false;
  }

  // A new state reached: check it, and expand it unless the search stops.
  bool take(const Frame& f, Frame& child) {
    if (space_.over_limit()) {
      result_.complete = false;
      stopped_ = true;
      return false;
    }
    result_.max_depth = std::max(result_.max_depth, f.node.depth() + 1);
    if (space_.options().on_progress && (++new_states_ & 0x3FFF) == 0) {
      space_.options().on_progress(result_.generated, space_.visited());
    }
    if (auto bad = space_.violation_in(child.node)) {
      result_.violation = *bad;
      violation_depth_ = f.node.depth() + 1;
      stopped_ = true;
      if (pool_ != nullptr) pool_->stop();
      return false;
    }
    return true;
  }

  void leave(const Frame& f) {
    if (!f.any_unfinished || f.any_enabled) return;
    ++result_.deadlocks;
    if (space_.scenario().deadlock_is_violation && !result_.violation) {
      result_.violation = kDeadlock.text();
      violation_depth_ = f.node.depth();
      stopped_ = true;
      if (pool_ != nullptr) pool_->stop();
    }
  }

  // The threads of the frames on the stack down to the violating state.
  std::vector<ScheduledStep> path_to(std::size_t depth) const {
    std::vector<std::uint32_t> threads = path_;
    for (std::size_t i = 0; i < depth && threads.size() < violation_depth_; ++i) threads.push_back(stack_[i].child_thread);
    return schedule_of(threads, space_.threads());
  }

  StateSpace& space_;
  Independence& independence_;
  WorkPool* pool_;
  Prng order_rng_;
  std::vector<std::uint32_t> path_;  // the schedule reaching the stack's bottom
  std::vector<Frame> stack_;
  bool stopped_ = false;
  std::uint32_t violation_depth_ = 0;
  std::uint64_t new_states_ = 0;
  ExploreResult result_;
};

// Breadth-first, keeping one 8-byte parent link per state: the first
// violation it meets is reached by a shortest schedule. Used only once a
// violation is known to exist.
class BreadthFirst {
 public:
  BreadthFirst(StateSpace& space, Independence& independence) : space_(space), independence_(independence) {}

  ExploreResult run(const Node& root) {
    const Stopwatch watch;
    scratch_ = root;
    space_.remember(scratch_);
    links_.push_back({0, 0});
    current_.push_back(scratch_);
    while (!current_.empty() && !stopped_) {
      next_.clear();
      for (std::size_t i = 0; i < current_.size() && !stopped_; ++i) expand(current_[i]);
      std::swap(current_, next_);
    }
    watch.finish(space_, result_);
    return result_;
  }

 private:
  struct Link {
    std::uint32_t parent;
    std::uint32_t thread;
  };

  // False when thread t's step is disabled in n.
  bool step(Node& n, std::size_t t, bool last) {
    const auto s = space_.next(n, t, last, scratch_);
    if (s == StateSpace::Successor::kDisabled) return false;
    ++result_.generated;
    if (s == StateSpace::Successor::kSeen) return true;
    if (space_.over_limit()) {
      result_.complete = false;
      stopped_ = true;
      return true;
    }
    scratch_.id = static_cast<std::uint32_t>(links_.size());
    links_.push_back({n.id, static_cast<std::uint32_t>(t)});
    if (auto bad = space_.violation_in(scratch_)) {
      stop(*bad, scratch_.id);
      return true;
    }
    next_.push_back(scratch_);
    return true;
  }

  bool expand_reduced(Node& n) {
    independence_.analyse(n.kernel);
    for (std::size_t t = 0; t < space_.threads(); ++t) {
      if (space_.finished(n, t) || !independence_.is_safe(n.kernel, n.pcs, t)) continue;
      if (step(n, t, false)) return true;
    }
    return false;
  }

  void expand(Node& n) {
    if (n.depth() >= space_.options().max_depth) {
      result_.complete = false;
      return;
    }
    if (space_.options().partial_order_reduction && expand_reduced(n)) return;
    const std::size_t last = space_.last_unfinished(n);
    bool any_enabled = false, any_unfinished = false;
    for (std::size_t t = 0; t < last && !stopped_; ++t) {
      if (space_.finished(n, t)) continue;
      any_unfinished = true;
      any_enabled = step(n, t, t + 1 == last) || any_enabled;
    }
    if (any_unfinished && !any_enabled && space_.scenario().deadlock_is_violation && !stopped_) {
      stop(kDeadlock.text(), n.id);
    }
  }

  void stop(const std::string& why, std::uint32_t id) {
    result_.violation = why;
    stopped_ = true;
    std::vector<std::uint32_t> threads;
    for (; id != 0; id = links_[id].parent) threads.push_back(links_[id].thread);
    std::reverse(threads.begin(), threads.end());
    result_.counterexample = schedule_of(threads, space_.threads());
  }

  StateSpace& space_;
  Independence& independence_;
  std::vector<Node> current_, next_;
  Node scratch_;
  std::vector<Link> links_;
  bool stopped_ = false;
  ExploreResult result_;
};

// Depth-first on o.threads workers sharing one visited set and a pool of
// work: each distinct state is inserted, and so expanded, by exactly one
// worker, so the figures are those of one thread (unless a violation or a
// bound stops the search, when they depend on the timing).
ExploreResult explore_parallel(const Scenario& s, const ExploreOptions& o, const std::vector<std::vector<ResolvedStep>>& steps,
                               const Node& root) {
  const auto wall = std::chrono::steady_clock::now();
  const std::clock_t cpu = std::clock();
  SharedStateSet shared(o.fingerprint);
  WorkPool pool(o.threads);
  std::mutex progress_lock;
  ExploreOptions wo = o;
  if (o.on_progress) {
    wo.on_progress = [&](std::uint64_t generated, std::uint64_t distinct) {
      const std::lock_guard<std::mutex> hold(progress_lock);
      o.on_progress(generated, distinct);
    };
  }
  Node first = root;
  StateSpace(s, wo, steps, shared).remember(first);
  pool.give(WorkItem{std::move(first), 0, false, false, {}, {}});
  std::vector<ExploreResult> parts(o.threads);
  std::vector<std::exception_ptr> errors(o.threads);
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < o.threads; ++w) {
    workers.emplace_back([&, w] {
      try {
        Independence independence(steps);
        StateSpace space(s, wo, steps, shared);
        parts[w] = DepthFirst(space, independence, &pool).work();
      } catch (...) {
        errors[w] = std::current_exception();
        pool.stop();
      }
    });
  }
  for (std::thread& t : workers) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  ExploreResult r;
  for (ExploreResult& p : parts) {
    r.generated += p.generated;
    r.deadlocks += p.deadlocks;
    r.cache_bytes += p.cache_bytes;  // each worker learns the steps' effects itself
    r.max_depth = std::max(r.max_depth, p.max_depth);
    r.complete = r.complete && p.complete;
    if (p.violation && !r.violation) {
      r.violation = p.violation;
      r.counterexample = std::move(p.counterexample);
    }
  }
  r.distinct = shared.size();
  r.stored_bytes = shared.bytes();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  r.cpu_seconds = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
  return r;
}

}  // namespace

ExploreResult explore(const Scenario& s, const ExploreOptions& o) {
  SetupResult setup = run_setup(s, o);
  const auto& steps = setup.steps;
  const Node root{setup.kernel, std::vector<std::uint32_t>(s.threads.size(), 0),
                  std::vector<std::uint32_t>(s.max_deliveries.size(), 0), 0, 0};
  Independence independence(steps);
  ExploreResult r;
  if (o.threads > 1) {
    r = explore_parallel(s, o, steps, root);
  } else {
    StateSpace space(s, o, steps);
    r = DepthFirst(space, independence).run(root);
  }
  if (!r.violation) return r;
  // A violation exists: search again breadth-first, from scratch, for a
  // shortest schedule reaching one - no longer than the one found (a
  // deadlocked state is seen when expanded, hence the one more level). The
  // figures stay those of the first search. The bound on states can stop
  // the second search first (it visits every shallower state); the
  // depth-first path is reported then.
  ExploreOptions shallower = o;
  shallower.max_depth = std::min<std::uint32_t>(o.max_depth, static_cast<std::uint32_t>(r.counterexample.size() + 1));
  StateSpace again(s, shallower, steps);
  ExploreResult shortest = BreadthFirst(again, independence).run(root);
  if (shortest.violation) {
    r.violation = shortest.violation;
    r.counterexample = std::move(shortest.counterexample);
  } else {
    r.counterexample_shortest = false;
  }
  r.complete = true;  // a violation ends the search by design
  return r;
}

SwarmResult explore_swarm(const Scenario& s, const ExploreOptions& o, const SwarmOptions& w) {
  const auto wall = std::chrono::steady_clock::now();
  const std::clock_t cpu = std::clock();
  SetupResult setup = run_setup(s, o);
  const auto& steps = setup.steps;
  const Node root{setup.kernel, std::vector<std::uint32_t>(s.threads.size(), 0),
                  std::vector<std::uint32_t>(s.max_deliveries.size(), 0), 0, 0};
  SharedStateSet coverage(/*fingerprint=*/true);
  SwarmResult out;
  for (std::uint64_t i = w.first; i < w.end; ++i) out.members.push_back({i, {}});
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(std::max(1U, o.threads));
  auto member = [&](std::size_t m) {
    // Two streams per member: its thread order and its hash function.
    Prng derive(w.seed ^ (out.members[m].index * 0x9e3779b97f4a7c15ULL));
    ExploreOptions mo = o;
    mo.fingerprint = true;
    mo.threads = 1;
    mo.on_progress = {};
    mo.order_seed = derive.next() | 1;
    mo.hash_salt = derive.next();
    Independence independence(steps);
    StateSpace space(s, mo, steps);
    space.count_coverage_in(coverage);
    out.members[m].result = DepthFirst(space, independence).run(root);
    out.members[m].result.counterexample_shortest = false;
  };
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < std::max(1U, o.threads); ++t) {
    workers.emplace_back([&, t] {
      try {
        for (std::size_t m; (m = next.fetch_add(1)) < out.members.size();) member(m);
      } catch (...) {
        errors[t] = std::current_exception();
        next.store(out.members.size());
      }
    });
  }
  for (std::thread& t : workers) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  for (std::size_t m = 0; m < out.members.size() && !out.violating; ++m) {
    if (out.members[m].result.violation) out.violating = m;
  }
  out.covered = coverage.size();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  out.cpu_seconds = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
  return out;
}

namespace {

// After a deadlocking schedule: each unfinished thread's next call, the one
// it waits in forever (a thread whose process died is finished).
std::vector<traces::Step> waiting_calls(const Scenario& s, const ExploreResult& r, const sim::Interpreter& interp) {
  std::vector<std::size_t> next(s.threads.size(), 0);
  for (const ScheduledStep& step : r.counterexample) next[step.thread] = step.step + 1;
  std::vector<traces::Step> out;
  for (std::size_t i = 0; i < s.threads.size(); ++i) {
    const ScenarioThread& thread = s.threads[i];
    if (next[i] >= thread.steps.size() || !interp.proc_alive(thread.process)) continue;
    traces::Step st = thread.steps[next[i]];
    st.proc = thread.process;
    st.note = "thread " + thread.name;
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace

traces::Trace counterexample_trace(const Scenario& s, const ExploreResult& r, const ExploreOptions& o) {
  traces::Trace t = s.setup;
  t.name = s.name + "-counterexample";
  t.path = s.path;
  t.description = "Shortest schedule found by kqcheck explore: " + r.violation.value_or("no violation");
  for (const ScheduledStep& step : r.counterexample) {
    traces::Step st = s.threads[step.thread].steps[step.step];
    st.proc = s.threads[step.thread].process;
    st.note = "thread " + s.threads[step.thread].name;
    st.index = t.steps.size();
    t.steps.push_back(std::move(st));
  }
  // The model it was found on and what was checked, so that kqreplay
  // replays it as the same violation (check/trace_properties.hpp).
  t.mutation = model::mutation_name_of(o.mutations);
  t.properties = traces::TraceProperties{false, s.max_deliveries, {}};
  model::KernelConfig config;
  config.mutations = o.mutations;
  sim::ModelBackend backend(*model::find_profile(s.dialect), config);
  sim::Interpreter interp(t, backend);
  std::vector<traces::Observed> observed;
  try {
    interp.run([&](const sim::StepOutcome& out) { observed.push_back(interp.to_observed(out)); });
  } catch (const sim::InvariantViolation&) {
    // The violation itself: the step that broke the invariant has no
    // observation to record.
  }
  for (std::size_t i = 0; i < observed.size(); ++i) t.steps[i].observed = observed[i];
  if (!t.steps.empty()) t.steps.back().note += ": " + r.violation.value_or("");
  if (r.violation == kDeadlock.text()) t.properties->deadlock_waiters = waiting_calls(s, r, interp);
  return t;
}

}  // namespace kqsim::check

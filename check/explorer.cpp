#include "check/explorer.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <unordered_set>

#include "model/invariants.hpp"
#include "model/kevent_names.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"
#include "traces/trace_error.hpp"

namespace kqsim::check {
namespace {

using model::Kernel;

struct Node {
  Kernel kernel;
  std::vector<std::uint32_t> pcs;         // next step of each thread
  std::vector<std::uint32_t> deliveries;  // per bound of the scenario
  std::int64_t parent = -1;
  ScheduledStep via;
  std::uint32_t depth = 0;
};

std::string key_of(const Node& n) {
  std::string key;
  n.kernel.encode(key);
  for (std::uint32_t pc : n.pcs) key.append(reinterpret_cast<const char*>(&pc), sizeof pc);
  for (std::uint32_t d : n.deliveries) key.append(reinterpret_cast<const char*>(&d), sizeof d);
  return key;
}

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

class Stepper {
 public:
  Stepper(const Scenario& s, const sim::NameTable& names) : s_(s), names_(names) {}

  std::int32_t fd(const traces::Ref& ref, const std::string& thread, std::size_t step) const {
    if (!ref.is_name()) return static_cast<std::int32_t>(ref.number());
    auto v = names_.lookup(ref.name());
    if (!v) throw traces::TraceError(s_.path, step, "fd", "thread " + thread + ": name '" + ref.name() + "' is not bound by the setup");
    return static_cast<std::int32_t>(*v);
  }

  // One system call of a thread on `k`. nullopt: the call would wait forever
  // in this state (the thread is not enabled here); k is then unusable.
  std::optional<model::KeventResult> run(Kernel& k, const ScenarioThread& t, std::size_t index) const {
    const traces::Step& st = t.steps[index];
    const model::Pid pid = Kernel::kInitPid;
    model::KeventResult r;
    switch (st.op) {
      case traces::Op::kKevent: r = kevent(k, st, t.name); break;
      case traces::Op::kWrite: r.sys = k.write(pid, fd(st.fd, t.name, index), st.bytes); break;
      case traces::Op::kRead: r.sys = k.read(pid, fd(st.fd, t.name, index), st.bytes); break;
      case traces::Op::kClose: r.sys = k.close(pid, fd(st.fd, t.name, index)); break;
      case traces::Op::kDup2: r.sys = k.dup2(pid, fd(st.fd, t.name, index), fd(st.to, t.name, index)); break;
      default:
        throw traces::TraceError(s_.path, index, "op", "thread " + t.name + ": '" + traces::op_name(st.op) +
                                                           "' is not available to threads (use kevent, read, write, close, dup2)");
    }
    if (r.sys.completion == model::Completion::kBlockedForever) return std::nullopt;
    if (r.sys.completion == model::Completion::kUnsupported) {
      throw traces::TraceError(s_.path, index, "op", "thread " + t.name + ": not supported by the model: " + std::string(r.sys.detail));
    }
    return r;
  }

 private:
  model::KeventResult kevent(Kernel& k, const traces::Step& st, const std::string& thread) const {
    std::vector<model::KEvent> changes;
    for (const traces::Change& c : st.changes) {
      std::uint64_t ident = c.ident.is_name() ? static_cast<std::uint64_t>(fd(c.ident, thread, st.index)) : c.ident.number();
      changes.push_back({ident, c.filter, c.flags, c.fflags, c.data, c.udata});
    }
    auto timeout = st.timeout ? std::optional<model::Timespec>(model::Timespec{0, 0}) : std::nullopt;
    return k.kevent(Kernel::kInitPid, fd(st.fd, thread, st.index), changes, st.nevents, timeout);
  }

  const Scenario& s_;
  const sim::NameTable& names_;
};

std::optional<std::string> violation_in(const Scenario& s, const Node& n) {
  auto inv = model::check_invariants(n.kernel);
  if (!inv.empty()) return "invariant: " + inv.front();
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

std::vector<ScheduledStep> schedule_to(const std::vector<Node>& nodes, std::int64_t index) {
  std::vector<ScheduledStep> out;
  for (; index > 0; index = nodes[static_cast<std::size_t>(index)].parent) out.insert(out.begin(), nodes[static_cast<std::size_t>(index)].via);
  return out;
}

class Search {
 public:
  Search(const Scenario& s, const ExploreOptions& o, const Stepper& stepper) : s_(s), o_(o), stepper_(stepper) {}

  ExploreResult run(Node root) {
    auto start = std::chrono::steady_clock::now();
    remember(root);
    nodes_.push_back(std::move(root));
    frontier_.push_back(0);
    while (!frontier_.empty() && !result_.violation) {
      std::size_t index = frontier_.front();
      frontier_.pop_front();
      expand(index);
    }
    result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result_.distinct = visited_exact_.size() + visited_hash_.size();
    return result_;
  }

 private:
  bool remember(const Node& n) {
    std::string key = key_of(n);
    if (o_.fingerprint) {
      bool fresh = visited_hash_.insert(std::hash<std::string>{}(key)).second;
      if (fresh) result_.stored_bytes += sizeof(std::size_t);
      return fresh;
    }
    bool fresh = visited_exact_.insert(key).second;
    if (fresh) result_.stored_bytes += key.size();
    return fresh;
  }

  void expand(std::size_t index) {
    const std::uint32_t depth = nodes_[index].depth;
    if (depth >= o_.max_depth) {
      result_.complete = false;
      return;
    }
    bool any_enabled = false, any_unfinished = false;
    for (std::size_t t = 0; t < s_.threads.size() && !result_.violation; ++t) {
      const std::uint32_t pc = nodes_[index].pcs[t];
      if (pc >= s_.threads[t].steps.size()) continue;
      any_unfinished = true;
      Node next{nodes_[index].kernel, nodes_[index].pcs, nodes_[index].deliveries, static_cast<std::int64_t>(index), {t, pc}, depth + 1};
      auto r = stepper_.run(next.kernel, s_.threads[t], pc);
      if (!r) continue;  // waits forever here
      any_enabled = true;
      ++result_.generated;
      next.pcs[t] = pc + 1;
      count_deliveries(s_, *r, next);
      if (!remember(next)) continue;
      if (visited_count() > o_.max_states) {
        result_.complete = false;
        frontier_.clear();
        return;
      }
      result_.max_depth = std::max(result_.max_depth, next.depth);
      auto bad = violation_in(s_, next);
      nodes_.push_back(std::move(next));
      if (bad) {
        result_.violation = *bad;
        result_.counterexample = schedule_to(nodes_, static_cast<std::int64_t>(nodes_.size() - 1));
        return;
      }
      frontier_.push_back(nodes_.size() - 1);
    }
    if (any_unfinished && !any_enabled) {
      ++result_.deadlocks;
      if (s_.deadlock_is_violation && !result_.violation) {
        result_.violation = "deadlock: every unfinished thread waits forever";
        result_.counterexample = schedule_to(nodes_, static_cast<std::int64_t>(index));
      }
    }
  }

  std::size_t visited_count() const { return visited_exact_.size() + visited_hash_.size(); }

  const Scenario& s_;
  const ExploreOptions& o_;
  const Stepper& stepper_;
  std::vector<Node> nodes_;
  std::deque<std::size_t> frontier_;
  std::unordered_set<std::string> visited_exact_;
  std::unordered_set<std::size_t> visited_hash_;
  ExploreResult result_;
};

}  // namespace

ExploreResult explore(const Scenario& s, const ExploreOptions& o) {
  SetupResult setup = run_setup(s, o);
  Stepper stepper(s, setup.names);
  Node root{setup.kernel, std::vector<std::uint32_t>(s.threads.size(), 0),
            std::vector<std::uint32_t>(s.max_deliveries.size(), 0), -1, {}, 0};
  Search search(s, o, stepper);
  ExploreResult r = search.run(std::move(root));
  if (r.violation) r.complete = true;  // a violation ends the search by design
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

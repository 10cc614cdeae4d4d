#include "check/linearizability.hpp"

#include <fstream>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"
#include "traces/json_fields.hpp"
#include "traces/json_file.hpp"
#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::check {
namespace {

using nlohmann::json;
using model::Kernel;

traces::Step parse_operation_step(const json& step, const std::string& where, const std::string& dialect) {
  traces::Trace t = traces::parse_steps(json::array({step}), where, dialect);
  traces::Step s = t.steps.front();
  if (!s.as.empty()) throw traces::TraceError(where, std::nullopt, "step.as", "operations cannot bind names");
  if (!s.observed) throw traces::TraceError(where, std::nullopt, "step.observed", "every operation needs what it observed");
  return s;
}

class Search {
 public:
  Search(const History& h, const sim::NameTable& names) : h_(h), names_(names) {}

  Linearization run(const Kernel& start) {
    std::vector<bool> done(h_.operations.size(), false);
    std::vector<std::size_t> order;
    result_.linearizable = step(start, done, order);
    if (result_.linearizable) result_.order = order;
    return result_;
  }

 private:
  // An operation may go next if no other pending operation returned before it was invoked.
  bool minimal(const std::vector<bool>& done, std::size_t i) const {
    for (std::size_t j = 0; j < done.size(); ++j) {
      if (!done[j] && j != i && h_.operations[j].ret < h_.operations[i].invoke) return false;
    }
    return true;
  }

  // Applies operation i to k; the first divergence from what it observed, if any.
  std::optional<std::string> apply(Kernel& k, std::size_t i) const {
    const traces::Step& s = h_.operations[i].step;
    auto fd = [&](const traces::Ref& r) -> std::int32_t {
      if (!r.is_name()) return static_cast<std::int32_t>(r.number());
      auto v = names_.lookup(r.name());
      if (!v) throw traces::TraceError(h_.path, std::nullopt, "operations[" + std::to_string(i) + "]", "name '" + r.name() + "' is not bound by the setup");
      return static_cast<std::int32_t>(*v);
    };
    const model::Pid pid = Kernel::kInitPid;
    model::KeventResult r;
    switch (s.op) {
      case traces::Op::kKevent: {
        std::vector<model::KEvent> changes;
        for (const traces::Change& c : s.changes) changes.push_back({c.ident.is_name() ? static_cast<std::uint64_t>(fd(c.ident)) : c.ident.number(), c.filter, c.flags, c.fflags, c.data, c.udata});
        r = k.kevent(pid, fd(s.fd), changes, s.nevents, s.timeout ? std::optional<model::Timespec>(model::Timespec{0, 0}) : std::nullopt);
        break;
      }
      case traces::Op::kWrite: r.sys = k.write(pid, fd(s.fd), s.bytes); break;
      case traces::Op::kRead: r.sys = k.read(pid, fd(s.fd), s.bytes); break;
      case traces::Op::kClose: r.sys = k.close(pid, fd(s.fd)); break;
      default: throw traces::TraceError(h_.path, std::nullopt, "operations[" + std::to_string(i) + "].op", "use kevent, read, write or close");
    }
    if (r.sys.completion != model::Completion::kDone) return "the model would not return here";
    traces::ActualObservation actual{r.sys.ret, r.sys.err, r.events, std::nullopt, std::nullopt, std::nullopt};
    auto resolve = [&](const traces::Ref& ref, model::FilterId) -> std::uint64_t {
      return ref.is_name() ? static_cast<std::uint64_t>(fd(ref)) : ref.number();
    };
    auto d = traces::compare_observation(*s.observed, actual, resolve);
    if (d.empty()) return std::nullopt;
    return std::string(traces::divergence_kind_name(d.front().kind)) + ": observed " + d.front().expected + ", model " + d.front().actual;
  }

  bool step(const Kernel& k, std::vector<bool>& done, std::vector<std::size_t>& order) {
    if (order.size() == done.size()) return true;
    if (!visited_.insert(key(k, done)).second) return false;
    ++result_.states_explored;
    std::vector<std::pair<std::size_t, std::string>> blocked;
    for (std::size_t i = 0; i < done.size(); ++i) {
      if (done[i] || !minimal(done, i)) continue;
      Kernel next = k;
      if (auto why = apply(next, i)) {
        blocked.emplace_back(i, *why);
        continue;
      }
      done[i] = true;
      order.push_back(i);
      if (step(next, done, order)) return true;
      order.pop_back();
      done[i] = false;
    }
    if (order.size() >= result_.longest_prefix.size() && !blocked.empty()) {
      result_.longest_prefix = order;
      result_.blocked = blocked;
    }
    return false;
  }

  static std::string key(const Kernel& k, const std::vector<bool>& done) {
    std::string out;
    k.encode(out);
    for (bool d : done) out.push_back(d ? '1' : '0');
    return out;
  }

  const History& h_;
  const sim::NameTable& names_;
  std::unordered_set<std::string> visited_;
  Linearization result_;
};

}  // namespace

History load_history_file(const std::string& path) {
  json doc = traces::load_json_object(path, "a history");
  traces::FieldReader r(path, std::nullopt, "", doc);
  History h;
  h.path = path;
  if (r.string_required("format") != "kqsim-history/1") r.fail("format", "expected \"kqsim-history/1\"");
  h.name = r.string_required("name");
  h.dialect = r.optional_string("dialect").value_or("freebsd-main");
  r.skip("description");
  r.skip("setup");
  h.setup = traces::parse_steps(doc.value("setup", json::array()), path + " (setup)", h.dialect);
  std::size_t i = 0;
  for (traces::FieldReader op : r.array_items("operations")) {
    HistoryOperation o;
    o.thread = op.string_required("thread");
    o.invoke = op.int_required("invoke");
    o.ret = op.int_required("return");
    if (o.ret < o.invoke) op.fail("return", "an operation returns after it is invoked");
    op.skip("step");
    o.step = parse_operation_step(doc["operations"][i]["step"], path + " (operation " + std::to_string(i) + ")", h.dialect);
    op.finish();
    h.operations.push_back(std::move(o));
    ++i;
  }
  r.finish();
  return h;
}

Linearization check_linearizable(const History& h) {
  const model::DialectProfile* profile = model::find_profile(h.dialect);
  if (profile == nullptr) throw traces::TraceError(h.path, std::nullopt, "dialect", "unknown dialect '" + h.dialect + "'");
  sim::ModelBackend backend(*profile);
  sim::Interpreter interp(h.setup, backend);
  interp.run();
  Search search(h, interp.names("main"));
  return search.run(backend.kernel());
}

}  // namespace kqsim::check

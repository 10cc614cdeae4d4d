#include "traces/trace_json.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <fstream>
#include <set>
#include <sstream>

#include "model/errno_code.hpp"
#include "model/kevent_names.hpp"
#include "model/signals.hpp"
#include "traces/json_fields.hpp"
#include "traces/name_suggest.hpp"
#include "traces/json_file.hpp"
#include "traces/trace_file_reader.hpp"
#include "traces/socket_steps.hpp"
#include "traces/step_json.hpp"
#include "traces/trace_error.hpp"
#include "traces/trace_properties_json.hpp"
#include "traces/aio_step_json.hpp"
#include "traces/vfs_step_json.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

const std::map<std::string, Op> kOps{
    {"kqueue", Op::kKqueue}, {"pipe", Op::kPipe},   {"read", Op::kRead},   {"write", Op::kWrite},
    {"close", Op::kClose},   {"dup", Op::kDup},     {"dup2", Op::kDup2},   {"fcntl", Op::kFcntl},
    {"fork", Op::kFork},     {"exec", Op::kExec},   {"exit", Op::kExit},   {"sleep", Op::kSleep},
    {"kevent", Op::kKevent}, {"kill", Op::kKill}, {"sigaction", Op::kSigaction}, {"sigprocmask", Op::kSigprocmask},
    {"socketpair", Op::kSocketpair}, {"socket", Op::kSocket}, {"bind", Op::kBind}, {"listen", Op::kListen},
    {"connect", Op::kConnect}, {"accept", Op::kAccept}, {"shutdown", Op::kShutdown}, {"setsockopt", Op::kSetsockopt},
    {"getsockname", Op::kGetsockname}, {"recv", Op::kRecv}, {"send", Op::kSend}, {"poll", Op::kPoll},
    {"select", Op::kSelect}, {"pause", Op::kPause}, {"utimes", Op::kUtimes},
    {"open", Op::kOpen},     {"mkdir", Op::kMkdir}, {"rmdir", Op::kRmdir}, {"mkfifo", Op::kMkfifo},
    {"unlink", Op::kUnlink}, {"rename", Op::kRename}, {"link", Op::kLink}, {"chmod", Op::kChmod},
    {"truncate", Op::kTruncate}, {"ftruncate", Op::kFtruncate}, {"lseek", Op::kLseek},
    {"revoke", Op::kRevoke}, {"unmount", Op::kUnmount},
    {"pdfork", Op::kPdfork}, {"wait", Op::kWait},
    {"aio_read", Op::kAioRead}, {"aio_write", Op::kAioWrite}, {"aio_error", Op::kAioError},
    {"aio_return", Op::kAioReturn}, {"aio_cancel", Op::kAioCancel}, {"lio_listio", Op::kLioListio},
    {"aio_run", Op::kAioRun},
};

const std::array<const char*, 3> kSigActions{"default", "ignore", "catch"};

// A signal by name ("SIGUSR1") or number.
std::int32_t parse_signal(FieldReader& r) {
  if (r.is_string("signal")) {
    std::string name = r.string_required("signal");
    auto v = model::signal_from_name(name);
    if (!v) r.fail("signal", "unknown signal name '" + name + "'");
    return *v;
  }
  return static_cast<std::int32_t>(r.int_in_range("signal", 0, 1000, 0));
}

std::int32_t parse_sig_action(FieldReader& r) {
  std::string a = r.string_required("action");
  for (std::size_t i = 0; i < kSigActions.size(); ++i) {
    if (a == kSigActions[i]) return static_cast<std::int32_t>(i);
  }
  r.fail("action", "must be default, ignore or catch");
}

Change parse_change(FieldReader r) {
  Change c;
  c.ident = r.ref("ident");
  c.filter = r.filter("filter");
  c.flags = r.flags_or("flags", 0);
  c.fflags = r.notes_or("fflags", 0);
  c.data = r.int_or("data", 0);
  c.udata = r.uint_or("udata", 0);
  r.finish();
  return c;
}

ExpectedEvent parse_event(FieldReader r) {
  ExpectedEvent e;
  e.ident = r.ref("ident");
  e.filter = r.filter("filter");
  e.flags = r.flags_or("flags", 0);
  e.fflags = r.notes_or("fflags", 0);
  e.data = r.int_expect_or("data", IntExpect{0, 0});
  e.udata = r.uint_or("udata", 0);
  r.finish();
  return e;
}

// How a process ended during a call: killed by a signal ("SIGSEGV"), or
// exited ("exit 127": the implementation under test called exit(), or a
// worker could not exec) - what sim/host/host_backend.cpp writes.
bool is_crash_text(const std::string& c) {
  auto all_of = [](std::string_view s, auto pred) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [&](char ch) { return pred(static_cast<unsigned char>(ch)) != 0; });
  };
  if (c.rfind("SIG", 0) == 0) return all_of(std::string_view(c).substr(3), [](int ch) { return std::isupper(ch) || std::isdigit(ch); });
  if (c.rfind("exit ", 0) != 0) return false;
  const std::string_view n = std::string_view(c).substr(5);
  return all_of(n, ::isdigit) && n.size() <= 3 && (n.size() == 1 || n[0] != '0') && std::stoi(std::string(n)) <= 255;
}

Observed parse_observed(FieldReader r, Op op) {
  Observed o;
  const bool fork_default = op == Op::kFork || op == Op::kPdfork;
  o.ret = r.int_expect_or("ret", fork_default ? IntExpect{1, INT32_MAX} : IntExpect{0, 0});
  if (auto name = r.optional_string("errno")) {
    if (!model::errno_from_name(*name)) r.fail("errno", "unknown errno name '" + *name + "'");
    o.errno_name = *name;
    if (!r.has("ret")) o.ret = IntExpect{-1, -1};
  }
  r.each_item("events", [&o](FieldReader ev) { o.events.push_back(parse_event(std::move(ev))); });
  o.unsupported = r.optional_string("unsupported");
  o.crash = r.optional_string("crash");
  if (o.crash && !is_crash_text(*o.crash)) {
    r.fail("crash", "must be a signal name such as \"SIGSEGV\" or an exit status such as \"exit 127\" (0 to 255)");
  }
  o.hang = r.optional_string("hang");
  if (r.has("elapsed_ns")) o.elapsed_ns = r.int_required("elapsed_ns");
  if (auto order = r.optional_string("order")) {
    if (*order == "any") o.order = EventOrder::kAny;
    else if (*order != "exact") r.fail("order", "must be \"exact\" or \"any\"");
  }
  r.finish();
  return o;
}

void parse_kevent_fields(FieldReader& r, Step& s) {
  s.fd = r.ref("kq");
  r.each_item("changes", [&s](FieldReader ch) { s.changes.push_back(parse_change(std::move(ch))); });
  s.nevents = static_cast<std::int32_t>(r.int_in_range("nevents", INT32_MIN, INT32_MAX, 0));
  if (!r.has("timeout")) r.fail("timeout", "required: null waits forever, {\"sec\": 0, \"nsec\": 0} polls");
  s.timeout = r.timespec("timeout");
}

void parse_op_fields(FieldReader& r, Step& s) {
  if (vfs_op_of(s.op)) {
    parse_vfs_fields(r, s);
    return;
  }
  if (aio_op_of(s.op)) {
    parse_aio_fields(r, s);
    return;
  }
  switch (s.op) {
    case Op::kKqueue: s.kqueue_flags = r.kqueue_flags_or("flags", 0); s.as = r.names("as", 1); break;
    case Op::kPipe:
      s.nonblock = r.bool_or("nonblock", false);
      s.cloexec = r.bool_or("cloexec", false);
      s.as = r.names("as", 2);
      break;
    case Op::kRead:
    case Op::kWrite:
      s.fd = r.ref("fd");
      if (!r.has("bytes")) r.fail("bytes", "missing");
      s.bytes = r.int_in_range("bytes", INT64_MIN, kMaxTransferBytes, 0);
      break;
    case Op::kClose: s.fd = r.ref("fd"); break;
    case Op::kDup: s.fd = r.ref("fd"); s.as = r.names("as", 1); break;
    case Op::kDup2: s.fd = r.ref("fd"); s.to = r.ref("to"); s.as = r.names_or_empty("as", 1); break;
    case Op::kFcntl:
      s.fd = r.ref("fd");
      s.fcntl_cmd = r.string_required("cmd");
      if (s.fcntl_cmd != "F_GETFD" && s.fcntl_cmd != "F_SETFD") r.fail("cmd", "must be F_GETFD or F_SETFD");
      s.fcntl_arg = static_cast<std::int32_t>(r.int_in_range("arg", INT32_MIN, INT32_MAX, 0));
      break;
    case Op::kFork: s.as = r.names("as", 1); break;
    case Op::kPdfork: s.pd_flags = r.pdfork_flags_or("flags", 0); s.as = r.names("as", 2); break;
    case Op::kWait:
      s.target = r.string_required("target");
      s.nohang = r.bool_or("nohang", false);
      break;
    case Op::kExec: break;
    case Op::kExit: s.exit_status = static_cast<std::int32_t>(r.int_in_range("status", 0, 255, 0)); break;
    case Op::kSleep:
      s.sleep_ns = r.int_required("ns");
      if (s.sleep_ns < 0) r.fail("ns", "must not be negative");
      break;
    case Op::kKevent: parse_kevent_fields(r, s); break;
    case Op::kKill:
      s.target = r.string_required("target");
      if (!r.has("signal")) r.fail("signal", "missing");
      s.signo = parse_signal(r);
      break;
    case Op::kSigaction:
      if (!r.has("signal")) r.fail("signal", "missing");
      s.signo = parse_signal(r);
      s.sig_action = parse_sig_action(r);
      break;
    case Op::kSigprocmask: {
      std::string how = r.string_required("how");
      if (how != "block" && how != "unblock") r.fail("how", "must be block or unblock");
      s.block = how == "block";
      if (!r.has("signal")) r.fail("signal", "missing");
      s.signo = parse_signal(r);
      break;
    }
    default:  // sockets here; the file-system ops were handled above
      if (is_socket_op(s.op)) parse_socket_fields(r, s);
      break;
  }
}

// Into a Step already in place (the trace's vector): a Step is moved
// nowhere on the way (the replay path, issue 14).
void parse_step_into(FieldReader r, std::size_t index, Step& s) {
  s.index = index;
  std::string op = r.string_required("op");
  auto it = kOps.find(op);
  if (it == kOps.end()) {
    std::vector<std::string_view> known;
    for (const auto& [name, value] : kOps) known.push_back(name);
    r.fail("op", "unknown op '" + op + "'" + did_you_mean(op, known));
  }
  s.op = it->second;
  s.proc = r.optional_string("proc").value_or("main");
  s.note = r.optional_string("note").value_or("");
  parse_op_fields(r, s);
  if (r.has("observed")) s.observed = parse_observed(r.object("observed"), s.op);
  r.finish();
}

}  // namespace

Step parse_step(FieldReader r, std::size_t index) {
  Step s;
  parse_step_into(std::move(r), index, s);
  return s;
}

namespace {

// Informational integers a recorder measured; each must be an integer.
std::map<std::string, std::int64_t> doc_constants(FieldReader& c) {
  std::map<std::string, std::int64_t> out;
  for (const std::string& key : c.keys()) out[key] = c.int_required(key);
  return out;
}

void parse_header(FieldReader& r, Trace& t) {
  std::string format = r.string_required("format");
  if (format != kFormatVersion) r.fail("format", "unsupported format '" + format + "', expected '" + kFormatVersion + "'");
  t.name = r.string_required("name");
  t.description = r.optional_string("description").value_or("");
  t.dialect = r.optional_string("dialect").value_or("freebsd-main");
  for (FieldReader src : r.array_items("sources")) {
    SourceRef ref{src.string_required("kind"), src.string_required("ref")};
    src.finish();
    t.sources.push_back(ref);
  }
  if (r.has("host")) {
    FieldReader h = r.object("host");
    t.host = HostInfo{h.string_required("os"), h.string_required("release"), h.optional_string("machine").value_or(""),
                      h.optional_string("date").value_or(""), h.optional_string("recorder").value_or(""),
                      h.optional_string("kqueue").value_or("")};
    h.finish();
  }
  if (r.has("constants")) {
    FieldReader c = r.object("constants");
    for (const auto& [key, value] : doc_constants(c)) t.constants[key] = value;
  }
  parse_check_fields(r, t);
}

}  // namespace

namespace {

// The steps already read while the document was (load_trace_file), or
// nullptr to read them from the document. A step's error waits for the
// header's, so a trace wrong in both is reported as before.
Trace assemble_trace(FieldReader r, const std::string& path, std::vector<Step>* streamed,
                     const std::optional<TraceError>& step_error) {
  Trace t;
  t.path = path;
  parse_header(r, t);
  if (!r.has("steps")) r.fail("steps", "missing");
  if (streamed != nullptr) {
    r.skip("steps");
    if (step_error) throw *step_error;
    t.steps = std::move(*streamed);
  } else {
    std::size_t index = 0;
    for (FieldReader step : r.array_items("steps")) t.steps.push_back(parse_step(std::move(step).at_step(index), index)), ++index;
  }
  r.finish();
  return t;
}

}  // namespace

Trace parse_trace(const json& doc, const std::string& path) {
  if (!doc.is_object()) throw TraceError(path, std::nullopt, "", "a trace is a JSON object");
  return assemble_trace(FieldReader(path, std::nullopt, "", doc), path, nullptr, std::nullopt);
}

namespace {

json ref_to_json(const Ref& ref) {
  if (ref.is_name()) return ref.name();
  return ref.number();
}

// A filter number without a name (a probe such as -100) stays a number.
json filter_to_json(model::FilterId filter) {
  std::string name = model::filter_name(filter);
  if (model::filter_from_name(name)) return name;
  return filter;
}

json flags_to_json(model::EventFlags flags) {
  json out = json::array();
  for (std::uint32_t bit = 1; bit <= 0x8000; bit <<= 1) {
    if ((flags & bit) == 0) continue;
    std::string name = model::flags_to_string(static_cast<model::EventFlags>(bit));
    out.push_back(name);
  }
  return out;
}

json int_expect_to_json(const IntExpect& e) {
  if (!e.pid_of.empty()) return e.pid_of;
  if (e.exact()) return e.min;
  return json{{"min", e.min}, {"max", e.max}};
}

json observed_to_json(const Observed& o) {
  json out;
  if (o.elapsed_ns) out["elapsed_ns"] = *o.elapsed_ns;
  if (o.unsupported) {
    out["unsupported"] = *o.unsupported;
    return out;
  }
  if (o.crash || o.hang) {
    if (o.crash) out["crash"] = *o.crash;
    if (o.hang) out["hang"] = *o.hang;
    return out;
  }
  out["ret"] = int_expect_to_json(o.ret);
  if (o.errno_name) out["errno"] = *o.errno_name;
  if (!o.events.empty() || o.order == EventOrder::kAny) {
    json events = json::array();
    for (const ExpectedEvent& e : o.events) {
      events.push_back(json{{"ident", ref_to_json(e.ident)},
                            {"filter", filter_to_json(e.filter)},
                            {"flags", flags_to_json(e.flags)},
                            {"fflags", e.fflags},
                            {"data", int_expect_to_json(e.data)},
                            {"udata", e.udata}});
    }
    out["events"] = events;
  }
  if (o.order == EventOrder::kAny) out["order"] = "any";
  return out;
}

json names_to_json(const std::vector<std::string>& names) {
  if (names.size() == 1) return names[0];
  return names;
}

// A signal by name where it has one, else by number (0, or unnamed ones).
json signal_to_json(std::int32_t signo) {
  std::string name = model::signal_name(signo);
  if (model::signal_from_name(name)) return name;
  return signo;
}

json pdfork_flags_to_json(std::uint32_t flags) {
  json out = json::array();
  if ((flags & model::pdflag::kDaemon) != 0) out.push_back("PD_DAEMON");
  if ((flags & model::pdflag::kCloexec) != 0) out.push_back("PD_CLOEXEC");
  return out;
}

json timeout_to_json(const std::optional<model::Timespec>& ts) {
  if (!ts) return nullptr;
  return json{{"sec", ts->sec}, {"nsec", ts->nsec}};
}

void op_fields_to_json(const Step& s, json& out) {
  if (vfs_op_of(s.op)) {
    vfs_fields_to_json(s, out);
    return;
  }
  if (aio_op_of(s.op)) {
    aio_fields_to_json(s, out);
    return;
  }
  switch (s.op) {
    case Op::kKqueue:
      if (s.kqueue_flags != 0) out["flags"] = s.kqueue_flags;
      out["as"] = names_to_json(s.as);
      break;
    case Op::kPipe:
      if (s.nonblock) out["nonblock"] = true;
      if (s.cloexec) out["cloexec"] = true;
      out["as"] = s.as;
      break;
    case Op::kRead:
    case Op::kWrite: out["fd"] = ref_to_json(s.fd); out["bytes"] = s.bytes; break;
    case Op::kClose: out["fd"] = ref_to_json(s.fd); break;
    case Op::kDup: out["fd"] = ref_to_json(s.fd); out["as"] = names_to_json(s.as); break;
    case Op::kDup2:
      out["fd"] = ref_to_json(s.fd);
      out["to"] = ref_to_json(s.to);
      if (!s.as.empty()) out["as"] = names_to_json(s.as);
      break;
    case Op::kFcntl: out["fd"] = ref_to_json(s.fd); out["cmd"] = s.fcntl_cmd; out["arg"] = s.fcntl_arg; break;
    case Op::kFork: out["as"] = names_to_json(s.as); break;
    case Op::kPdfork:
      if (s.pd_flags != 0) out["flags"] = pdfork_flags_to_json(s.pd_flags);
      out["as"] = s.as;
      break;
    case Op::kWait:
      out["target"] = s.target;
      if (s.nohang) out["nohang"] = true;
      break;
    case Op::kExec: break;
    case Op::kExit:
      if (s.exit_status != 0) out["status"] = s.exit_status;
      break;
    case Op::kSleep: out["ns"] = s.sleep_ns; break;
    case Op::kKill: out["target"] = s.target; out["signal"] = signal_to_json(s.signo); break;
    case Op::kSigaction: out["signal"] = signal_to_json(s.signo); out["action"] = kSigActions[static_cast<std::size_t>(s.sig_action)]; break;
    case Op::kSigprocmask: out["how"] = s.block ? "block" : "unblock"; out["signal"] = signal_to_json(s.signo); break;
    case Op::kKevent: {
      out["kq"] = ref_to_json(s.fd);
      json changes = json::array();
      for (const Change& c : s.changes) {
        changes.push_back(json{{"ident", ref_to_json(c.ident)}, {"filter", filter_to_json(c.filter)},
                               {"flags", flags_to_json(c.flags)}, {"fflags", c.fflags},
                               {"data", c.data}, {"udata", c.udata}});
      }
      if (!changes.empty()) out["changes"] = changes;
      out["nevents"] = s.nevents;
      out["timeout"] = timeout_to_json(s.timeout);
      break;
    }
    default:
      if (is_socket_op(s.op)) {
        if (s.op != Op::kSocketpair && s.op != Op::kSocket && s.op != Op::kPause) out["fd"] = ref_to_json(s.fd);
        socket_fields_to_json(s, out);
      }
      break;
  }
}

}  // namespace

json step_to_json(const Step& s) {
  json out;
  out["op"] = op_name(s.op);
  if (s.proc != "main") out["proc"] = s.proc;
  op_fields_to_json(s, out);
  if (!s.note.empty()) out["note"] = s.note;
  if (s.observed) out["observed"] = observed_to_json(*s.observed);
  return out;
}

json trace_to_json(const Trace& t) {
  json doc;
  doc["format"] = kFormatVersion;
  doc["name"] = t.name;
  if (!t.description.empty()) doc["description"] = t.description;
  doc["dialect"] = t.dialect;
  if (!t.sources.empty()) {
    json sources = json::array();
    for (const SourceRef& s : t.sources) sources.push_back(json{{"kind", s.kind}, {"ref", s.ref}});
    doc["sources"] = sources;
  }
  if (t.host) {
    doc["host"] = json{{"os", t.host->os}, {"release", t.host->release}, {"machine", t.host->machine},
                       {"date", t.host->date}, {"recorder", t.host->recorder}};
    if (!t.host->kqueue.empty()) doc["host"]["kqueue"] = t.host->kqueue;
  }
  if (!t.constants.empty()) doc["constants"] = t.constants;
  check_fields_to_json(t, doc);
  json steps = json::array();
  for (const Step& s : t.steps) steps.push_back(step_to_json(s));
  doc["steps"] = steps;
  return doc;
}

const char* op_name(Op op) {
  for (const auto& [name, value] : kOps) {
    if (value == op) return name.c_str();
  }
  return "?";
}

Trace parse_steps(const json& steps, const std::string& where, const std::string& dialect) {
  json doc{{"format", kFormatVersion}, {"name", where}, {"dialect", dialect}, {"steps", steps}};
  return parse_trace(doc, where);
}

// Each step becomes a Step as soon as its JSON is read, straight from the
// parser's events into nodes reused for every step (traces/trace_file_reader.hpp):
// the document never holds every step (issue 13: memory a small multiple of
// the file) and no nlohmann DOM is built per step (issue 14).
Trace load_trace_file(const std::string& path) {
  std::vector<Step> steps;
  std::optional<TraceError> step_error;
  const auto file = std::make_shared<const std::string>(path);  // one copy for every step's readers
  const std::string text = read_regular_file(path);
  auto on_step = [&](const JsonNodes& step, std::size_t index) {
    if (step_error) return;
    try {
      if (!step.is(0, JsonKind::kObject)) {
        throw TraceError(path, std::nullopt, "steps[" + std::to_string(index) + "]", "expected a JSON object");
      }
      parse_step_into(FieldReader(file, index, "", step), index, steps.emplace_back());
    } catch (const TraceError& e) {
      step_error = e;
      steps.clear();  // never used: the error is thrown instead
    }
  };
  steps.reserve(count_op_keys(text));
  std::optional<TraceNodes> doc;
  try {
    doc = read_trace_nodes_fast(text, path, on_step);
  } catch (const std::exception&) {
    doc.reset();  // read again below: its error is the canonical reader's
  }
  if (!doc) {
    steps.clear();
    step_error.reset();
    doc = read_trace_nodes(text, path, on_step);
  }
  return assemble_trace(FieldReader(file, std::nullopt, "", doc->doc), path, doc->streamed_steps ? &steps : nullptr,
                        step_error);
}

// The steps as load_trace_file reads them, each handed over and dropped;
// anything load_trace_file would refuse gives the stream up, and the
// final document is checked as load_trace_file checks it.
std::optional<StreamedTrace> stream_trace_file(const std::string& path, const TraceStreamSink& sink) {
  try {
    const auto file = std::make_shared<const std::string>(path);
    const std::string text = read_regular_file(path);
    bool began = false;
    std::size_t count = 0;
    auto on_step = [&](const JsonNodes& nodes, std::size_t index) {
      if (!began || !nodes.is(0, JsonKind::kObject)) throw StopStream{};
      Step s;
      parse_step_into(FieldReader(file, index, "", nodes), index, s);
      ++count;
      sink.step(s);
    };
    auto on_steps_begin = [&](const JsonNodes& header_nodes) {
      Trace header;
      header.path = path;
      FieldReader r(file, std::nullopt, "", header_nodes);
      parse_header(r, header);
      began = true;
      sink.header(header);
    };
    std::optional<TraceNodes> doc = read_trace_nodes_fast(text, path, on_step, on_steps_begin);
    if (!doc && began) return std::nullopt;  // steps went by: the caller reads the file again
    if (!doc) doc = read_trace_nodes(text, path, on_step, on_steps_begin);
    if (!began || doc->members_after_steps) return std::nullopt;
    std::vector<Step> none;
    return StreamedTrace{assemble_trace(FieldReader(file, std::nullopt, "", doc->doc), path, &none, std::nullopt), count};
  } catch (const StopStream&) {
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace kqsim::traces

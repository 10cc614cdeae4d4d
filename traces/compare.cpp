#include "traces/compare.hpp"

#include <algorithm>
#include <array>

#include "model/kevent_names.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

std::string range_text(const IntExpect& e, const IdentResolver& resolve) {
  if (!e.pid_of.empty()) return "pid of " + e.pid_of + " (" + std::to_string(resolve(Ref{e.pid_of}, model::filt::kProc)) + ")";
  if (e.exact()) return std::to_string(e.min);
  return "[" + std::to_string(e.min) + ", " + std::to_string(e.max) + "]";
}

bool matches(const IntExpect& e, std::int64_t v, const IdentResolver& resolve) {
  if (!e.pid_of.empty()) return static_cast<std::uint64_t>(v) == resolve(Ref{e.pid_of}, model::filt::kProc);
  return e.in_range(v);
}

std::string event_text(std::uint64_t ident, model::FilterId filter) {
  return model::filter_name(filter) + " ident " + std::to_string(ident);
}

// An event the trace lists, by the name the trace gives its ident (a reader
// of a divergence knows `rfd`, not the number the host happened to return).
std::string event_text(const Ref& ident, model::FilterId filter) {
  if (!ident.is_name()) return event_text(ident.number(), filter);
  return model::filter_name(filter) + " ident " + ident.name();
}

json ref_json(const Ref& ref) { return ref.is_name() ? json(ref.name()) : json(ref.number()); }

json expected_event_json(const ExpectedEvent& e) {
  return {{"ident", ref_json(e.ident)}, {"filter", model::filter_name(e.filter)}, {"flags", flags_json(e.flags)},
          {"fflags", e.fflags}, {"data", int_expect_json(e.data)}, {"udata", e.udata}};
}

json actual_event_json(const model::KEvent& e) {
  return {{"ident", e.ident}, {"filter", model::filter_name(e.filter)}, {"flags", flags_json(e.flags)},
          {"fflags", e.fflags}, {"data", e.data}, {"udata", e.udata}};
}

// Both orders, in words and as JSON: the trace's listed order and the order
// the events came back in, each event by the trace's name for it.
Divergence order_divergence(const std::vector<std::size_t>& positions, const std::vector<const ExpectedEvent*>& events) {
  std::vector<std::size_t> by_arrival(positions.size());
  for (std::size_t i = 0; i < by_arrival.size(); ++i) by_arrival[i] = i;
  std::sort(by_arrival.begin(), by_arrival.end(), [&](std::size_t a, std::size_t b) { return positions[a] < positions[b]; });
  std::string listed, arrived;
  json listed_json = json::array(), arrived_json = json::array();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string in_list = event_text(events[i]->ident, events[i]->filter);
    const ExpectedEvent& e = *events[by_arrival[i]];
    const std::string in_arrival = event_text(e.ident, e.filter);
    listed += (i == 0 ? "" : ", ") + in_list;
    arrived += (i == 0 ? "" : ", ") + in_arrival;
    listed_json.push_back(in_list);
    arrived_json.push_back(in_arrival);
  }
  return {DivergenceKind::kOrder, listed, arrived, "", 0, listed_json, arrived_json, nullptr};
}

bool is_error_record(model::EventFlags flags) { return (flags & model::ev::kError) != 0; }

// A difference in an EV_ERROR receipt is one category, whatever its field:
// such a record reports a change's failure, not an event.
DivergenceKind field_kind(DivergenceKind kind, model::EventFlags want, model::EventFlags got) {
  return is_error_record(want) || is_error_record(got) ? DivergenceKind::kErrorRecord : kind;
}

void compare_fields(const ExpectedEvent& want, const model::KEvent& got, const IdentResolver& resolve,
                    std::vector<Divergence>& out) {
  // Named only when a field differs: a matching event costs no text (the
  // replay path, issue 14).
  auto push = [&](DivergenceKind k, std::string e, std::string a, const char* field, json ev_value, json av_value) {
    const std::string what = event_text(want.ident, got.filter);
    const json ev{{"ident", ref_json(want.ident)}, {"filter", model::filter_name(got.filter)}, {"flags", flags_json(want.flags)}};
    const DivergenceKind kind = field_kind(k, want.flags, got.flags);
    const std::string detail = kind == k ? what : what + ", " + field;
    out.push_back({kind, std::move(e), std::move(a), detail, got.filter, std::move(ev_value), std::move(av_value), ev});
  };
  if (want.flags != got.flags) {
    push(DivergenceKind::kFlags, model::flags_to_string(want.flags), model::flags_to_string(got.flags), "flags",
         flags_json(want.flags), flags_json(got.flags));
  }
  if (want.fflags != got.fflags) {
    push(DivergenceKind::kFflags, std::to_string(want.fflags), std::to_string(got.fflags), "fflags", want.fflags, got.fflags);
  }
  if (!matches(want.data, got.data, resolve)) {
    push(DivergenceKind::kData, range_text(want.data, resolve), std::to_string(got.data), "data", int_expect_json(want.data),
         got.data);
  }
  if (want.udata != got.udata) {
    push(DivergenceKind::kUdata, std::to_string(want.udata), std::to_string(got.udata), "udata", want.udata, got.udata);
  }
}

// Pairs expected and actual events by (ident, filter), first unused match.
void compare_events(const Observed& expected, const ActualObservation& actual, const IdentResolver& resolve,
                    std::vector<Divergence>& out) {
  std::vector<bool> used(actual.events.size(), false);
  std::vector<std::size_t> matched_positions;
  std::vector<const ExpectedEvent*> matched_events;  // parallel to matched_positions
  for (const ExpectedEvent& want : expected.events) {
    const std::uint64_t ident = resolve(want.ident, want.filter);
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < actual.events.size() && !found; ++i) {
      if (!used[i] && actual.events[i].ident == ident && actual.events[i].filter == want.filter) found = i;
    }
    if (!found) {
      const DivergenceKind kind = field_kind(DivergenceKind::kMissingEvent, want.flags, 0);
      const json ev = expected_event_json(want);
      out.push_back({kind, event_text(want.ident, want.filter), "absent", kind == DivergenceKind::kMissingEvent ? "" : "missing",
                     want.filter, ev, nullptr, ev});
      continue;
    }
    used[*found] = true;
    matched_positions.push_back(*found);
    matched_events.push_back(&want);
    compare_fields(want, actual.events[*found], resolve, out);
  }
  for (std::size_t i = 0; i < actual.events.size(); ++i) {
    if (used[i]) continue;
    const model::KEvent& got = actual.events[i];
    const DivergenceKind kind = field_kind(DivergenceKind::kExtraEvent, 0, got.flags);
    const json ev = actual_event_json(got);
    out.push_back({kind, "absent", event_text(got.ident, got.filter), kind == DivergenceKind::kExtraEvent ? "" : "extra",
                   got.filter, nullptr, ev, ev});
  }
  if (expected.order == EventOrder::kExact) {
    for (std::size_t i = 1; i < matched_positions.size(); ++i) {
      if (matched_positions[i] < matched_positions[i - 1]) {
        out.push_back(order_divergence(matched_positions, matched_events));
        break;
      }
    }
  }
}

bool ret_matches(const Observed& expected, const ActualObservation& actual, const IdentResolver& resolve,
                 const CompareOptions& options) {
  if (options.ret_is_descriptor && !options.raw_fds && expected.ret.pid_of.empty() && expected.ret.min >= 0 &&
      actual.ret >= 0) {
    return true;
  }
  return matches(expected.ret, actual.ret, resolve);
}

}  // namespace

json int_expect_json(const IntExpect& e) {
  if (!e.pid_of.empty()) return {{"pid_of", e.pid_of}};
  if (e.exact()) return e.min;
  return {{"min", e.min}, {"max", e.max}};
}

json flags_json(model::EventFlags flags) {
  json out = json::array();
  for (std::uint32_t bit = 1; bit <= 0x8000; bit <<= 1) {
    if ((flags & bit) != 0) out.push_back(model::flags_to_string(static_cast<model::EventFlags>(bit)));
  }
  return out;
}

Divergence implementation_view(Divergence d) {
  if (d.kind == DivergenceKind::kMissingEvent) d.kind = DivergenceKind::kExtraEvent;
  else if (d.kind == DivergenceKind::kExtraEvent) d.kind = DivergenceKind::kMissingEvent;
  else if (d.kind == DivergenceKind::kErrorRecord && d.detail == "missing") d.detail = "extra";
  else if (d.kind == DivergenceKind::kErrorRecord && d.detail == "extra") d.detail = "missing";
  return d;
}

bool returns_descriptor(Op op) {
  switch (op) {
    case Op::kKqueue: case Op::kDup: case Op::kDup2: case Op::kOpen: case Op::kSocket: case Op::kAccept: return true;
    default: return false;
  }
}

const char* divergence_kind_name(DivergenceKind kind) {
  static constexpr std::array<const char*, kDivergenceKinds> kNames{
      "ret", "errno", "missing-event", "extra-event", "order", "ident", "flags", "fflags", "data", "udata", "unsupported",
      "error-record", "crash", "hang"};
  return kNames[static_cast<std::size_t>(kind)];
}

std::optional<DivergenceKind> divergence_kind_from_name(const std::string& name) {
  for (int k = 0; k < kDivergenceKinds; ++k) {
    if (name == divergence_kind_name(static_cast<DivergenceKind>(k))) return static_cast<DivergenceKind>(k);
  }
  return std::nullopt;
}

std::vector<Divergence> compare_observation(const Observed& expected, const ActualObservation& actual,
                                            const IdentResolver& resolve, const CompareOptions& options) {
  std::vector<Divergence> out;
  // A crash or a hang is one divergence: the other side's answer means nothing next to it.
  auto text_or_null = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  if (expected.crash != actual.crash) {
    out.push_back({DivergenceKind::kCrash, expected.crash.value_or("returned"), actual.crash.value_or("returned"), "", 0,
                   text_or_null(expected.crash), text_or_null(actual.crash), nullptr});
    return out;
  }
  if (expected.hang.has_value() != actual.hang.has_value()) {
    out.push_back({DivergenceKind::kHang, expected.hang ? "never returned" : "returned", actual.hang ? "never returned" : "returned",
                   expected.hang.value_or(actual.hang.value_or("")), 0, text_or_null(expected.hang), text_or_null(actual.hang),
                   nullptr});
    return out;
  }
  if (expected.crash || expected.hang) return out;
  // A call one side could not make is one divergence, whatever else differs.
  if (expected.unsupported.has_value() != actual.unsupported.has_value()) {
    auto value = [](const std::optional<std::string>& u) { return u ? json(*u) : json(nullptr); };
    out.push_back({DivergenceKind::kUnsupported, expected.unsupported.value_or("made"), actual.unsupported.value_or("made"),
                   "", 0, value(expected.unsupported), value(actual.unsupported), nullptr});
    return out;
  }
  if (expected.unsupported) return out;
  // No errno on either side, the common case, needs no names.
  const bool both_none = !expected.errno_name && actual.err == model::Errno::kNone;
  const std::string want_errno = both_none ? "0" : expected.errno_name.value_or("0");
  const std::string got_errno = both_none ? "0" : std::string(model::errno_name(actual.err));
  const bool same_errno = both_none || model::errno_from_name(want_errno) == model::errno_from_name(got_errno);
  if (!same_errno) {
    auto value = [](const std::string& e) { return e == "0" ? json(nullptr) : json(e); };
    out.push_back({DivergenceKind::kErrno, want_errno, got_errno, "", 0, value(want_errno), value(got_errno), nullptr});
  }
  if (!ret_matches(expected, actual, resolve, options)) {
    out.push_back({DivergenceKind::kRet, range_text(expected.ret, resolve), std::to_string(actual.ret), "", 0,
                   int_expect_json(expected.ret), actual.ret, nullptr});
  }
  compare_events(expected, actual, resolve, out);
  return out;
}

}  // namespace kqsim::traces

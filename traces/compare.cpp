#include "traces/compare.hpp"

#include <array>

#include "model/kevent_names.hpp"

namespace kqsim::traces {
namespace {

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

void compare_fields(const ExpectedEvent& want, std::uint64_t ident, const model::KEvent& got,
                    const IdentResolver& resolve, std::vector<Divergence>& out) {
  const std::string what = event_text(ident, got.filter);
  if (want.flags != got.flags) {
    out.push_back({DivergenceKind::kFlags, model::flags_to_string(want.flags), model::flags_to_string(got.flags), what, got.filter});
  }
  if (want.fflags != got.fflags) {
    out.push_back({DivergenceKind::kFflags, std::to_string(want.fflags), std::to_string(got.fflags), what, got.filter});
  }
  if (!matches(want.data, got.data, resolve)) {
    out.push_back({DivergenceKind::kData, range_text(want.data, resolve), std::to_string(got.data), what, got.filter});
  }
  if (want.udata != got.udata) {
    out.push_back({DivergenceKind::kUdata, std::to_string(want.udata), std::to_string(got.udata), what, got.filter});
  }
}

// Pairs expected and actual events by (ident, filter), first unused match.
void compare_events(const Observed& expected, const ActualObservation& actual, const IdentResolver& resolve,
                    std::vector<Divergence>& out) {
  std::vector<bool> used(actual.events.size(), false);
  std::vector<std::size_t> matched_positions;
  for (const ExpectedEvent& want : expected.events) {
    const std::uint64_t ident = resolve(want.ident, want.filter);
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < actual.events.size() && !found; ++i) {
      if (!used[i] && actual.events[i].ident == ident && actual.events[i].filter == want.filter) found = i;
    }
    if (!found) {
      out.push_back({DivergenceKind::kMissingEvent, event_text(ident, want.filter), "absent", "", want.filter});
      continue;
    }
    used[*found] = true;
    matched_positions.push_back(*found);
    compare_fields(want, ident, actual.events[*found], resolve, out);
  }
  for (std::size_t i = 0; i < actual.events.size(); ++i) {
    if (!used[i]) {
      out.push_back({DivergenceKind::kExtraEvent, "absent", event_text(actual.events[i].ident, actual.events[i].filter), "",
                     actual.events[i].filter});
    }
  }
  if (expected.order == EventOrder::kExact) {
    for (std::size_t i = 1; i < matched_positions.size(); ++i) {
      if (matched_positions[i] < matched_positions[i - 1]) {
        out.push_back({DivergenceKind::kOrder, "events in the listed order", "a different order", ""});
        break;
      }
    }
  }
}

}  // namespace

const char* divergence_kind_name(DivergenceKind kind) {
  static constexpr std::array<const char*, 13> kNames{
      "ret", "errno", "missing-event", "extra-event", "order", "ident", "flags", "fflags", "data", "udata", "unsupported",
      "crash", "hang"};
  return kNames[static_cast<std::size_t>(kind)];
}

std::vector<Divergence> compare_observation(const Observed& expected, const ActualObservation& actual,
                                            const IdentResolver& resolve) {
  std::vector<Divergence> out;
  // A crash or a hang is one divergence: the other side's answer means nothing next to it.
  if (expected.crash != actual.crash) {
    out.push_back({DivergenceKind::kCrash, expected.crash.value_or("returned"), actual.crash.value_or("returned"), ""});
    return out;
  }
  if (expected.hang.has_value() != actual.hang.has_value()) {
    out.push_back({DivergenceKind::kHang, expected.hang ? "never returned" : "returned", actual.hang ? "never returned" : "returned",
                   expected.hang.value_or(actual.hang.value_or(""))});
    return out;
  }
  if (expected.crash || expected.hang) return out;
  // A call one side could not make is one divergence, whatever else differs.
  if (expected.unsupported.has_value() != actual.unsupported.has_value()) {
    out.push_back({DivergenceKind::kUnsupported, expected.unsupported.value_or("made"), actual.unsupported.value_or("made"), ""});
    return out;
  }
  if (expected.unsupported) return out;
  const std::string want_errno = expected.errno_name.value_or("0");
  const std::string got_errno(model::errno_name(actual.err));
  const bool same_errno = model::errno_from_name(want_errno) == model::errno_from_name(got_errno);
  if (!same_errno) out.push_back({DivergenceKind::kErrno, want_errno, got_errno, ""});
  if (!matches(expected.ret, actual.ret, resolve)) {
    out.push_back({DivergenceKind::kRet, range_text(expected.ret, resolve), std::to_string(actual.ret), ""});
  }
  compare_events(expected, actual, resolve, out);
  return out;
}

}  // namespace kqsim::traces

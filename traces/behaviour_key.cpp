#include "traces/behaviour_key.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/errno_code.hpp"
#include "model/kevent_names.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;

bool has_flag(const json& flags, const json& f) {
  return flags.is_array() && std::find(flags.begin(), flags.end(), f) != flags.end();
}

std::string flags_text(const json& flags) {
  if (!flags.is_array() || flags.empty()) return "no flags";
  std::string out;
  for (const json& f : flags) out += (out.empty() ? "" : "|") + f.get<std::string>();
  return out;
}

model::EventFlags flags_value(const json& flags) {
  model::EventFlags out = 0;
  if (!flags.is_array()) return out;
  for (const json& f : flags) out |= model::flag_from_name(f.get<std::string>()).value_or(0);
  return out;
}

std::string value_text(const json& v) {
  if (v.is_null()) return "nothing";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// An EV_ERROR receipt's data is an errno number (FreeBSD's numbering, as
// traces hold them): named.
std::string errno_text(const json& v) {
  const json& n = v.is_object() && v.contains("data") ? v["data"] : v;
  if (!n.is_number_integer()) return value_text(n);
  const std::string_view name = model::errno_name(static_cast<model::Errno>(n.get<std::int64_t>()));
  return name == "E?" || name == "0" ? n.dump() : std::string(name);
}

// The change of this step the receipt answers, by filter and a predicate.
template <typename Pred>
bool some_change(const Step& step, model::FilterId filter, Pred pred) {
  return std::any_of(step.changes.begin(), step.changes.end(),
                     [&](const Change& c) { return c.filter == filter && pred(c); });
}

BehaviourKey error_record(const Step& step, const Divergence& d) {
  const json& impl = d.expected_value;  // the trace's (the implementation's) value
  const json& bsd = d.actual_value;     // the model's (FreeBSD's) value
  const std::string part = d.detail.find(", ") != std::string::npos ? d.detail.substr(d.detail.rfind(", ") + 2) : d.detail;
  const std::string cat = "error-record|" + part;
  if (part == "flags") {
    const model::EventFlags got = flags_value(impl);
    if (some_change(step, d.filter, [&](const Change& c) { return (c.flags | model::ev::kError) == got; })) {
      return {cat + "|keeps-change-flags",
              "EV_ERROR receipts keep the change's flags (FreeBSD's receipt has EV_ERROR alone)"};
    }
    // Beside EV_ERROR, flags the change did not have (the knote's, or the
    // descriptor's state: EV_EOF): one behaviour, whatever they are.
    const bool beyond_change = some_change(step, d.filter, [&](const Change& c) {
      return (got & ~(c.flags | model::ev::kError)) != 0;
    });
    if ((got & model::ev::kError) != 0 && flags_value(bsd) == model::ev::kError && beyond_change) {
      return {cat + "|more-than-ev-error",
              "EV_ERROR receipts carry flags the change did not have (FreeBSD's receipt has EV_ERROR alone)"};
    }
    return {cat + "|" + flags_text(impl) + "|" + flags_text(bsd),
            fmt::format("EV_ERROR receipt has {} where FreeBSD's has {}", flags_text(impl), flags_text(bsd))};
  }
  if (part == "fflags") {
    const bool kept = impl.is_number() && some_change(step, d.filter, [&](const Change& c) {
                        return static_cast<std::int64_t>(c.fflags) == impl.get<std::int64_t>();
                      });
    if (kept && bsd == json(0)) {
      return {cat + "|keeps-change-fflags", "EV_ERROR receipts keep the change's fflags where FreeBSD's receipt has 0"};
    }
    return {cat + "|" + model::filter_name(d.filter),
            fmt::format("{} EV_ERROR receipt fflags differ from FreeBSD's", model::filter_name(d.filter))};
  }
  if (part == "data") {
    return {cat + "|" + errno_text(impl) + "|" + errno_text(bsd),
            fmt::format("EV_ERROR receipt carries {} where FreeBSD's carries {}", errno_text(impl), errno_text(bsd))};
  }
  if (part == "missing") {
    return {cat + "|" + errno_text(bsd), fmt::format("No EV_ERROR receipt where FreeBSD returns one with {}", errno_text(bsd))};
  }
  if (part == "extra") {
    return {cat + "|" + errno_text(impl), fmt::format("An EV_ERROR receipt with {} where FreeBSD returns none", errno_text(impl))};
  }
  return {cat + "|" + model::filter_name(d.filter), fmt::format("EV_ERROR receipt {} differs from FreeBSD's", part)};
}

// One key per flag: "Returned events carry EV_ADD (FreeBSD's do not)",
// "Returned events lack EV_EOF (FreeBSD's have it)".
std::vector<BehaviourKey> returned_flags(const Divergence& d) {
  std::vector<BehaviourKey> out;
  for (const json& f : d.expected_value.is_array() ? d.expected_value : json::array()) {
    if (!has_flag(d.actual_value, f)) {
      const std::string name = f.get<std::string>();
      out.push_back({"flags|+" + name, "Returned events carry " + name + " (FreeBSD's do not)"});
    }
  }
  for (const json& f : d.actual_value.is_array() ? d.actual_value : json::array()) {
    if (!has_flag(d.expected_value, f)) {
      const std::string name = f.get<std::string>();
      out.push_back({"flags|-" + name, "Returned events lack " + name + " (FreeBSD's have it)"});
    }
  }
  return out;
}

std::string outcome(const json& e) { return e.is_null() ? "succeeds" : "fails with " + value_text(e); }

}  // namespace

namespace {

BehaviourKey single_key(const Step& step, const Divergence& d) {
  const std::string op = op_name(step.op);
  const std::string filter = d.filter != 0 ? model::filter_name(d.filter) : "";
  const std::string cat = divergence_kind_name(d.kind);
  const json& impl = d.expected_value;
  const json& bsd = d.actual_value;
  switch (d.kind) {
    case DivergenceKind::kErrorRecord: return error_record(step, d);
    case DivergenceKind::kErrno:
      return {cat + "|" + op + "|" + value_text(bsd) + "|" + value_text(impl),
              fmt::format("{}() {} where FreeBSD's {}", op, outcome(impl), outcome(bsd))};
    case DivergenceKind::kRet:
      if (step.op == Op::kKevent) return {cat + "|kevent", "kevent() returns another number of events than FreeBSD's"};
      return {cat + "|" + op + "|" + value_text(bsd) + "|" + value_text(impl),
              fmt::format("{}() returns {} where FreeBSD's returns {}", op, value_text(impl), value_text(bsd))};
    case DivergenceKind::kMissingEvent:
      return {cat + "|" + filter, fmt::format("An {} event FreeBSD returns is not returned", filter)};
    case DivergenceKind::kExtraEvent:
      return {cat + "|" + filter, fmt::format("An {} event is returned where FreeBSD returns none", filter)};
    case DivergenceKind::kUnsupported:
      return {cat + "|" + op + "|" + value_text(impl), fmt::format("{}() cannot be made: {}", op, value_text(impl))};
    case DivergenceKind::kHang:
      // The other way round: FreeBSD (the model) waits forever, the implementation returned.
      if (impl == json("returns")) return {cat + "|" + op + "|returns", fmt::format("{}() returns where FreeBSD's waits forever", op)};
      return {cat + "|" + op, fmt::format("The implementation hangs in {}()", op)};
    case DivergenceKind::kCrash:
      return {cat + "|" + op, fmt::format("The implementation crashes in {}()", op)};
    case DivergenceKind::kFflags:
    case DivergenceKind::kData:
    case DivergenceKind::kUdata:
      return {cat + "|" + filter, fmt::format("Returned {} events' {} differ from FreeBSD's", filter, cat)};
    default:
      return {cat + "|" + op + "|" + filter, fmt::format("{} of {}{} differs from FreeBSD's", cat, op, filter.empty() ? "" : " " + filter)};
  }
}

}  // namespace

bool restates_other_divergence(const Divergence& d, const std::vector<const Divergence*>& same_step) {
  if (d.kind != DivergenceKind::kRet) return false;
  return std::any_of(same_step.begin(), same_step.end(), [](const Divergence* g) {
    const DivergenceKind k = g->kind;
    return k == DivergenceKind::kErrno || k == DivergenceKind::kMissingEvent || k == DivergenceKind::kExtraEvent ||
           (k == DivergenceKind::kErrorRecord && (g->detail == "missing" || g->detail == "extra"));
  });
}

std::vector<BehaviourKey> behaviour_keys(const Step& step, const Divergence& d) {
  if (d.kind == DivergenceKind::kFlags) return returned_flags(d);
  return {single_key(step, d)};
}

}  // namespace kqsim::traces

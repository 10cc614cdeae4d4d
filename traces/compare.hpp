// How an observation is judged against a trace's expectation: exact by
// default; a range where a field legitimately varies; any event order where
// the trace says the order is unspecified; a returned descriptor by the
// name the trace gives it unless raw numbers are asked for.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/errno_code.hpp"
#include "model/kevent_constants.hpp"
#include "traces/trace.hpp"

namespace kqsim::traces {

// The categories of docs/kqreplay.md#divergence-categories.
enum class DivergenceKind : std::uint8_t {
  kRet, kErrno, kMissingEvent, kExtraEvent, kOrder, kIdent, kFlags, kFflags, kData, kUdata, kUnsupported,
  kErrorRecord,
  kCrash, kHang,  // one side crashed (signal) or never returned at this step
};
inline constexpr int kDivergenceKinds = static_cast<int>(DivergenceKind::kHang) + 1;

const char* divergence_kind_name(DivergenceKind kind);
std::optional<DivergenceKind> divergence_kind_from_name(const std::string& name);

struct Divergence {
  DivergenceKind kind = DivergenceKind::kRet;
  std::string expected;
  std::string actual;
  std::string detail;  // which event, in words
  model::FilterId filter = 0;  // the event's filter; 0 for ret/errno/order
  // The same values as JSON values (numbers, flag-name arrays, event
  // objects, null for "absent"), for machine-readable reports.
  nlohmann::json expected_value;
  nlohmann::json actual_value;
  // The event concerned (ident as a name where the trace names it, filter,
  // flags), null for a divergence of the call as a whole.
  nlohmann::json event;
};

struct ActualObservation {
  std::int64_t ret = 0;
  model::Errno err = model::Errno::kNone;
  std::vector<model::KEvent> events;
  std::optional<std::string> unsupported;  // the backend could not make the call
  std::optional<std::string> crash;        // the process died of this signal during the call
  std::optional<std::string> hang;         // the call never returned (host backends)
};

// Turns a Ref from the trace into the number it stood for at this step: a
// descriptor, a signal (EVFILT_SIGNAL) or a process (EVFILT_PROC, and
// filt::kProc for the pid an IntExpect names).
using IdentResolver = std::function<std::uint64_t(const Ref&, model::FilterId)>;

struct CompareOptions {
  // The call returns a new descriptor (kqueue, dup, open, socket, accept,
  // dup2): by default any descriptor matches any other, since later steps
  // use it by the name the trace gave it; raw_fds compares the numbers.
  bool ret_is_descriptor = false;
  bool raw_fds = false;
};

std::vector<Divergence> compare_observation(const Observed& expected, const ActualObservation& actual,
                                            const IdentResolver& resolve, const CompareOptions& options = {});

// compare_observation names events missing or extra on its `actual` side.
// Where the trace's observation is the implementation's and the model the
// reference (diff, campaigns), categories name what the trace did: an event
// the model gives and the trace lacks is the trace's "missing-event".
Divergence implementation_view(Divergence d);

// Whether an op's successful return value is a descriptor it created.
bool returns_descriptor(Op op);

// The JSON value of an expected integer: a number, {"min", "max"} or a process name.
nlohmann::json int_expect_json(const IntExpect& e);
// Flag names as an array, lowest bit first.
nlohmann::json flags_json(model::EventFlags flags);

}  // namespace kqsim::traces

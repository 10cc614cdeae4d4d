// How an observation is judged against a trace's expectation: exact by
// default; a range where a field legitimately varies; any event order where
// the trace says the order is unspecified.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/errno_code.hpp"
#include "model/kevent_constants.hpp"
#include "traces/trace.hpp"

namespace kqsim::traces {

enum class DivergenceKind : std::uint8_t {
  kRet, kErrno, kMissingEvent, kExtraEvent, kOrder, kIdent, kFlags, kFflags, kData, kUdata, kUnsupported,
  kCrash, kHang,  // one side crashed (signal) or never returned at this step
};

const char* divergence_kind_name(DivergenceKind kind);

struct Divergence {
  DivergenceKind kind = DivergenceKind::kRet;
  std::string expected;
  std::string actual;
  std::string detail;  // which event, in words
  model::FilterId filter = 0;  // the event's filter; 0 for ret/errno/order
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

std::vector<Divergence> compare_observation(const Observed& expected, const ActualObservation& actual,
                                            const IdentResolver& resolve);

}  // namespace kqsim::traces

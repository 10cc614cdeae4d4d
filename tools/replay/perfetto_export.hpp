// A run as Chrome trace event JSON (what ui.perfetto.dev and
// chrome://tracing open): one track per process with its system calls as
// slices, one track per kqueue with each knote activation, and a flow from
// an activation to the kevent() call that delivered it. The model has no
// wall time for most steps, so step i occupies [i * 1000, i * 1000 + 800) us
// and the model's clock goes in each slice's args.
#pragma once

#include <nlohmann/json.hpp>

#include "tools/replay/explain_run.hpp"

namespace kqsim::replay {

nlohmann::json perfetto_trace(const ExplainedRun& run);

}  // namespace kqsim::replay

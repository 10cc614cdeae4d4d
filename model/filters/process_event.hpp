// What filt_proc and procdesc_kqops_event share: record an event the knote
// asked for; the exit makes it a one-shot EV_EOF event carrying the wait
// status, or EV_DROP when nothing it asked for ever happened.
#pragma once

#include <cstdint>

#include "model/knote.hpp"

namespace kqsim::model {

// True when the knote should fire.
bool record_process_event(Knote& kn, std::uint32_t event, std::int32_t exit_status);

}  // namespace kqsim::model

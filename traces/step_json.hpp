// One step object of a trace, read and written (traces/trace_json.cpp): the
// trace's steps and the calls a deadlock counterexample's threads wait in
// ("properties": "deadlock_waiters", traces/trace_properties_json.hpp).
#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>

#include "traces/json_fields.hpp"
#include "traces/trace.hpp"

namespace kqsim::traces {

Step parse_step(FieldReader r, std::size_t index);
nlohmann::json step_to_json(const Step& s);

}  // namespace kqsim::traces

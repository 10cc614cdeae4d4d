// The trace fields that say which model a counterexample ran on and what was
// checked when it failed: "mutation" and "properties" (docs/trace-format.md).
#pragma once

#include <nlohmann/json.hpp>

#include "traces/json_fields.hpp"
#include "traces/trace.hpp"

namespace kqsim::traces {

// One {"ident", "filter", "max"} bound; shared with the scenario format.
DeliveryBound parse_delivery_bound(FieldReader b);
nlohmann::json delivery_bound_to_json(const DeliveryBound& b);

// Reads "mutation" (a name model/mutations.hpp knows) and "properties".
void parse_check_fields(FieldReader& r, Trace& t);
void check_fields_to_json(const Trace& t, nlohmann::json& doc);

}  // namespace kqsim::traces

// The JSON fields of the aio steps (aio_read, aio_write, aio_error,
// aio_return, aio_cancel, lio_listio, aio_run).
#pragma once

#include <nlohmann/json.hpp>

#include "traces/json_fields.hpp"
#include "traces/trace.hpp"

namespace kqsim::traces {

// Reads the fields of an aio op into s.aio->
void parse_aio_fields(FieldReader& r, Step& s);
void aio_fields_to_json(const Step& s, nlohmann::json& out);

}  // namespace kqsim::traces

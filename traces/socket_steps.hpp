// JSON of the socket steps (socketpair, socket, bind, listen, connect,
// accept, shutdown, setsockopt): strict parsing and writing.
#pragma once

#include <nlohmann/json.hpp>

#include "traces/json_fields.hpp"
#include "traces/trace.hpp"

namespace kqsim::traces {

[[nodiscard]] bool is_socket_op(Op op);
void parse_socket_fields(FieldReader& r, Step& s);
void socket_fields_to_json(const Step& s, nlohmann::json& out);

}  // namespace kqsim::traces

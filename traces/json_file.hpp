// Reading one JSON document from a file: the errors every kqsim file format
// shares (cannot open, malformed, not an object), named after the file.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kqsim::traces {

// Throws TraceError; `what` names the kind of document ("a trace").
nlohmann::json load_json_object(const std::string& path, const std::string& what);

}  // namespace kqsim::traces

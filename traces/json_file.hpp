// Reading one JSON document from a file: the errors every kqsim file format
// shares (cannot open, malformed, not an object), named after the file.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kqsim::traces {

// Throws TraceError; `what` names the kind of document ("a trace"). Only a
// regular file is read (a FIFO or a device could block forever).
nlohmann::json load_json_object(const std::string& path, const std::string& what);

// The same for a document already in memory; `name` stands for the file in
// errors. Time and memory are linear in the text.
nlohmann::json parse_json_object(const std::string& text, const std::string& name, const std::string& what);

// The whole text of a regular file (anything else is refused: a FIFO or a
// device could block forever); errors are TraceErrors naming the file.
std::string read_regular_file(const std::string& path);

}  // namespace kqsim::traces

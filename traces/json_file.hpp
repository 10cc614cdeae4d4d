// Reading one JSON document from a file: the errors every kqsim file format
// shares (cannot open, malformed, not an object), named after the file.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace kqsim::traces {

// Throws TraceError; `what` names the kind of document ("a trace"). Only a
// regular file is read (a FIFO or a device could block forever).
nlohmann::json load_json_object(const std::string& path, const std::string& what);

// The same for a document already in memory; `name` stands for the file in
// errors. Time and memory are linear in the text.
nlohmann::json parse_json_object(const std::string& text, const std::string& name, const std::string& what);

// load_json_object for a trace: each element of the top-level "steps" array
// goes to `sink` (with its index) as soon as it is read, and is not kept;
// `streamed` says whether there was such an array (it is left empty).
using StepSink = std::function<void(nlohmann::json&& step, std::size_t index)>;
nlohmann::json load_json_object_streaming_steps(const std::string& path, const std::string& what, const StepSink& sink,
                                                bool& streamed);

}  // namespace kqsim::traces

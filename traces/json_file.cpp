#include "traces/json_file.hpp"

#include <fstream>

#include "traces/trace_error.hpp"

namespace kqsim::traces {

nlohmann::json load_json_object(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw TraceError(path, std::nullopt, "", "cannot open the file");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw TraceError(path, std::nullopt, "", std::string("malformed JSON: ") + e.what());
  }
  if (!doc.is_object()) throw TraceError(path, std::nullopt, "", what + " is a JSON object");
  return doc;
}

}  // namespace kqsim::traces

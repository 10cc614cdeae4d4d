// The JSON fields of the file-system steps (open, mkdir, rmdir, mkfifo,
// unlink, rename, link, chmod, truncate, ftruncate, lseek).
#pragma once

#include <nlohmann/json.hpp>

#include "traces/json_fields.hpp"
#include "traces/trace.hpp"

namespace kqsim::traces {

// Reads the fields of a file-system op into s.vfs (and s.fd, s.as).
void parse_vfs_fields(FieldReader& r, Step& s);
void vfs_fields_to_json(const Step& s, nlohmann::json& out);

}  // namespace kqsim::traces

#include "tools/check/command_output.hpp"

#include <filesystem>
#include <fstream>

namespace kqsim::tools {

std::optional<std::string> output_folder_problem(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) return dir + " exists and is not a folder";
  return std::nullopt;
}

std::optional<std::string> output_file_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return path + " is a folder";
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec)) return "no folder " + parent.string() + " for " + path;
  return std::nullopt;
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  return !out.fail();
}

}  // namespace kqsim::tools

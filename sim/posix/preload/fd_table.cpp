#include "sim/posix/preload/fd_table.hpp"

#include <fcntl.h>

#include <cstdlib>
#include <map>
#include <sstream>

namespace kqsim::preload {
namespace {

// The shells and tools run under the preload are single-threaded.
std::map<int, ModelFd>& table() {
  static std::map<int, ModelFd> t;
  return t;
}

}  // namespace

std::optional<ModelFd> lookup(int host_fd) {
  const auto it = table().find(host_fd);
  if (it == table().end()) return std::nullopt;
  return it->second;
}

void bind(int host_fd, ModelFd fd) { table()[host_fd] = std::move(fd); }
void unbind(int host_fd) { table().erase(host_fd); }

std::string encode_for_exec() {
  std::string out;
  for (const auto& [host, fd] : table()) {
    const int flags = fcntl(host, F_GETFD);
    if (flags < 0 || (flags & FD_CLOEXEC) != 0) continue;
    out += std::to_string(host) + " " + std::to_string(fd.model) + " " + fd.path + "\n";
  }
  return out;
}

void decode(const char* text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    int host = -1;
    ModelFd fd;
    if (!(fields >> host >> fd.model)) continue;
    fields.get();
    std::getline(fields, fd.path);
    bind(host, fd);
  }
}

}  // namespace kqsim::preload

// The preloaded program's descriptors that are the model's: each is a host
// descriptor (a placeholder open on /dev/null, so the host never hands its
// number out twice) standing for a model descriptor. The table crosses
// exec(2) in KQSIM_FDMAP.
#pragma once

#include <optional>
#include <string>

namespace kqsim::preload {

struct ModelFd {
  int model = -1;
  std::string path;  // what it was opened by (futimens: the model has utimes by path only)
};

std::optional<ModelFd> lookup(int host_fd);
void bind(int host_fd, ModelFd fd);
void unbind(int host_fd);

// "host model path\n" per descriptor that survives exec (no FD_CLOEXEC on
// its placeholder), and back.
std::string encode_for_exec();
void decode(const char* text);

}  // namespace kqsim::preload

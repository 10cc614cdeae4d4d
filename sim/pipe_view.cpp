// The pipe part of `kqreplay explain`: per open pipe end, the bytes a
// read would find there (pipe_buffer.cnt of the end read from), the
// buffer's size, EOF, and the end at the other side.
#include <fmt/format.h>

#include <map>

#include "sim/kernel_view.hpp"

namespace kqsim::sim {
namespace {

// Each open pipe end (not a FIFO's: the file-system view shows those) and
// every descriptor naming it, as "name (fd n), dup (fd m)".
std::map<std::uint32_t, std::string> pipe_end_labels(const model::Kernel& k, const FdNamer& name_of) {
  std::map<std::uint32_t, std::string> labels;
  for (const model::Process& p : k.processes()) {
    for (std::int32_t fd = 0; fd <= p.fds.last_fd(); ++fd) {
      const model::FdEntry* e = p.fds.find(fd);
      if (e == nullptr) continue;
      const model::File& f = k.files()[e->file];
      if (f.type != model::FileType::kPipe) continue;
      auto name = name_of(p.pid, fd);
      std::string label = name ? fmt::format("{} (fd {})", *name, fd) : fmt::format("fd {}", fd);
      if (k.processes().size() > 1) label += fmt::format(" of pid {}", p.pid);
      std::string& all = labels[f.object];
      all += (all.empty() ? "" : ", ") + label;
    }
  }
  return labels;
}

}  // namespace

std::string describe_pipes(const model::Kernel& k, const FdNamer& name_of) {
  const auto labels = pipe_end_labels(k, name_of);
  std::string out;
  for (const auto& [end_id, label] : labels) {
    const model::PipeEnd& end = k.pipes()[end_id / 2].ends[end_id % 2];
    auto peer = labels.find(model::pipe_peer_id(end_id));
    const model::PipeEnd& peer_end = k.pipes()[end_id / 2].ends[model::pipe_peer_id(end_id) % 2];
    std::string peer_text = peer != labels.end() ? peer->second
                            : peer_end.active    ? "open, with no descriptor"
                                                 : "closed";
    out += fmt::format("  pipe end {}: {} byte(s) to read of a {}-byte buffer{}; other end {}\n", label, end.buffered,
                       end.buffer_size, end.eof ? ", EOF" : "", peer_text);
  }
  return out;
}

}  // namespace kqsim::sim

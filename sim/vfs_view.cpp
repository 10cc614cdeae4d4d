#include <fmt/format.h>

#include "sim/kernel_view.hpp"

namespace kqsim::sim {
namespace {

using model::Kernel;
using model::Vnode;
using model::VnodeType;

const char* type_text(VnodeType t) {
  switch (t) {
    case VnodeType::kRegular: return "file";
    case VnodeType::kDirectory: return "dir";
    case VnodeType::kFifo: return "fifo";
  }
  return "?";
}

std::string fifo_text(const Kernel& k, const Vnode& v) {
  if (v.type != VnodeType::kFifo) return "";
  if (v.fifo_pipe == model::kNoPipe) return "  fifo: closed";
  const model::PipeEnd& p = k.pipe_end(model::pipe_end_id(v.fifo_pipe, 0));
  return fmt::format("  fifo: {} reader(s), {} writer(s), {} byte(s) buffered{}, wgen {}", v.fifo_readers,
                     v.fifo_writers, p.buffered, p.eof ? ", EOF" : "", p.wgen);
}

std::string vnode_line(const Kernel& k, const std::string& path, std::uint32_t index) {
  const Vnode& v = k.vnodes()[index];
  std::string size = v.type == VnodeType::kRegular ? fmt::format(", size {}", v.size) : "";
  return fmt::format("    {:<20} vnode {} {}{} mode {:04o}, nlink {}{}, {} knote(s){}\n", path, index, type_text(v.type),
                     v.dead ? " (dead: vgone'd, VBAD)" : "", v.mode, v.nlink, size, v.knotes.size(),
                     fifo_text(k, v));
}

void walk(const Kernel& k, std::uint32_t dir, const std::string& prefix, std::string& out) {
  for (const auto& [name, child] : k.vnodes()[dir].entries) {
    const std::string path = prefix + name;
    out += vnode_line(k, path, child);
    if (k.vnodes()[child].type == VnodeType::kDirectory) walk(k, child, path + "/", out);
  }
}

}  // namespace

std::string describe_vfs(const Kernel& k) {
  if (k.vnodes().size() <= 1) return "";
  std::string out = k.fs_unmounted() ? "  file system (force-unmounted; its vnodes are dead):\n" : "  file system:\n";
  out += vnode_line(k, ".", model::kRootVnode);
  walk(k, model::kRootVnode, "", out);
  for (std::uint32_t i = 0; i < k.vnodes().size(); ++i) {
    if (k.vnodes()[i].nlink == 0) out += vnode_line(k, "(removed)", i);
  }
  for (std::size_t f = 0; f < k.files().size(); ++f) {
    const model::File& file = k.files()[f];
    if (file.closed || file.vnode == model::kNoVnode) continue;
    out += fmt::format("    open file#{} on vnode {}: {}{}{}, offset {}\n", f, file.vnode, file.readable ? "R" : "",
                       file.writable ? "W" : "", file.append ? " append" : "", file.offset);
  }
  return out;
}

}  // namespace kqsim::sim

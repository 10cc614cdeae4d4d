// A file-system call as a fixed-size message, for the channels that carry
// one call per message (the model server's RPC, the recorder's workers).
#pragma once

#include <cstdint>
#include <cstring>

#include "model/vfs.hpp"

namespace kqsim::sim {

inline constexpr std::size_t kWirePathBytes = 256;

struct VfsWire {
  std::uint8_t op = 0;
  std::int32_t fd = -1;
  std::uint32_t flags = 0;
  std::uint32_t mode = 0;
  std::int64_t value = 0;
  std::int32_t whence = 0;
  char path[kWirePathBytes] = {};
  char path2[kWirePathBytes] = {};
};

// Paths longer than the message allows are cut; the trace parser already
// refuses them.
inline VfsWire to_wire(const model::VfsCall& c) {
  VfsWire w;
  w.op = static_cast<std::uint8_t>(c.op);
  w.fd = c.fd;
  w.flags = c.flags;
  w.mode = c.mode;
  w.value = c.value;
  w.whence = c.whence;
  std::strncpy(w.path, c.path.c_str(), kWirePathBytes - 1);
  std::strncpy(w.path2, c.path2.c_str(), kWirePathBytes - 1);
  return w;
}

inline model::VfsCall from_wire(const VfsWire& w) {
  model::VfsCall c;
  c.op = static_cast<model::VfsOp>(w.op);
  c.fd = w.fd;
  c.flags = w.flags;
  c.mode = w.mode;
  c.value = w.value;
  c.whence = w.whence;
  c.path.assign(w.path, strnlen(w.path, kWirePathBytes));
  c.path2.assign(w.path2, strnlen(w.path2, kWirePathBytes));
  return c;
}

}  // namespace kqsim::sim

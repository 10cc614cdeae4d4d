// struct file: what a descriptor points at. Descriptors and fd-filter
// knotes each hold a reference (fhold/fdrop); the object behind the file is
// closed (fo_close) when the last reference goes.
#pragma once

#include <cstdint>

namespace kqsim::model {

enum class FileType : std::uint8_t {
  kTerminal,  // the inherited stdin/stdout/stderr: no kqueue filter is modelled on it
  kPipe,      // DTYPE_PIPE
  kKqueue,    // DTYPE_KQUEUE
  kSocket,    // DTYPE_SOCKET (AF_UNIX)
  kProcdesc,  // DTYPE_PROCDESC
  kVnode,     // DTYPE_VNODE: a regular file or a directory of the simulated file system
  kFifo,      // DTYPE_FIFO: a named pipe; object is its pipe end, vnode its vnode
};

inline constexpr std::uint32_t kNoVnode = UINT32_MAX;

struct File {
  FileType type = FileType::kTerminal;
  std::uint32_t object = 0;     // pipe end id, kqueue index, procdesc index or socket index
  std::uint32_t refcount = 0;   // f_count
  bool nonblock = false;        // FNONBLOCK
  bool closed = false;          // fo_close has run
  // Vnode-backed files (kVnode, kFifo); pipes and kqueues leave the defaults.
  std::uint32_t vnode = kNoVnode;  // f_vnode
  bool readable = true;            // FREAD
  bool writable = true;            // FWRITE
  bool append = false;             // O_APPEND
  std::int64_t offset = 0;         // f_offset
  std::uint32_t pipegen = 0;       // f_pipegen: the FIFO's pipe_wgen seen by a reader's open
  bool pd_nokill = false;       // F_PD_NOKILL: a PD_DAEMON process descriptor
};

}  // namespace kqsim::model

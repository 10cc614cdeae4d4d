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
};

struct File {
  FileType type = FileType::kTerminal;
  std::uint32_t object = 0;     // pipe end id, kqueue index, procdesc index or socket index
  std::uint32_t refcount = 0;   // f_count
  bool nonblock = false;        // FNONBLOCK
  bool closed = false;          // fo_close has run
  bool pd_nokill = false;       // F_PD_NOKILL: a PD_DAEMON process descriptor
};

}  // namespace kqsim::model

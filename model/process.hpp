// struct proc, reduced to what kqueue semantics need: the descriptor table
// and the kqueues created in it (fd_kqlist, walked by knote_fdclose).
#pragma once

#include <cstdint>
#include <vector>

#include "model/file_table.hpp"
#include "model/kqueue.hpp"

namespace kqsim::model {

struct Process {
  Pid pid = 0;
  Pid parent = 0;
  FileTable fds;
  std::vector<std::uint32_t> kqueues;  // fd_kqlist: kqueue indexes
  bool alive = true;
};

}  // namespace kqsim::model

// struct proc, reduced to what kqueue semantics need: the descriptor table
// and the kqueues created in it (fd_kqlist, walked by knote_fdclose).
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <vector>

#include "model/file_table.hpp"
#include "model/knote_list.hpp"
#include "model/kqueue.hpp"
#include "model/signals.hpp"

namespace kqsim::model {

struct Process {
  Pid pid = 0;
  Pid parent = 0;
  FileTable fds;
  std::vector<std::uint32_t> kqueues;  // fd_kqlist: kqueue indexes
  bool alive = true;
  std::int32_t exit_status = 0;  // wait(2) status once dead: exit code << 8, or the killing signal
  std::array<SignalAction, sig::kMax + 1> actions{};  // sigaction dispositions
  std::bitset<sig::kMax + 1> blocked;                 // the signal mask
  std::bitset<sig::kMax + 1> pending;                 // generated while blocked
  KnoteList klist;                                    // p_klist: EVFILT_SIGNAL knotes of this process
};

}  // namespace kqsim::model

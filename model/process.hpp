// struct proc, reduced to what kqueue semantics need: the descriptor table
// and the kqueues created in it (fd_kqlist, walked by knote_fdclose).
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <vector>

#include "model/aio.hpp"
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
  bool reaped = false;           // wait(2) collected it: no longer even a zombie (pfind_any fails)
  std::int32_t exit_status = 0;  // wait(2) status once dead: exit code << 8, or the killing signal
  std::int32_t procdesc = -1;    // p_procdesc: index of its process descriptor, -1 if none
  std::array<SignalAction, sig::kMax + 1> actions{};  // sigaction dispositions
  std::bitset<sig::kMax + 1> blocked;                 // the signal mask
  std::bitset<sig::kMax + 1> pending;                 // generated while blocked
  // Delivered to a handler the program has yet to run (postsig's work on
  // the way back to user mode; the C API runs the handlers: docs/capi.md).
  std::bitset<sig::kMax + 1> handlers_due;
  // p_aioinfo != NULL: the first aio call made it; exit and exec free it.
  bool aio_info = false;
  // The _aiocb_private words of the user aiocbs the kernel wrote, by
  // address (user memory: fork copies it, exec discards it).
  std::vector<AiocbWords> aiocb_words;
  // pause(2) (pause_io.cpp): asleep in it, and a caught signal woke it.
  bool pausing = false;
  bool pause_interrupted = false;
  KnoteList klist;  // p_klist: EVFILT_SIGNAL knotes of this process, EVFILT_PROC knotes watching it

  // PRS_ZOMBIE: exited, not yet waited for.
  [[nodiscard]] bool zombie() const { return !alive && !reaped; }
};

}  // namespace kqsim::model

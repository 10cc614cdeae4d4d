// struct procdesc (sys_procdesc.c): what a pdfork(2) descriptor refers to.
// It outlives its process: the exit status stays readable through it until
// the descriptor's last close.
#pragma once

#include <cstdint>

#include "model/knote_list.hpp"

namespace kqsim::model {

struct Procdesc {
  std::int32_t pid = -1;       // pd_pid; -1 once the descriptor let go of the process
  bool has_process = false;    // pd_proc != NULL
  bool exited = false;         // PDF_EXITED
  std::int32_t xstat = 0;      // pd_xstat: wait(2)-style status
  std::uint32_t fpcount = 0;   // pd_fpcount: open files referring to it
  std::int32_t last_child = 0; // pd_last_child: the newest child of the process (main's NOTE_FORK data)
  KnoteList klist;             // pd_selinfo.si_note: EVFILT_PROCDESC knotes
};

}  // namespace kqsim::model

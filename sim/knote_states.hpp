// Every live knote of the model with a stable key and the trace's names,
// for views that follow knotes from step to step: the terminal timeline,
// the HTML page and the Perfetto export.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/kernel.hpp"
#include "sim/kernel_view.hpp"

namespace kqsim::sim {

// The trace's names for what the model numbers.
struct ViewNames {
  FdNamer fd;
  ProcNamer proc;
  AddrNamer addr;
};

struct KnoteState {
  std::string key;       // "kq#0/EVFILT_READ/3": the same knote keeps it across steps
  std::string kqueue;    // "kq (fd 3)"
  std::string ident;     // "r (fd 4)"
  model::FilterId filter = 0;
  std::uint64_t ident_number = 0;
  std::size_t kqueue_index = 0;
  std::uint16_t status = 0;  // KN_* bits
  const model::Knote* knote = nullptr;
};

// A knote's key: "kq#0/EVFILT_READ/3" (kqueue index, filter, ident).
std::string knote_key(std::size_t kqueue_index, model::FilterId filter, std::uint64_t ident);

// The knotes of every open kqueue, in kqueue then table order.
std::vector<KnoteState> knote_states(const model::Kernel& kernel, const ViewNames& names);

// "kq (fd 3)", "kq (fd 3 of pid 2)" or "kqueue#1 (no descriptor)".
std::string kqueue_label(const model::Kernel& kernel, std::size_t index, const ViewNames& names);

// The index of the kqueue that descriptor `fd` of process `pid` refers to.
std::optional<std::size_t> kqueue_of_fd(const model::Kernel& kernel, model::Pid pid, std::int64_t fd);

}  // namespace kqsim::sim

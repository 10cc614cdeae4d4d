// Renders the model's kqueue state for people: each kqueue's knote table
// (ident, filter, flags, status, saved input, output image) and its
// activation queue in order. Used by `kqreplay explain`.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "model/kernel.hpp"

namespace kqsim::sim {

// The trace's name for a descriptor number of a process, if it has one.
using FdNamer = std::function<std::optional<std::string>(model::Pid, std::int64_t fd)>;

// The trace's name for a process, if it has one.
using ProcNamer = std::function<std::optional<std::string>(model::Pid)>;

// With a ProcNamer, EVFILT_PROC idents are named and, once the program has
// more than one process, each process's state (running, zombie, reaped,
// its parent, its process descriptor) is listed.
std::string describe_kqueues(const model::Kernel& kernel, const FdNamer& name_of, const ProcNamer& proc_name = {});
std::string knote_status_text(std::uint16_t status);
// The open sockets (socket_view.cpp); empty when there are none.
std::string describe_sockets(const model::Kernel& kernel, const FdNamer& name_of);

}  // namespace kqsim::sim

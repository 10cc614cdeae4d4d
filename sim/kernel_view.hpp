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

// The trace's name for an aiocb or lio list address, if it has one.
using AddrNamer = std::function<std::optional<std::string>(std::uint64_t)>;

// With a ProcNamer, EVFILT_PROC idents are named and, once the program has
// more than one process, each process's state (running, zombie, reaped,
// its parent, its process descriptor) is listed.
// With an AddrNamer, EVFILT_AIO/LIO idents are named.
std::string describe_kqueues(const model::Kernel& kernel, const FdNamer& name_of, const ProcNamer& proc_name = {},
                             const AddrNamer& addr_name = {});
std::string knote_status_text(std::uint16_t status);
// The open pipes (pipe_view.cpp): each end's buffered bytes, buffer size,
// EOF and peer; empty when there are none.
std::string describe_pipes(const model::Kernel& kernel, const FdNamer& name_of);
// The open sockets (socket_view.cpp); empty when there are none.
std::string describe_sockets(const model::Kernel& kernel, const FdNamer& name_of);
// The simulated file system (sim/vfs_view.cpp): each name with its vnode's
// type, links, size, knotes and FIFO state, and the open vnode files with
// their offsets. Empty while the file system is untouched.
std::string describe_vfs(const model::Kernel& kernel);
// The aio requests (sim/aio_view.cpp): each live job (its aiocb, call,
// descriptor, whether it waits for a daemon or what it returned, its
// knotes) and each live lio_listio batch. Empty when there are none.
std::string describe_aio(const model::Kernel& kernel, const AddrNamer& addr_name, const ProcNamer& proc_name);
// A knote's ident as the trace names it: "r (fd 4)", "main (pid 1)", "cb (0x10000000)", "7".
std::string ident_text(const model::Knote& kn, model::Pid owner, const FdNamer& name_of, const ProcNamer& proc_name,
                       const AddrNamer& addr_name);
// "main (pid 1)" or "pid 1".
std::string proc_text(model::Pid pid, const ProcNamer& proc_name);
// "cb1 (0x10000000)" or the bare address.
std::string addr_text(std::uint64_t addr, const AddrNamer& addr_name);

}  // namespace kqsim::sim

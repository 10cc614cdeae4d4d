// The system calls a trace's program makes, on the host's kernel. This is the
// only interface a port touches: one implementation calls the real kqueue
// (host_kernel_native.cpp: FreeBSD, macOS, NetBSD, OpenBSD, libkqueue), the
// other the kqsim model through the kqueue C API (host_kernel_model.cpp).
// Constants cross it in FreeBSD numbering; implementations translate by name.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/aio.hpp"
#include "model/kevent_constants.hpp"
#include "model/sys_result.hpp"
#include "sim/socket_call.hpp"
#include "model/vfs.hpp"

namespace kqsim::host {

struct HostCall {
  std::int64_t ret = 0;
  std::string errno_name;  // "" when the call succeeded
  model::Completion completion = model::Completion::kDone;
  std::string detail;      // for kBlockedForever / kUnsupported
  std::int32_t fds[2] = {-1, -1};
  std::vector<model::KEvent> events;
};

struct HostIdentity {
  std::string os, release, machine;
  std::string kqueue;   // the kqueue implementation and its version ("libkqueue 2.6.3", "FreeBSD kernel 13.2-RELEASE")
  std::string dialect;  // the model profile of this kernel ("freebsd-13.2"), "" when there is none
};

HostCall host_kqueue(std::uint32_t kqueuex_flags);
// AF_INET loopback sockets, getsockname, recv/send, one-descriptor poll and
// select, pause (host_net_native.cpp / host_net_model.cpp).
HostCall host_net_call(const sim::SocketCall& c);
HostCall host_pipe(bool nonblock, bool cloexec);
HostCall host_read(std::int32_t fd, std::int64_t nbytes);
HostCall host_write(std::int32_t fd, std::int64_t nbytes);
HostCall host_close(std::int32_t fd);
HostCall host_dup(std::int32_t fd);
HostCall host_dup2(std::int32_t from, std::int32_t to);
HostCall host_getfd(std::int32_t fd);
HostCall host_setfd(std::int32_t fd, std::int32_t flags);
HostCall host_fork();              // ret 0 in the child, > 0 in the parent
// pdfork(2), PD_* flags in FreeBSD numbering: like host_fork, fds[0] the
// process descriptor in the parent.
HostCall host_pdfork(std::uint32_t pd_flags);
// waitpid(host_pid, &status, nohang ? WNOHANG : 0).
HostCall host_wait(std::int64_t host_pid, bool nohang);
// Replace the program image with `argv` (close-on-exec applies). Returns only
// on failure, or at once where the image is simulated (the model).
HostCall host_exec(const std::vector<std::string>& argv);
// In the new image after host_exec: take back what crossed the exec (the
// aiocb names a KQUEUE_CPONFORK copy's knotes still report).
void host_after_exec();
// What exit does to descriptors before the caller _exits with `status`.
HostCall host_exit_descriptors(std::int32_t status);
HostCall host_sleep(std::int64_t duration_ns);
HostCall host_kevent(std::int32_t kq, std::span<const model::KEvent> changes, std::int32_t nevents,
                     const std::optional<model::Timespec>& timeout);
// Signals by FreeBSD number, translated by name on the host.
HostCall host_kill(std::int64_t host_pid, std::int32_t signo);
HostCall host_sigaction(std::int32_t signo, std::int32_t action);  // 0 default, 1 ignore, 2 catch
HostCall host_sigprocmask(bool block, std::int32_t signo);
// AF_UNIX sockets, in the model's terms; socketpair fills fds. Names are
// paths, taken relative to $KQSIM_SOCKET_DIR when it is set.
HostCall host_socket_call(const sim::SocketCall& call);
// A file-system call; paths are relative to the worker's working directory.
HostCall host_vfs(const model::VfsCall& call);
// An aio call (FreeBSD's aio with SIGEV_KEVENT); aiocb and list addresses
// are the trace's fake ones, mapped to blocks in this process's memory.
// aio_error's value comes back as a FreeBSD errno number.
HostCall host_aio(const model::AioCall& call);
HostIdentity host_identity();
// The host's monotonic clock, to time the calls whose duration matters.
std::int64_t host_monotonic_ns();

}  // namespace kqsim::host

// The narrow system-call interface the step interpreter drives. The model
// backend implements it on the reference model; a host backend implements it
// with real system calls, so one trace runs unchanged on both.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/aio.hpp"
#include "model/kevent_constants.hpp"
#include "model/sys_result.hpp"
#include "sim/socket_call.hpp"
#include "model/vfs.hpp"

namespace kqsim::sim {

using ProcId = std::int32_t;

struct CallResult {
  model::SysResult sys;
  std::vector<model::KEvent> events;        // kevent
  std::array<std::int32_t, 2> fds{-1, -1};  // pipe, socketpair; pdfork: fds[0] is the process descriptor
  std::optional<std::int64_t> elapsed_ns;   // how long the call took, where measured
  std::string detail;  // owned text for blocked/unsupported when sys.detail cannot outlive the call
  // Host backends: the implementation under test failed at this call. crash:
  // the calling process died of this signal ("SIGSEGV") during the call;
  // hang: the call did not return within the step timeout.
  std::optional<std::string> crash;
  std::optional<std::string> hang;

  static CallResult of(model::SysResult sys) {
    CallResult r;
    r.sys = sys;
    return r;
  }
};

class Backend {
 public:
  virtual ~Backend() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  virtual ProcId initial_process() = 0;

  virtual CallResult kqueue(ProcId p, std::uint32_t kqueuex_flags) = 0;
  virtual CallResult pipe(ProcId p, bool nonblock, bool cloexec) = 0;
  virtual CallResult read(ProcId p, std::int32_t fd, std::int64_t nbytes) = 0;
  virtual CallResult write(ProcId p, std::int32_t fd, std::int64_t nbytes) = 0;
  virtual CallResult close(ProcId p, std::int32_t fd) = 0;
  virtual CallResult dup(ProcId p, std::int32_t fd) = 0;
  virtual CallResult dup2(ProcId p, std::int32_t from, std::int32_t to) = 0;
  virtual CallResult fcntl_getfd(ProcId p, std::int32_t fd) = 0;
  virtual CallResult fcntl_setfd(ProcId p, std::int32_t fd, std::int32_t flags) = 0;
  virtual CallResult fork(ProcId p) = 0;  // ret: the child, as a ProcId
  virtual CallResult pdfork(ProcId p, std::uint32_t pd_flags) = 0;  // ret: the child; fds[0]: its descriptor
  // waitpid(target): ret the target once reaped, 0 with nohang while it runs.
  virtual CallResult wait(ProcId p, ProcId target, bool nohang) = 0;
  virtual CallResult exec(ProcId p) = 0;
  virtual CallResult exit(ProcId p) = 0;
  // _exit(code) with a status other than 0 (NOTE_EXIT data, wait status);
  // a backend that cannot says so.
  virtual CallResult exit_with_code(ProcId p, std::int32_t code) {
    if (code == 0) return exit(p);
    return CallResult::of(model::SysResult::unsupported("_exit with a status other than 0 on this backend"));
  }
  virtual CallResult sleep(ProcId p, std::int64_t duration_ns) = 0;
  virtual CallResult kevent(ProcId p, std::int32_t kqfd, std::span<const model::KEvent> changes,
                            std::int32_t nevents, const std::optional<model::Timespec>& timeout) = 0;
  // Signals, numbered as FreeBSD numbers them. action: 0 default, 1 ignore, 2 catch.
  virtual CallResult kill(ProcId p, ProcId target, std::int32_t signo) = 0;
  virtual CallResult sigaction(ProcId p, std::int32_t signo, std::int32_t action) = 0;
  virtual CallResult sigprocmask(ProcId p, bool block, std::int32_t signo) = 0;
  // The AF_UNIX socket calls; socketpair returns its descriptors in fds.
  virtual CallResult socket_call(ProcId p, const SocketCall& call) = 0;
  // The file-system calls (open, mkdir, ..., lseek); flags and modes in FreeBSD's numbers.
  virtual CallResult vfs(ProcId p, const model::VfsCall& call) = 0;
  // The aio calls (aio_read, aio_write, aio_error, aio_return, aio_cancel,
  // lio_listio) and aio_run (the model's daemons running queued requests);
  // aiocb and list addresses as the interpreter assigned them.
  virtual CallResult aio(ProcId p, const model::AioCall& call) = 0;
  // EVFILT_PROC idents and NOTE_CHILD data are ProcIds on this interface;
  // a backend whose processes have other pids translates them.
  // Whether the process still runs (a signal may have ended it).
  [[nodiscard]] virtual bool alive(ProcId p) const = 0;
  // How many processes have ended so far, where the backend counts them:
  // while it is unchanged no process needs asking (issue 14). Unknown
  // (nullopt, a host): ask after every call.
  [[nodiscard]] virtual std::optional<std::uint64_t> exits() const { return std::nullopt; }
  // An independent copy to try a call on without touching this backend (the
  // model can; a host cannot): null when there is none.
  [[nodiscard]] virtual std::unique_ptr<Backend> scratch_copy() const { return nullptr; }
};

}  // namespace kqsim::sim

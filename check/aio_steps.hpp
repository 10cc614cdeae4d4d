// aio steps for random programs: aio_read/aio_write and lio_listio with
// SIGEV_KEVENT into the program's kqueues (valid and invalid kevent flags,
// deferred or immediate requests), aio_error, aio_return, aio_cancel and
// the daemons running queued requests. Every request goes to a descriptor
// opened by the step right before it, so no request can reach a socket or a
// terminal (which the model reports as unsupported), and every aiocb and
// list has a fresh name, so none is submitted twice.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "check/prng.hpp"
#include "traces/trace.hpp"

namespace kqsim::check {

class AioStepMaker {
 public:
  using NameMaker = std::function<std::string(const char* prefix)>;

  // Appends the steps of one aio action to `out` (one to three steps).
  // kqs: the program's kqueue names, for SIGEV_KEVENT.
  void make(Prng& rng, const NameMaker& fresh, const std::vector<std::string>& kqs, std::vector<traces::Step>& out);
  // Every aiocb name submitted so far (idents for EVFILT_AIO changes).
  [[nodiscard]] const std::vector<std::string>& aiocbs() const { return aiocbs_; }
  // No aio_run steps and no deferred requests: a real kernel's daemons run
  // every request on their own (the recorder waits until it is done), so a
  // request held back for aio_run cannot be had there.
  void without_aio_run() { aio_run_ = false; }
  // GeneratorOptions::with_aio_sigevent_fds: a SIGEV_KEVENT sigevent now and
  // then names an open descriptor that is not a kqueue (the request's own
  // file or pipe end, or for lio_listio a file opened for aio), which
  // kqfd_register's kqueue_acquire refuses: EBADF on 13.2, EINVAL on main
  // (aio-sigevent-kqueue-errors).
  void with_sigevent_fds() { sigevent_fds_ = true; }

 private:
  traces::AioRequest request(Prng& rng, const NameMaker& fresh, const std::vector<std::string>& kqs, const traces::Ref& fd);
  // Fills `s`, a step already in the program, with the descriptor's open.
  void open_target(Prng& rng, const NameMaker& fresh, traces::Ref& fd, traces::Step& s);
  // The kqueue a SIGEV_KEVENT sigevent names: one of `kqs`, or with
  // sigevent_fds_ sometimes `fd` (when a name) or another file opened for aio.
  traces::Ref sigevent_kq(Prng& rng, const std::vector<std::string>& kqs, const traces::Ref& fd);
  std::vector<std::string> aiocbs_;
  std::vector<std::string> files_;  // descriptors opened for aio (for aio_cancel)
  bool aio_run_ = true;
  bool sigevent_fds_ = false;
};

}  // namespace kqsim::check

// The Backend on a host kernel: each process of the trace's program is a
// worker process making real calls through host_kernel. The controller (this
// object) sends one command per step and waits for its reply; a step whose
// reply does not come within the step timeout is reported as blocked.
#pragma once

#include <map>
#include <optional>
#include <utility>
#include <string>

#include "sim/backend.hpp"
#include "sim/host/host_kernel.hpp"
#include "sim/host/host_process.hpp"
#include "sim/host/worker_protocol.hpp"

namespace kqsim::host {

struct HostBackendOptions {
  std::string self_path;       // this executable, for exec and workers
  std::string worker_path;     // when set, the workers are this program instead (see spawn_worker)
  int model_server_fd = -1;    // model builds: the server the workers talk to
  int model_server_pid = -1;   // ... and its process, reaped with the workers
  int step_timeout_ms = 5000;  // a real call that takes longer is a hang
  // The bound on waiting for the kernel's asynchronous work after a step (a
  // process dying after exit or kill): see settle_death.
  int settle_timeout_ms = 2000;
};

class HostBackend final : public sim::Backend {
 public:
  explicit HostBackend(HostBackendOptions options);
  ~HostBackend() override;
  HostBackend(const HostBackend&) = delete;
  HostBackend& operator=(const HostBackend&) = delete;

  [[nodiscard]] std::string_view name() const override { return "host"; }
  sim::ProcId initial_process() override { return 1; }
  sim::CallResult kqueue(sim::ProcId p, std::uint32_t flags) override;
  sim::CallResult pipe(sim::ProcId p, bool nonblock, bool cloexec) override;
  sim::CallResult read(sim::ProcId p, std::int32_t fd, std::int64_t nbytes) override;
  sim::CallResult write(sim::ProcId p, std::int32_t fd, std::int64_t nbytes) override;
  sim::CallResult close(sim::ProcId p, std::int32_t fd) override;
  sim::CallResult dup(sim::ProcId p, std::int32_t fd) override;
  sim::CallResult dup2(sim::ProcId p, std::int32_t from, std::int32_t to) override;
  sim::CallResult fcntl_getfd(sim::ProcId p, std::int32_t fd) override;
  sim::CallResult fcntl_setfd(sim::ProcId p, std::int32_t fd, std::int32_t flags) override;
  sim::CallResult fork(sim::ProcId p) override;
  sim::CallResult pdfork(sim::ProcId p, std::uint32_t pd_flags) override;
  sim::CallResult wait(sim::ProcId p, sim::ProcId target, bool nohang) override;
  sim::CallResult exec(sim::ProcId p) override;
  sim::CallResult exit(sim::ProcId p) override;
  sim::CallResult exit_with_code(sim::ProcId p, std::int32_t code) override;
  sim::CallResult sleep(sim::ProcId p, std::int64_t duration_ns) override;
  sim::CallResult kevent(sim::ProcId p, std::int32_t kqfd, std::span<const model::KEvent> changes,
                         std::int32_t nevents, const std::optional<model::Timespec>& timeout) override;
  sim::CallResult kill(sim::ProcId p, sim::ProcId target, std::int32_t signo) override;
  sim::CallResult sigaction(sim::ProcId p, std::int32_t signo, std::int32_t action) override;
  sim::CallResult sigprocmask(sim::ProcId p, bool block, std::int32_t signo) override;
  sim::CallResult socket_call(sim::ProcId p, const sim::SocketCall& call) override;
  sim::CallResult vfs(sim::ProcId p, const model::VfsCall& call) override;
  sim::CallResult aio(sim::ProcId p, const model::AioCall& call) override;
  [[nodiscard]] bool alive(sim::ProcId p) const override;

 private:
  sim::CallResult round_trip(sim::ProcId p, const WorkerCommand& q, int pass_fd = -1);
  [[nodiscard]] int patience_ms(const WorkerCommand& q) const;
  sim::CallResult simple(sim::ProcId p, WorkerOp op, std::int64_t a = 0, std::int64_t b = 0);
  sim::CallResult spawn(sim::ProcId p, WorkerOp op, std::int64_t a);
  // The worker of p stopped answering: a crash (named by its last-gasp reply
  // or by its parent's waitid) or, for a worker still there, a hang.
  sim::CallResult failed(sim::ProcId p, const WorkerReply& r, ReplyStatus status);
  // After a step that makes the kernel end a process (exit, a fatal kill,
  // closing a process descriptor), waits (bounded) until it is a zombie or
  // gone, as the model has it at once.
  void settle_death(sim::ProcId p);
  // Whether p's worker still answers (a pending fatal signal takes effect
  // before it can); settles its death when it does not.
  void settle_if_dying(sim::ProcId p);
  // The process descriptors' children that closing a descriptor may kill.
  void settle_procdesc_children();
  [[nodiscard]] std::optional<std::pair<int, int>> zombie_status(sim::ProcId p, int wait_ms);
  void drop_channel(sim::ProcId p);
  // EVFILT_PROC idents (and NOTE_CHILD data) between ProcIds and host pids;
  // a number that names no worker passes unchanged.
  [[nodiscard]] std::int64_t to_host_pid(std::int64_t proc) const;
  [[nodiscard]] std::int64_t to_proc_id(std::int64_t host_pid) const;

  HostBackendOptions options_;
  std::map<sim::ProcId, int> channels_;
  std::map<sim::ProcId, int> host_pids_;  // the worker playing each process
  std::map<sim::ProcId, sim::ProcId> parents_;  // who forked each worker (0: the controller)
  std::map<sim::ProcId, bool> procdesc_children_;  // pdfork children: killed when their descriptor closes (not PD_DAEMON)
  sim::ProcId next_proc_ = 2;
  std::string scratch_dir_;  // the program's working directory: its file-system paths live here
};

}  // namespace kqsim::host

// Processes being born, changing and dying: kern_fork.c (fork1/do_fork),
// kern_exec.c (do_execve), kern_exit.c (exit1, kern_wait, proc_reap) and
// sys_procdesc.c (pdfork's descriptor, procdesc_exit, procdesc_close).
#include <cassert>

#include "model/kernel.hpp"

namespace kqsim::model {

// pfind / pfind_any: live processes only, or zombies too. A reaped process
// is gone for both.
Process* Kernel::pfind(Pid pid, bool zombies_too) {
  if (pid < 1 || pid > static_cast<Pid>(processes_.size())) return nullptr;
  Process& p = processes_[static_cast<std::size_t>(pid - 1)];
  if (p.alive || (zombies_too && p.zombie())) return &p;
  return nullptr;
}

// do_fork up to the point where the child exists: a new process with a copy
// of the descriptor table (fdcopy).
Pid Kernel::fork_process(Pid parent) {
  Process child;
  child.pid = static_cast<Pid>(processes_.size() + 1);
  child.parent = parent;
  child.actions = proc(parent).actions;
  child.blocked = proc(parent).blocked;
  // The child's memory is a copy (its aiocbs included); p_aioinfo is not
  // inherited: the child has no aio requests.
  child.aiocb_words = proc(parent).aiocb_words;
  if (!child.aiocb_words.empty()) touched_objects_ |= kAioObjects;  // check_aio reads them
  fork_copy_fds(proc(parent), child);
  processes_.push_back(std::move(child));
  return processes_.back().pid;
}

SysResult Kernel::fork(Pid pid) {
  // A process, its descriptor table and its process descriptors; the
  // copied files only gain references (NOTE_TRACK's knotes: knotes).
  SyscallScope scope(*this, kProcessObjects);
  Pid child = fork_process(pid);
  kqueue_fork_copy_all(child);  // fdcopy's second pass, before knote_fork (do_fork)
  // do_fork: the parent's watchers hear of the child once it exists.
  SysResult tracked = knote_fork(proc(pid).klist, child);
  if (!tracked.done()) return tracked;
  procdesc_fork(proc(pid), child);
  return SysResult::ok(child);
}

// fork1 with FORK_PROCDESC: the descriptor is allocated first (EMFILE
// stops the fork), installed with badfileops, which fdcopy does not pass to
// the child; the child's copy of the table therefore lacks it.
PdforkResult Kernel::pdfork(Pid pid, std::uint32_t pd_flags) {
  SyscallScope scope(*this, kProcessObjects);  // as fork, and the process descriptor
  PdforkResult r;
  if ((pd_flags & ~(pdflag::kDaemon | pdflag::kCloexec)) != 0) {  // PD_ALLOWED_AT_FORK
    r.sys = SysResult::fail(Errno::kEINVAL);
    return r;
  }
  auto pd = static_cast<std::uint32_t>(procdescs_.size());
  FileIndex f = new_file(FileType::kProcdesc, pd, false);
  files_[f].pd_nokill = (pd_flags & pdflag::kDaemon) != 0;
  auto fd = install_fd(proc(pid), f, (pd_flags & pdflag::kCloexec) != 0);
  if (!fd) {
    files_[f].closed = true;
    r.sys = SysResult::fail(Errno::kEMFILE);
    return r;
  }
  procdescs_.push_back(Procdesc{-1, false, false, 0, 1, 0, {}});
  Pid child = fork_process(pid);
  closef(processes_[static_cast<std::size_t>(child - 1)], *fd);  // not passed by fdcopy
  kqueue_fork_copy_all(child);  // after: a knote on the descriptor is not copied
  procdescs_[pd].pid = child;  // procdesc_new
  procdescs_[pd].has_process = true;
  processes_[static_cast<std::size_t>(child - 1)].procdesc = static_cast<std::int32_t>(pd);
  SysResult tracked = knote_fork(proc(pid).klist, child);
  if (!tracked.done()) {
    r.sys = tracked;
    return r;
  }
  procdesc_fork(proc(pid), child);
  r.fd = *fd;
  r.sys = SysResult::ok(child);
  return r;
}

// do_execve: close-on-exec descriptors go (fdcloseexec, lowest first),
// caught signals fall back to their default (execsigs; ignored ones stay
// ignored), then the watchers hear NOTE_EXEC. A kqueue_task a close
// scheduled runs before the next descriptor closes: closef frees the file
// (a pipe's buffer, a socket) while the task thread runs on another CPU, so
// a kqueue's watchers see a knote the first close queued even when the next
// close drops it. A race the task usually wins (R21, counting every
// recording to 2026-12-05: 13.2 16 of 18 with pipes, 13 of 16 with sockets;
// 15.1 13 of 16 with sockets, 10 of 16 with pipes): a task
// point (kqueue_task_timing.hpp), whose other outcome leaves the tasks for
// a later point or the call's end.
SysResult Kernel::exec(Pid pid) {
  // The process and its aio requests; each close-on-exec file that closes
  // adds its own kinds (fdrop).
  SyscallScope scope(*this, kProcessObjects | kAioObjects);
  Process& p = proc(pid);
  // exec_new_vmspace runs the process_exec handlers first:
  // aio_proc_rundown_exec frees every aio request; the new image has no
  // aiocbs.
  aio_proc_rundown(p);
  p.aiocb_words.clear();
  for (std::int32_t fd = 0; fd <= p.fds.last_fd(); ++fd) {
    const FdEntry* e = p.fds.find(fd);
    if (e == nullptr || !e->cloexec) continue;
    close_fd(p, fd);
    task_point(TaskPoint::kExecClose, fd);
  }
  for (SignalAction& action : p.actions) {
    if (action == SignalAction::kCatch) action = SignalAction::kDefault;
  }
  p.handlers_due.reset();  // execve: the handlers are gone
  knote_post(p.klist, note::kExec);
  return SysResult::ok(0);
}

// _exit(code): see exit_process. exit1 keeps W_EXITCODE(rv, 0): the low
// 8 bits of the code, shifted into the wait status.
SysResult Kernel::exit(Pid pid, std::int32_t code) {
  SyscallScope scope(*this);
  exit_process(proc(pid), (code & 0xff) << 8);
  return SysResult::ok(0);
}

// exit1, in the kernel's order: descriptors released (fdescfree: closef,
// no knote_fdclose, which closes the process's own kqueues), children
// handed to the reaper, the watchers told NOTE_EXIT with the status in
// place, then the parent signalled, unless a process descriptor takes that
// role or the parent ignores SIGCHLD (PS_CLDSIGIGN: the child goes to the
// reaper instead, so the parent's SIGCHLD knote never counts it — the
// mechanism behind kqueue(2)'s "an ignored SIGCHLD is not recorded").
void Kernel::exit_process(Process& p, std::int32_t status) {
  // An exit reaches anything (aio, every descriptor, children, process
  // descriptors), whichever call caused it (exit, a fatal signal).
  touched_objects_ = kAllObjects;
  ++exits_;
  // exit1 invokes the process_exit handlers before fdescfree:
  // aio_proc_rundown cancels queued requests and frees them all.
  aio_proc_rundown(p);
  for (std::int32_t fd = 0; fd <= p.fds.last_fd(); ++fd) {
    if (p.fds.find(fd) != nullptr) closef(p, fd);
  }
  reparent_children(p.pid);
  p.exit_status = status;
  p.alive = false;
  knote_post(p.klist, note::kExit);
  const bool signal_parent = p.procdesc < 0 || procdesc_exit(p);
  Process* parent = signal_parent ? pfind(p.parent, false) : nullptr;
  if (parent == nullptr) return;
  if (parent->actions[static_cast<std::size_t>(sig::kChld)] == SignalAction::kIgnore) {
    p.parent = 0;  // proc_reparent(p, p->p_reaper): the reaper is outside the model
    return;
  }
  (void)psignal(*parent, sig::kChld);
}

// exit1's loop over p_children: orphans go to their reaper. The model's
// reaper is init, which is not one of the program's processes, so an
// orphan's parent becomes 0 and no program process can wait for it.
void Kernel::reparent_children(Pid dying) {
  for (Process& q : processes_) {
    if (q.parent == dying) q.parent = 0;
  }
}

// procdesc_exit: with the descriptor still open, its knotes hear NOTE_EXIT
// and the parent is not signalled; with it closed, exit goes on as for any
// process (returns true: signal the parent, in fact the reaper).
bool Kernel::procdesc_exit(Process& p) {
  Procdesc& pd = procdescs_[static_cast<std::size_t>(p.procdesc)];
  pd.exited = true;
  pd.xstat = p.exit_status;
  if (pd.fpcount == 0) {
    pd.has_process = false;
    p.procdesc = -1;
    return true;
  }
  // Main adds NOTE_PDSIGCHLD: pdwait() information is now available.
  knote_post(pd.klist, profile_->procdesc_fork_notes ? note::kExit | note::kPdsigchld : note::kExit);
  return false;
}

// procdesc_fork (newest main), called by do_fork after knote_fork: when the
// forking process has a process descriptor, the descriptor remembers the
// child and its knotes hear NOTE_FORK.
void Kernel::procdesc_fork(const Process& p, Pid child) {
  if (!profile_->procdesc_fork_notes || p.procdesc < 0) return;
  Procdesc& pd = procdescs_[static_cast<std::size_t>(p.procdesc)];
  pd.last_child = child;
  knote_post(pd.klist, note::kFork);
}

// procdesc_close on the last close: a zombie is reaped at once; a live
// process is detached from the descriptor, handed to the reaper and killed
// unless PD_DAEMON.
void Kernel::procdesc_close(std::uint32_t pd_index, bool nokill) {
  Procdesc& pd = procdescs_[pd_index];
  assert(pd.fpcount > 0);
  --pd.fpcount;
  if (!pd.has_process) return;  // already reaped
  Process& p = processes_[static_cast<std::size_t>(pd.pid - 1)];
  if (p.zombie()) {
    proc_reap(p);
    return;
  }
  if (pd.fpcount == 0) {
    pd.has_process = false;
    pd.pid = -1;
    p.procdesc = -1;
    p.parent = 0;
  }
  if (!nokill) (void)psignal(p, sig::kKill);
}

// proc_reap: the zombie is gone; its process descriptor lets go of it.
// Knotes still on its list stay until they are delivered or deleted
// (knlist_detach frees the list only once it is empty).
void Kernel::proc_reap(Process& p) {
  assert(p.zombie());
  p.reaped = true;
  if (p.procdesc >= 0) {
    procdescs_[static_cast<std::size_t>(p.procdesc)].has_process = false;
    p.procdesc = -1;
  }
}

// kern_wait6 for any child (P_ALL: wait(2), waitpid(-1)) or the caller's
// process group (P_PGID: waitpid(0); the model's processes share one): the
// children are scanned in p_children's order - fork1 inserts at the head,
// so the latest forked first - and the first zombie is reaped. proc_to_reap
// skips, for P_ALL, a child with a process descriptor. ECHILD when no child
// matched; 0 (WNOHANG) or a wait while every match still runs.
SysResult Kernel::wait_any(Pid pid, bool same_group, bool nohang) {
  bool found = false;
  for (auto it = processes_.rbegin(); it != processes_.rend(); ++it) {
    Process& child = *it;
    if (child.parent != pid || child.reaped || (!same_group && child.procdesc >= 0)) continue;
    found = true;
    if (child.alive) continue;
    proc_reap(child);
    return SysResult::ok(child.pid);
  }
  if (!found) return SysResult::fail(Errno::kECHILD);
  if (nohang) return SysResult::ok(0);
  return SysResult::blocked("wait() waits forever: every child is still running and nothing else runs");
}

// kern_wait6 for one pid: ECHILD unless it is the caller's child. A child
// with a process descriptor is waited for like any other when named by pid.
SysResult Kernel::wait(Pid pid, Pid target, bool nohang) {
  SyscallScope scope(*this, kProcessObjects);  // a reaped child
  (void)proc(pid);
  if (target == kAnyChild || target == kGroupChild) return wait_any(pid, target == kGroupChild, nohang);
  Process* child = pfind(target, true);
  if (child == nullptr || child->parent != pid) return SysResult::fail(Errno::kECHILD);
  if (child->alive) {
    if (nohang) return SysResult::ok(0);
    return SysResult::blocked("waitpid() waits forever: the child is still running and nothing else runs");
  }
  proc_reap(*child);
  return SysResult::ok(target);
}

}  // namespace kqsim::model

// The life of an aio request after submission (vfs_aio.c): the daemons
// running it (aio_daemon, aio_process_rw), completion (aio_complete,
// aio_bio_done_notify), the calls that ask about it (aio_error, aio_return,
// aio_cancel) and the end of it all (aio_free_entry, aio_proc_rundown).
#include <algorithm>
#include <cassert>

#include "model/kernel.hpp"

namespace kqsim::model {

// The first of p's live jobs for this aiocb (kaio_all; with finished_only,
// kaio_done).
std::optional<std::uint32_t> Kernel::aio_find(const Process& p, std::uint64_t ujob, bool finished_only) const {
  for (std::size_t i = 0; i < aio_jobs_.size(); ++i) {
    const AioJob& j = aio_jobs_[i];
    if (j.live && j.owner == p.pid && j.ujob == ujob && (j.finished || !finished_only)) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

// aio_daemon / aio_selectjob: a daemon takes the oldest queued job (of
// owner's aiocb only_ujob, if given) and runs it. False when none is queued.
bool Kernel::aio_daemons_run(Pid only_owner, std::uint64_t only_ujob) {
  auto it = std::find_if(aio_queue_.begin(), aio_queue_.end(), [&](std::uint32_t id) {
    return only_ujob == 0 || (aio_jobs_[id].owner == only_owner && aio_jobs_[id].ujob == only_ujob);
  });
  if (it == aio_queue_.end()) return false;
  // A job run changes the jobs and a regular file's size (no kind; the
  // model sends no completion signal); a file its end closes adds its kinds (fdrop).
  touched_objects_ |= kAioObjects;
  const std::uint32_t id = *it;
  aio_queue_.erase(it);
  aio_process_rw(id);
  return true;
}

// aio_process_rw: fo_read/fo_write with FOF_OFFSET, at aio_offset (the
// descriptor's offset neither used nor moved; O_APPEND still appends). A
// read of 0 bytes does not reach VOP_READ.
void Kernel::aio_process_rw(std::uint32_t id) {
  AioJob& j = aio_jobs_[id];
  const File& f = files_[j.file];
  std::int64_t offset = j.offset;
  if (j.opcode == lio::kRead) {
    if (j.nbytes == 0) return aio_complete(id, 0, Errno::kNone);
    // fo_read on a vnode a forced unmount took away: dead_read.
    if (vnodes_[f.vnode].dead) return aio_complete(id, -1, dead_read_errno());
    // vn_read of a directory: EISDIR (security.bsd.allow_read_dir off), as read(2).
    if (vnodes_[f.vnode].type == VnodeType::kDirectory) return aio_complete(id, -1, Errno::kEISDIR);
    const std::int64_t n = vn_read_at(f.vnode, offset, j.nbytes);
    return aio_complete(id, n, Errno::kNone);
  }
  if (vnodes_[f.vnode].dead) return aio_complete(id, -1, dead_write_errno(f.vnode));
  const std::int64_t n = vn_write_at(f.vnode, f.append, offset, j.nbytes);
  aio_complete(id, n, Errno::kNone);
}

// aio_complete + aio_bio_done_notify.
void Kernel::aio_complete(std::uint32_t id, std::int64_t status, Errno error) {
  AioJob& j = aio_jobs_[id];
  assert(!j.finished);
  j.status = status;
  j.error = error;
  j.finished = true;
  aio_bio_done_notify(id, false);
}

// aio_bio_done_notify: the batch counts the job; unless the owner is being
// run down, the job's knotes are told (filt_aio fires) and, once every job
// of a kevent batch is done, the batch's (LIOJ_KEVENT_POSTED).
void Kernel::aio_bio_done_notify(std::uint32_t id, bool rundown) {
  const std::uint32_t lio = aio_jobs_[id].lio;
  bool lio_done = false;
  if (lio != kNoLio) {
    AioLio& lj = aio_lios_[lio];
    ++lj.finished_count;
    lio_done = lj.count == lj.finished_count;
  }
  if (rundown) return;
  knote_post(aio_jobs_[id].knotes, 1);
  if (lio_done && aio_lios_[lio].kevent) {
    aio_lios_[lio].kevent_posted = true;
    knote_post(aio_lios_[lio].knotes, 1);
  }
}

// knlist_delete (knlist_cleardel with killkn): every knote on the list is
// taken off it and dropped, with no event.
void Kernel::knlist_delete(KnoteList& list) {
  for (KnoteRef ref : list.take_all()) {
    at(ref).status |= kn::kDetached;
    knote_drop(ref);
  }
}

void Kernel::lio_free(std::uint32_t lio) {
  knlist_delete(aio_lios_[lio].knotes);
  aio_lios_[lio].live = false;
}

// aio_free_entry: the batch loses the job (and goes when it has none left,
// its knote with it), the job's knotes are deleted, the file reference
// dropped.
void Kernel::aio_free_entry(std::uint32_t id) {
  AioJob& j = aio_jobs_[id];
  assert(j.live && j.finished);
  if (j.lio != kNoLio) {
    AioLio& lj = aio_lios_[j.lio];
    --lj.count;
    --lj.finished_count;
    if (lj.count == 0) lio_free(j.lio);
  }
  knlist_delete(aio_jobs_[id].knotes);
  aio_jobs_[id].live = false;
  fdrop(aio_jobs_[id].file);
}

// kern_aio_error: the result is the errno itself (td_retval), never -1:
// EINPROGRESS while queued, the job's error once finished. An aiocb the
// kernel no longer knows answers from its own words: the stored error if
// its status is -1 (a failed submission, or a failed job after
// aio_return), else EINVAL. Before any aio call of the process: EINVAL.
SysResult Kernel::aio_error(const Process& p, std::uint64_t ujob) const {
  if (!p.aio_info) return SysResult::ok(static_cast<std::int64_t>(Errno::kEINVAL));
  if (auto id = aio_find(p, ujob, false)) return SysResult::ok(static_cast<std::int64_t>(aio_jobs_[*id].error));
  for (const AiocbWords& w : p.aiocb_words) {
    if (w.addr == ujob && w.status == -1) return SysResult::ok(w.error);
  }
  return SysResult::ok(static_cast<std::int64_t>(Errno::kEINVAL));
}

// kern_aio_return: only a finished job (kaio_done); its status, or -1 with
// its error. The job is freed and its knotes deleted, so its event can no
// longer be collected; a second aio_return is EINVAL.
SysResult Kernel::aio_return(Process& p, std::uint64_t ujob) {
  if (!p.aio_info) return SysResult::fail(Errno::kEINVAL);
  auto id = aio_find(p, ujob, true);
  if (!id) return SysResult::fail(Errno::kEINVAL);
  const std::int64_t status = aio_jobs_[*id].status;
  const Errno error = aio_jobs_[*id].error;
  aio_free_entry(*id);
  aio_store(p, ujob, status, static_cast<std::int32_t>(error));
  if (error != Errno::kNone) return SysResult::fail(error);
  return SysResult::ok(status);
}

// sys_aio_cancel: the queued (not finished) jobs whose aio_fildes is fd,
// or only the one of aiocbp. A job still waiting for a daemon is cancelled
// (aio_cancel_daemon_job): it completes with -1/ECANCELED and notifies as
// any completion does.
SysResult Kernel::aio_cancel(Process& p, std::int32_t fd, std::uint64_t ujob) {
  if (p.fds.find(fd) == nullptr) return SysResult::fail(Errno::kEBADF);
  if (!p.aio_info) return SysResult::ok(aiocancel::kAllDone);
  std::uint32_t cancelled = 0;
  for (std::size_t i = 0; i < aio_jobs_.size(); ++i) {
    const AioJob& j = aio_jobs_[i];
    if (!j.live || j.owner != p.pid || j.finished || j.fildes != fd || (ujob != 0 && j.ujob != ujob)) continue;
    const auto id = static_cast<std::uint32_t>(i);
    std::erase(aio_queue_, id);
    aio_complete(id, -1, Errno::kECANCELED);
    ++cancelled;
    if (ujob != 0) break;
  }
  return SysResult::ok(cancelled != 0 ? aiocancel::kCanceled : aiocancel::kAllDone);
}

// aio_proc_rundown (exit1's process_exit, exec's process_exec): queued jobs
// are cancelled without notification (KAIO_RUNDOWN), then every job and
// batch is freed, their knotes deleted.
void Kernel::aio_proc_rundown(Process& p) {
  if (!p.aio_info) return;
  for (std::size_t i = 0; i < aio_jobs_.size(); ++i) {
    AioJob& j = aio_jobs_[i];
    if (!j.live || j.owner != p.pid || j.finished) continue;
    const auto id = static_cast<std::uint32_t>(i);
    std::erase(aio_queue_, id);
    j.status = -1;
    j.error = Errno::kECANCELED;
    j.finished = true;
    aio_bio_done_notify(id, true);
  }
  for (std::size_t i = 0; i < aio_jobs_.size(); ++i) {
    if (aio_jobs_[i].live && aio_jobs_[i].owner == p.pid) aio_free_entry(static_cast<std::uint32_t>(i));
  }
  p.aio_info = false;
}

}  // namespace kqsim::model

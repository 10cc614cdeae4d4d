// Submitting asynchronous I/O (vfs_aio.c aio_aqueue, kern_lio_listio,
// kqfd_register in kern_event.c), and the aio system calls' entry point.
//
// When a request runs: aio_queue_file hands a request on a regular file or
// a directory to the aio daemons (aio_schedule), which run it
// asynchronously. The model runs it before the submitting call returns
// unless the request says "defer"; a deferred request stays queued
// (EINPROGRESS) until the daemons run: an explicit aio_run step, or any
// call that sleeps (a waiting kevent, nanosleep, lio_listio(LIO_WAIT)),
// since the daemons run while the caller sleeps. Both orders happen on a
// real kernel; which one a program sees there is a race.
#include <algorithm>
#include <climits>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

bool sig_valid(std::int32_t signo) { return signo > 0 && signo <= 128; }  // _SIG_VALID

std::string_view sigev_unsupported(std::int32_t notify) {
  if (notify == sigev::kThread) return "SIGEV_THREAD aio notification (librt's helper thread) is not modelled";
  if (notify == sigev::kSignal || notify == sigev::kThreadId) return "aio completion signals (SIGEV_SIGNAL, SIGEV_THREAD_ID) are not modelled";
  return {};
}

}  // namespace

SysResult Kernel::aio(Pid pid, const AioCall& call) {
  // The jobs and batches (completion signals are not modelled); a file a
  // freed job held to the last adds what its close changes (fdrop).
  SyscallScope scope(*this, kAioObjects);
  if (!profile_->has_aio_kevent) return SysResult::unsupported("aio with kqueue notification (SIGEV_KEVENT) does not exist in this dialect");
  Process& p = proc(pid);
  switch (call.op) {
    case AioOp::kRead: return aio_aqueue(p, call.cb, lio::kRead, kNoLio);
    case AioOp::kWrite: return aio_aqueue(p, call.cb, lio::kWrite, kNoLio);
    case AioOp::kError: return aio_error(p, call.cb.addr);
    case AioOp::kReturn: return aio_return(p, call.cb.addr);
    case AioOp::kCancel: return aio_cancel(p, call.cb.fildes, call.cb.addr);
    case AioOp::kLioListio: return lio_listio(p, call);
    case AioOp::kRun: {
      std::int64_t ran = 0;
      while (aio_daemons_run(call.cb.addr == 0 ? 0 : pid, call.cb.addr)) ++ran;
      return SysResult::ok(ran);
    }
  }
  return SysResult::unsupported("unknown aio call");
}

// aio_aqueue's checks, in its order, without changing anything: the errno
// (and whether aio_aqueue also stores it in the user's aiocb), or what the
// model cannot do. opcode is the aiocb's own for lio_listio entries.
Kernel::AioCheck Kernel::aio_check(const Process& p, const AioCb& cb, std::int32_t opcode) const {
  AioCheck c;
  auto fail = [&](Errno e, bool store) {
    c.result = SysResult::fail(e);
    c.store_error = store;
    return c;
  };
  auto unsupported = [&](std::string_view why) {
    c.result = SysResult::unsupported(why);
    return c;
  };
  std::uint32_t mine = 0, all = 0;
  for (const AioJob& j : aio_jobs_) {
    if (!j.live) continue;
    ++all;
    mine += j.owner == p.pid ? 1 : 0;
    if (j.owner == p.pid && j.ujob == cb.addr) return unsupported("an aiocb submitted again before aio_return (undefined in POSIX) is not modelled");
  }
  if (all >= profile_->aio_max_queue || mine >= profile_->aio_max_queue_per_proc) return fail(Errno::kEAGAIN, true);
  if (cb.nbytes > profile_->iosize_max) return fail(Errno::kEINVAL, false);
  const std::int32_t notify = cb.sigevent.notify;
  if (notify != sigev::kKevent && notify != sigev::kSignal && notify != sigev::kThreadId && notify != sigev::kNone) {
    if (notify == sigev::kThread) return unsupported(sigev_unsupported(notify));
    return fail(Errno::kEINVAL, true);
  }
  if (notify == sigev::kSignal || notify == sigev::kThreadId) {
    if (!sig_valid(cb.sigevent.signo)) return fail(Errno::kEINVAL, false);
    return unsupported(sigev_unsupported(notify));
  }
  // fget_write / fget_read / fget by opcode.
  const FdEntry* e = p.fds.find(cb.fildes);
  switch (opcode) {
    case lio::kWrite:
    case lio::kRead:
    case lio::kNop: break;
    case lio::kSync: return unsupported("LIO_SYNC (aio_fsync) is not modelled");
    case lio::kMlock: return unsupported("LIO_MLOCK (aio_mlock) is not modelled");
    case lio::kReadv:
    case lio::kWritev: return unsupported("LIO_READV/LIO_WRITEV (aio_readv, aio_writev) are not modelled");
    default: return fail(Errno::kEINVAL, true);
  }
  if (e == nullptr) return fail(Errno::kEBADF, true);
  const File& f = files_[e->file];
  if ((opcode == lio::kWrite && !f.writable) || (opcode == lio::kRead && !f.readable)) return fail(Errno::kEBADF, true);
  c.file = e->file;
  if ((opcode == lio::kRead || opcode == lio::kWrite) && cb.offset < 0) return fail(Errno::kEINVAL, true);
  if (opcode == lio::kNop) return c;
  if (notify == sigev::kKevent) {
    if ((cb.sigevent.kevent_flags & ~(ev::kClear | ev::kDispatch | ev::kOneshot)) != 0) return fail(Errno::kEINVAL, true);
    // kqfd_register: fget, then kqueue_acquire.
    const FdEntry* k = p.fds.find(cb.sigevent.kqueue);
    if (k == nullptr) return fail(Errno::kEBADF, true);
    if (files_[k->file].type != FileType::kKqueue) return fail(profile_->non_kqueue_errno, true);
    c.kq = files_[k->file].object;
    if (kqueues_[*c.kq].lookup(cb.addr, filt::kAio)) return unsupported("an EVFILT_AIO knote for this aiocb already exists");
  }
  // aio_queue_file: only regular files and directories of a local file
  // system are "safe" (a vnode vgonel took away is VBAD: not safe);
  // sockets have their own fo_aio_queue.
  switch (f.type) {
    case FileType::kVnode:
      if (!vnodes_[f.vnode].dead) return c;
      break;
    case FileType::kSocket: return unsupported("aio on sockets (soo_aio_queue: queued until the socket is ready) is not modelled");
    case FileType::kTerminal: return unsupported("aio on a terminal descriptor is not modelled");
    default: break;
  }
  if (profile_->aio_enable_unsafe) return unsupported("aio on pipes, FIFOs and other unsafe files (vfs.aio.enable_unsafe) is not modelled");
  return fail(Errno::kEOPNOTSUPP, true);
}

// The words aio_aqueue and aio_return write into the user's aiocb.
void Kernel::aio_store(Process& p, std::uint64_t ujob, std::int64_t status, std::int32_t error) {
  auto it = std::lower_bound(p.aiocb_words.begin(), p.aiocb_words.end(), ujob,
                             [](const AiocbWords& w, std::uint64_t a) { return w.addr < a; });
  if (it == p.aiocb_words.end() || it->addr != ujob) it = p.aiocb_words.insert(it, AiocbWords{ujob, 0, 0});
  it->status = status;
  it->error = error;
}

// aio_aqueue: status -1 and error 0 go into the aiocb first; a failing
// check stores its errno (most do) and returns it. A SIGEV_KEVENT request
// registers its knote (EV_ADD|EV_ENABLE|EV_FLAG1 plus the allowed
// EV_CLEAR/EV_DISPATCH/EV_ONESHOT, ident the aiocb's address, udata
// sigev_value) before the job is queued, and the registration's filter
// call sees error 0; then error becomes EINPROGRESS. LIO_NOP (a lio_listio
// entry) only checks the descriptor.
SysResult Kernel::aio_aqueue(Process& p, const AioCb& cb, std::int32_t opcode, std::uint32_t lio) {
  AioCheck c = aio_check(p, cb, opcode);
  if (!c.result.done()) return c.result;
  p.aio_info = true;  // aio_init_aioinfo
  aio_store(p, cb.addr, -1, 0);
  if (c.result.err != Errno::kNone) {
    if (c.store_error) aio_store(p, cb.addr, -1, static_cast<std::int32_t>(c.result.err));
    return c.result;
  }
  if (opcode == lio::kNop) return SysResult::ok(0);

  const auto id = static_cast<std::uint32_t>(aio_jobs_.size());
  AioJob job;
  job.live = true;
  job.owner = p.pid;
  job.ujob = cb.addr;
  job.fildes = cb.fildes;
  job.opcode = opcode;
  job.offset = cb.offset;
  job.nbytes = cb.nbytes;
  job.lio = lio;
  aio_jobs_.push_back(std::move(job));
  if (c.kq) {
    const auto flags = static_cast<EventFlags>(ev::kAdd | ev::kEnable | ev::kFlag1 | cb.sigevent.kevent_flags);
    const Errno err = kqfd_register(*c.kq, KEvent{cb.addr, filt::kAio, flags, 0, id, cb.sigevent.value}, p);
    (void)err;  // aio_check found the kqueue and no knote in the way: kqueue_register cannot fail
  }
  AioJob& j = aio_jobs_[id];
  j.error = Errno::kEINPROGRESS;
  aio_store(p, cb.addr, -1, static_cast<std::int32_t>(Errno::kEINPROGRESS));
  j.file = c.file;
  fhold(c.file);  // fget's reference, released by aio_free_entry
  if (lio != kNoLio) ++aio_lios_[lio].count;
  if (cb.defer) {
    aio_queue_.push_back(id);
  } else {
    aio_process_rw(id);
  }
  return SysResult::ok(0);
}

// kqfd_register: a kernel registration, which keeps EV_FLAG1 (kevent()
// strips it from user changes), so filt_aioattach/filt_lioattach accept it.
Errno Kernel::kqfd_register(std::uint32_t kq, KEvent kev, Process& p) { return kqueue_register(kq, kev, p).err; }

// kern_lio_listio. The batch holds one extra count during the call, so its
// EVFILT_LIO knote (ident the list's address, no kevent flags of its own)
// fires only once every entry is queued and done. Entry errors do not stop
// the batch: EIO if any failed, else EAGAIN if any hit a limit.
SysResult Kernel::lio_listio(Process& p, const AioCall& call) {
  if (call.mode != lio::kNowait && call.mode != lio::kWait) return SysResult::fail(Errno::kEINVAL);
  if (call.list.size() > profile_->aio_max_queue_per_proc) return SysResult::fail(Errno::kEINVAL);
  // sys_lio_listio reads sig only for LIO_NOWAIT.
  const std::optional<SigEvent> sig = call.mode == lio::kNowait ? call.sig : std::nullopt;
  // What the model cannot do must be found before anything changes.
  if (sig && !sigev_unsupported(sig->notify).empty() && (sig->notify == sigev::kThread || sig_valid(sig->signo))) {
    return SysResult::unsupported(sigev_unsupported(sig->notify));
  }
  for (std::size_t i = 0; i < call.list.size(); ++i) {
    const AioCb& e = call.list[i];
    if (e.addr == 0) continue;
    for (std::size_t k = 0; k < i; ++k) {
      if (call.list[k].addr == e.addr) return SysResult::unsupported("one aiocb twice in a lio_listio list is not modelled");
    }
    AioCheck c = aio_check(p, e, e.lio_opcode);
    if (!c.result.done()) return c.result;
  }
  std::optional<std::uint32_t> kq;
  if (sig && sig->notify == sigev::kKevent) {
    const FdEntry* k = p.fds.find(sig->kqueue);
    if (k != nullptr && files_[k->file].type == FileType::kKqueue) {
      kq = files_[k->file].object;
      if (kqueues_[*kq].lookup(call.list_addr, filt::kLio)) return SysResult::unsupported("an EVFILT_LIO knote for this list already exists");
    }
  }

  p.aio_info = true;
  if (sig) {
    if (sig->notify == sigev::kKevent) {
      const FdEntry* k = p.fds.find(sig->kqueue);
      if (k == nullptr) return SysResult::fail(Errno::kEBADF);
      if (!kq) return SysResult::fail(profile_->non_kqueue_errno);
    } else if (sig->notify != sigev::kNone) {
      return SysResult::fail(Errno::kEINVAL);  // an unknown notify, or a signal number that is not one
    }
  }
  const auto id = static_cast<std::uint32_t>(aio_lios_.size());
  AioLio lj;
  lj.live = true;
  lj.owner = p.pid;
  lj.uaddr = call.list_addr;
  lj.kevent = kq.has_value();
  aio_lios_.push_back(std::move(lj));
  if (kq) {
    const auto flags = static_cast<EventFlags>(ev::kAdd | ev::kEnable | ev::kFlag1);
    (void)kqfd_register(*kq, KEvent{call.list_addr, filt::kLio, flags, 0, id, sig->value}, p);
  }
  aio_lios_[id].count = 1;

  std::uint32_t nagain = 0, nerror = 0;
  for (const AioCb& e : call.list) {
    if (e.addr == 0) continue;
    SysResult r = aio_aqueue(p, e, e.lio_opcode, id);
    if (r.err == Errno::kEAGAIN) ++nagain;
    else if (r.err != Errno::kNone) ++nerror;
  }
  if (call.mode == lio::kWait) {
    // The caller sleeps until its jobs are done; the daemons run meanwhile.
    while (aio_lios_[id].count - 1 != aio_lios_[id].finished_count && aio_daemons_run()) {}
  } else if (aio_lios_[id].count - 1 == aio_lios_[id].finished_count && aio_lios_[id].kevent) {
    aio_lios_[id].kevent_posted = true;
    knote_post(aio_lios_[id].knotes, 1);
  }
  if (--aio_lios_[id].count == 0) lio_free(id);
  if (nerror != 0) return SysResult::fail(Errno::kEIO);
  if (nagain != 0) return SysResult::fail(Errno::kEAGAIN);
  return SysResult::ok(0);
}

}  // namespace kqsim::model

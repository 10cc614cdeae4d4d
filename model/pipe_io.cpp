// sys_pipe.c: pipe_read, pipe_write, pipeclose - the pipe state changes that
// post knotes.
#include <algorithm>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

// A kqueue's and a process descriptor's fo_read/fo_write are invfo_rdwr
// (kqueueops, procdesc_ops); the terminal is not modelled.
std::optional<SysResult> not_a_pipe(const File& f) {
  if (f.type == FileType::kKqueue || f.type == FileType::kProcdesc) return SysResult::fail(Errno::kEOPNOTSUPP);
  if (f.type == FileType::kTerminal) return SysResult::unsupported("I/O on a terminal descriptor is not modelled");
  return std::nullopt;
}

}  // namespace

SysResult Kernel::read(Pid pid, std::int32_t fd, std::int64_t nbytes) {
  SyscallScope scope(*this, 0U);  // what the descriptor is, once known
  // sys_read: a size above IOSIZE_MAX fails before the descriptor is looked
  // at; dofileread returns 0 for an empty request without calling fo_read.
  if (nbytes < 0) return SysResult::fail(Errno::kEINVAL);
  const FdEntry* e = proc(pid).fds.find(fd);
  if (e == nullptr) return SysResult::fail(Errno::kEBADF);
  File& f = files_[e->file];
  touched_objects_ |= objects_of(f);
  if (!f.readable) return SysResult::fail(Errno::kEBADF);  // fget_read
  if (nbytes == 0) return SysResult::ok(0);
  if (f.type == FileType::kSocket) return soo_read(f, nbytes);
  if (f.type == FileType::kVnode) return vn_read(f, nbytes);
  if (auto r = not_a_pipe(f)) return *r;
  PipeEnd& rpipe = end(f.object);
  if (rpipe.buffered > 0) {
    auto n = static_cast<std::uint32_t>(std::min<std::int64_t>(nbytes, rpipe.buffered));
    rpipe.buffered -= n;
    // pipeselwakeup only once a writer could make progress.
    if (rpipe.buffer_size - rpipe.buffered >= profile_->pipe_buf) knote_post(rpipe.knotes);
    return SysResult::ok(n);
  }
  if (rpipe.eof) return SysResult::ok(0);
  if (f.nonblock) return SysResult::fail(Errno::kEAGAIN);
  return SysResult::blocked("read() on an empty pipe waits for a writer");
}

// pipe_write. Before copying, a buffer too small for the request grows by
// doubling from max(SMALL_PIPE_SIZE, size), up to BIG_PIPE_SIZE, when
// pipe_map has room for the new buffer (pipe_map.hpp). A blocking
// write of PIPE_MINDIRECT bytes or more goes direct and waits until the
// reader has taken it all; non-blocking writes never do. Non-blocking writes
// of at most PIPE_BUF bytes are all or nothing; longer ones are partial.
SysResult Kernel::file_write(Pid pid, std::int32_t fd, std::int64_t nbytes) {
  if (nbytes < 0) return SysResult::fail(Errno::kEINVAL);  // sys_write: above IOSIZE_MAX
  const FdEntry* e = proc(pid).fds.find(fd);
  if (e == nullptr) return SysResult::fail(Errno::kEBADF);
  File& f = files_[e->file];
  touched_objects_ |= objects_of(f);
  if (!f.writable) return SysResult::fail(Errno::kEBADF);  // fget_write
  if (f.type == FileType::kSocket) return soo_write(f, nbytes);
  if (f.type == FileType::kVnode) return vn_write(f, nbytes);
  if (auto r = not_a_pipe(f)) return *r;
  PipeEnd& wpipe = end(pipe_write_end(f.object));
  if (!wpipe.active || wpipe.eof) return SysResult::fail(Errno::kEPIPE);  // write() raises SIGPIPE

  std::int64_t desired = std::max(profile_->small_pipe_size, wpipe.buffer_size);
  while (desired < wpipe.buffered + nbytes && desired < profile_->big_pipe_size) desired *= 2;
  desired = std::min<std::int64_t>(desired, profile_->big_pipe_size);
  // pipe_write ignores pipespace's ENOMEM: the write goes on with the old buffer.
  if (desired != wpipe.buffer_size) pipespace(wpipe, static_cast<std::uint32_t>(desired));

  const std::int64_t space = wpipe.buffer_size - wpipe.buffered;
  SysResult result;
  if (!f.nonblock && nbytes >= profile_->pipe_mindirect && wpipe.buffer_size >= profile_->pipe_mindirect) {
    return SysResult::blocked("a blocking pipe write of PIPE_MINDIRECT bytes or more waits for the reader");
  }
  if (!f.nonblock && nbytes > space) return SysResult::blocked("a blocking pipe write larger than the free space waits for a reader");
  if (nbytes <= static_cast<std::int64_t>(profile_->pipe_buf) && space < nbytes) {
    result = SysResult::fail(Errno::kEAGAIN);
  } else {
    std::int64_t n = std::min(nbytes, space);
    wpipe.buffered += static_cast<std::uint32_t>(n);
    if (n > 0) pipe_map_.touch(wpipe.buffer_page);  // uiomove into the buffer faults its pages in
    result = (n == 0 && nbytes > 0) ? SysResult::fail(Errno::kEAGAIN) : SysResult::ok(n);
  }
  if (wpipe.buffered > 0) knote_post(wpipe.knotes);
  return result;
}

// write(2): dofilewrite raises SIGPIPE at the writer on EPIPE from a pipe,
// FIFO or file; for a socket sousrsend does (SO_NOSIGPIPE is not modelled).
// A process whose SIGPIPE is ignored (every process of a trace starts so:
// kernel_fd.cpp) only sees the EPIPE; EVFILT_SIGNAL hears of it either way.
SysResult Kernel::write(Pid pid, std::int32_t fd, std::int64_t nbytes) {
  SyscallScope scope(*this, 0U);  // what the descriptor is (file_write), or anything a signal does
  SysResult r = file_write(pid, fd, nbytes);
  if (r.err == Errno::kEPIPE) {
    touched_objects_ = kAllObjects;  // SIGPIPE may end the process
    SysResult sig = psignal(proc(pid), sig::kPipe);
    if (!sig.done()) return sig;
  }
  return r;
}

// pipeclose: EOF on the closing end and its knotes told, then EOF on the
// peer and its knotes told; finally the closing end's own list is cleared,
// which turns the peer's EVFILT_WRITE knotes into EV_EOF|EV_ONESHOT.
void Kernel::pipe_close(std::uint32_t end_id) {
  PipeEnd& cpipe = end(end_id);
  cpipe.eof = true;
  knote_post(cpipe.knotes);
  PipeEnd& ppipe = end(pipe_peer_id(end_id));
  if (ppipe.active) {
    ppipe.eof = true;
    knote_post(ppipe.knotes);
  }
  cpipe.active = false;
  pipe_free_kmem(cpipe);
  knlist_clear(end(end_id).knotes);
}

// pipe_create: a new end's buffer; pipespace_new falls back to
// SMALL_PIPE_SIZE when the size asked for finds no room, and a page always
// fits in pipe_map (pipe_map.hpp), so creation never fails here.
void Kernel::pipe_create(PipeEnd& pipe, std::uint32_t size) {
  pipe.mapped = false;
  pipespace(pipe, size);
}

// pipespace_new: the new buffer is mapped before the old one is unmapped, so
// a resize never reuses its own pages; a resize that finds no room keeps the
// old buffer (ENOMEM, kern.ipc.piperesizefail).
bool Kernel::pipespace(PipeEnd& cpipe, std::uint32_t size) {
  const std::uint32_t page = profile_->small_pipe_size;
  for (;;) {
    const std::uint32_t pages = (std::max(size, cpipe.mapped ? cpipe.buffered : 0U) + page - 1) / page;
    if (auto at = pipe_map_.insert(pages)) {
      pipe_free_kmem(cpipe);
      cpipe.buffer_page = *at;
      cpipe.buffer_size = pages * page;
      cpipe.mapped = true;
      return true;
    }
    if (cpipe.mapped || size <= page) return false;
    size = page;
  }
}

// pipe_free_kmem: unmaps the buffer; the size stays (pipe_buffer.size).
void Kernel::pipe_free_kmem(PipeEnd& cpipe) {
  if (!cpipe.mapped) return;
  pipe_map_.remove(cpipe.buffer_page, cpipe.buffer_size / profile_->small_pipe_size);
  cpipe.mapped = false;
}

}  // namespace kqsim::model

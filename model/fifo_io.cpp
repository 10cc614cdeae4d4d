// fifo_vnops.c fifo_open / fifo_close / fifo_cleanup: a FIFO is the pipe
// code on one pipe (PIPE_TYPE_NAMED), created by the first open and
// destroyed when the last reader and writer are gone.
#include "model/kernel.hpp"

namespace kqsim::model {

// Would-block opens are refused before anything changes: a blocking open
// waits for a peer, which a single thread of control cannot provide.
SysResult Kernel::fifo_open(File& f, std::uint32_t vnode, std::uint32_t oflags) {
  const bool nonblock = (oflags & oflag::kNonblock) != 0;
  const bool rd = f.readable;
  const bool wr = f.writable;
  if (!nonblock && rd && !wr && vnodes_[vnode].fifo_writers == 0) {
    return SysResult::unsupported("a blocking open of a FIFO for reading waits for a writer (use O_NONBLOCK)");
  }
  if (!nonblock && wr && !rd && vnodes_[vnode].fifo_readers == 0) {
    return SysResult::unsupported("a blocking open of a FIFO for writing waits for a reader (use O_NONBLOCK)");
  }
  if (nonblock && wr && !rd && vnodes_[vnode].fifo_readers == 0) return SysResult::fail(Errno::kENXIO);
  if (vnodes_[vnode].fifo_pipe == kNoPipe) {  // pipe_named_ctor: rpipe of a new pair, PIPE_SIZE
    PipePair pp;
    pipe_create(pp.ends[0], profile_->pipe_size);
    pipe_create(pp.ends[1], profile_->reverse_pipe_size);
    pp.ends[0].named = true;
    pipes_.push_back(pp);
    vnodes_[vnode].fifo_pipe = static_cast<std::uint32_t>(pipes_.size() - 1);
  }
  Vnode& v = vnodes_[vnode];
  f.object = pipe_end_id(v.fifo_pipe, 0);
  PipeEnd& fpipe = end(f.object);
  if (rd) {
    // The first reader clears EOF and wakes the writers' knotes.
    if (++v.fifo_readers == 1) {
      fpipe.eof = false;
      if (v.fifo_writers > 0) knote_post(fpipe.knotes);
    }
    // A reader sees EOF only after a writer that is not already here leaves.
    f.pipegen = fpipe.wgen - v.fifo_writers;
  }
  if (wr) {
    if (++v.fifo_writers == 1) {
      fpipe.eof = false;
      if (v.fifo_readers > 0) knote_post(fpipe.knotes);
    }
  }
  return SysResult::ok(0);
}

// The last reader leaving sets EOF (writers see EV_EOF, writes fail with
// EPIPE); the last writer leaving sets EOF and advances pipe_wgen, so
// readers that opened before see EOF. With neither left, fifo_cleanup
// destroys the pipe and its data.
void Kernel::fifo_close(const File& f) {
  Vnode& v = vnodes_[f.vnode];
  PipeEnd& cpipe = end(f.object);
  if (f.readable && --v.fifo_readers == 0) {
    cpipe.eof = true;
    knote_post(cpipe.knotes);
  }
  if (f.writable && --v.fifo_writers == 0) {
    cpipe.eof = true;
    ++cpipe.wgen;
    knote_post(cpipe.knotes);
  }
  if (v.fifo_readers == 0 && v.fifo_writers == 0) {
    PipePair& pp = pipes_[v.fifo_pipe];
    pp.ends[0].active = false;
    pp.ends[1].active = false;
    pp.ends[0].buffered = 0;
    pipe_free_kmem(pp.ends[0]);  // fifo_cleanup -> pipe_dtor: pipeclose of both ends
    pipe_free_kmem(pp.ends[1]);
    v.fifo_pipe = kNoPipe;
  }
}

}  // namespace kqsim::model

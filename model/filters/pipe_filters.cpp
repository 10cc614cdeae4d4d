// sys_pipe.c: pipe_kqfilter, filt_piperead, filt_pipewrite.
#include "model/kernel.hpp"

namespace kqsim::model {

// EVFILT_READ hangs on the descriptor's own end; EVFILT_WRITE hangs on the
// peer, whose buffer it measures, and needs a live peer (C11: EPIPE).
Kernel::RegisterOutcome Kernel::pipe_kqfilter(KnoteRef ref) {
  Knote& kn = at(ref);
  std::uint32_t own = files_[kn.file].object;
  if (kn.kev.filter == filt::kRead) {
    kn.kind = FilterKind::kPipeRead;
    kn.object = own;
  } else if (kn.kev.filter == filt::kWrite) {
    if (!end(pipe_peer_id(own)).active) return {Errno::kEPIPE, {}};
    kn.kind = FilterKind::kPipeWrite;
    kn.object = pipe_peer_id(own);
  } else {
    return {Errno::kEINVAL, {}};
  }
  end(kn.object).knotes.add(ref);
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDetached);
  return {};
}

void Kernel::filt_pipedetach(KnoteRef ref) { end(at(ref).object).knotes.remove(ref); }

// data = bytes buffered. EV_EOF follows the pipe's state both ways: it is
// cleared again while the pipe is not at EOF. Pipes ignore NOTE_LOWAT
// (observed on 13.2 and 15.1).
bool Kernel::filt_piperead(Knote& kn, std::int64_t) {
  const PipeEnd& rpipe = end(kn.object);
  kn.kev.data = rpipe.buffered;
  if (rpipe.eof) {
    kn.kev.flags |= ev::kEof;
    return true;
  }
  kn.kev.flags = static_cast<EventFlags>(kn.kev.flags & ~ev::kEof);
  return kn.kev.data > 0;
}

// data = free space in the peer's buffer, computed only while the peer is
// present, so after the reader closes the knote keeps its last value (C11).
bool Kernel::filt_pipewrite(Knote& kn, std::int64_t) {
  const PipeEnd& wpipe = end(kn.object);
  if (wpipe.active) {
    kn.kev.data = wpipe.buffer_size > 0 ? wpipe.buffer_size - wpipe.buffered : profile_->pipe_buf;
  }
  if (!wpipe.active || wpipe.eof) {
    kn.kev.flags |= ev::kEof;
    return true;
  }
  kn.kev.flags = static_cast<EventFlags>(kn.kev.flags & ~ev::kEof);
  return kn.kev.data >= static_cast<std::int64_t>(profile_->pipe_buf);
}

}  // namespace kqsim::model

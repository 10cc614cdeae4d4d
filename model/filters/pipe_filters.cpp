// sys_pipe.c: pipe_kqfilter, filt_piperead, filt_pipewrite.
#include "model/kernel.hpp"

namespace kqsim::model {

// EVFILT_READ hangs on the descriptor's own end; EVFILT_WRITE hangs on the
// end a write fills (the peer; a FIFO's one pipe) and needs a live peer
// (C11: EPIPE). On a FIFO descriptor opened without FREAD (FWRITE) the
// READ (WRITE) filter is accepted but never fires (pipe_nfiltops), and the
// other filters go to the vnode (vfs_kqfilter).
Kernel::RegisterOutcome Kernel::pipe_kqfilter(KnoteRef ref) {
  Knote& kn = at(ref);
  const File& f = files_[kn.file];
  std::uint32_t own = f.object;
  if ((kn.kev.filter == filt::kRead && !f.readable) || (kn.kev.filter == filt::kWrite && !f.writable)) {
    kn.kind = FilterKind::kPipeNull;
    kn.object = own;
    return {};
  }
  if (kn.kev.filter == filt::kRead) {
    kn.kind = FilterKind::kPipeRead;
    kn.object = own;
  } else if (kn.kev.filter == filt::kWrite) {
    if (!end(pipe_peer_id(own)).active) return {Errno::kEPIPE, {}};
    kn.kind = FilterKind::kPipeWrite;
    kn.object = pipe_write_end(own);
  } else if (end(own).named && profile_->fifo_other_filters_to_vnode) {
    return vfs_kqfilter(ref);
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
// (observed on 13.2 and 15.1). A FIFO reader sees EOF only once a writer
// left after its open (f_pipegen != pipe_wgen).
bool Kernel::filt_piperead(Knote& kn, std::int64_t) {
  const PipeEnd& rpipe = end(kn.object);
  kn.kev.data = rpipe.buffered;
  if (rpipe.eof && (!rpipe.named || files_[kn.file].pipegen != rpipe.wgen)) {
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
  if (wpipe.active || wpipe.named) {
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

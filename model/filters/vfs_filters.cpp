// vfs_subr.c: vfs_kqfilter, filt_vfsread, filt_vfswrite, filt_vfsvnode. The
// three filters hang on the vnode's one list, so every VOP_*_post hint
// re-evaluates READ and WRITE knotes too.
#include "model/kernel.hpp"

namespace kqsim::model {

Kernel::RegisterOutcome Kernel::vfs_kqfilter(KnoteRef ref) {
  Knote& kn = at(ref);
  const std::uint32_t vp = files_[kn.file].vnode;
  switch (kn.kev.filter) {
    case filt::kRead:
      // vn_getsize of a directory is the file system's own business; a dead
      // one (VBAD) never gets that far.
      if (vnodes_[vp].type == VnodeType::kDirectory && !vnodes_[vp].dead) {
        return {Errno::kNone, "EVFILT_READ on a directory is not modelled"};
      }
      kn.kind = FilterKind::kVnodeRead;
      break;
    case filt::kWrite: kn.kind = FilterKind::kVnodeWrite; break;
    case filt::kVnode: kn.kind = FilterKind::kVnode; break;
    default: return {Errno::kEINVAL, {}};  // EVFILT_EMPTY and the rest
  }
  kn.object = vp;
  vnodes_[vp].knotes.add(ref);
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kDetached);
  return {};
}

void Kernel::filt_vfsdetach(KnoteRef ref) { vnodes_[at(ref).object].knotes.remove(ref); }

// The vnode was revoked (vop_reclaim_post posts NOTE_REVOKE) or is dead by
// the time the knote is checked (hint 0, v_type VBAD): "filesystem is gone".
bool Kernel::vfs_gone(const Knote& kn, std::int64_t hint) const {
  return hint == note::kRevoke || (hint == 0 && vnodes_[kn.object].dead);
}

// data = size - the knote's file offset, negative past the end. True when
// data != 0, or always with NOTE_FILE_POLL (the poll(2) answer). Once the
// vnode is gone: EV_EOF|EV_ONESHOT, true, data as last computed. Another
// hint on a dead vnode (a close's) asks the size (VOP_GETATTR on 13.2,
// vn_getsize_locked on 15.1), which deadfs refuses: false, data untouched
// (regression trace dead-vnode-read-knote-keeps-data, recorded on both).
bool Kernel::filt_vfsread(Knote& kn, std::int64_t hint) {
  if (vfs_gone(kn, hint)) {
    kn.kev.flags |= ev::kEof | ev::kOneshot;
    return true;
  }
  if (vnodes_[kn.object].dead) return false;
  kn.kev.data = vnodes_[kn.object].size - files_[kn.file].offset;
  return (kn.sfflags & note::kFilePoll) != 0 || kn.kev.data != 0;
}

// Always writable, data 0; EV_EOF|EV_ONESHOT once the vnode is gone.
bool Kernel::filt_vfswrite(Knote& kn, std::int64_t hint) {
  if (vfs_gone(kn, hint)) kn.kev.flags |= ev::kEof | ev::kOneshot;
  kn.kev.data = 0;
  return true;
}

// A hint that shares a bit with the interest mask is OR-ed in whole, so
// unrequested bits posted with a requested one show up (T/vnode.c
// note_write: NOTE_WRITE|NOTE_EXTEND). fflags only grow: without EV_CLEAR
// the knote stays true. Once the vnode is gone it sets EV_EOF (not
// EV_ONESHOT) and is true whatever its fflags: NOTE_REVOKE shows only if it
// was asked for, and a dead vnode's knote fires with fflags 0 otherwise.
bool Kernel::filt_vfsvnode(Knote& kn, std::int64_t hint) {
  if ((kn.sfflags & static_cast<std::uint32_t>(hint)) != 0) kn.kev.fflags |= static_cast<std::uint32_t>(hint);
  if (vfs_gone(kn, hint)) {
    kn.kev.flags |= ev::kEof;
    return true;
  }
  return kn.kev.fflags != 0;
}

}  // namespace kqsim::model

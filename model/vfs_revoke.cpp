// Taking vnodes away: revoke(2) (vfs_syscalls.c sys_revoke) and a forced
// unmount(2) of the simulated file system (vfs_mount.c kern_unmount,
// dounmount, vflush with FORCECLOSE), both of which end in vgonel
// (vfs_subr.c). vgonel's VOP_RECLAIM posts NOTE_REVOKE through
// vop_reclaim_post; the vnode then answers with deadfs (dead_vnops.c).
#include "model/kernel.hpp"

namespace kqsim::model {

// sys_revoke: namei (FOLLOW) first, then "if (vp->v_type != VCHR ||
// vp->v_rdev == NULL) error = EINVAL" - FreeBSD revokes character devices
// only (revoke(2): "only supported on character devices"). The simulated
// file system has regular files, directories and FIFOs, so an existing name
// is always EINVAL; nothing is revoked and nothing is posted.
SysResult Kernel::revoke(Pid, std::string_view path) {
  SyscallScope scope(*this);
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  Lookup l = namei(path);
  if (l.err != Errno::kNone) return SysResult::fail(l.err);
  if (!l.vnode) return SysResult::fail(Errno::kENOENT);
  return SysResult::fail(Errno::kEINVAL);
}

// kern_unmount looks the path up, turns it into a global path and compares
// it with each mount's f_mntonname; no match is EINVAL ("we cannot tell
// these apart now, so ... return the more likely EINVAL"), for a missing
// path too. The only mount the model has is the simulated file system,
// mounted on "." - the directory every process works in. The caller is
// taken to be privileged (priv_check PRIV_VFS_UNMOUNT; an unprivileged one
// would get EPERM before anything else).
//
// dounmount without MNT_FORCE: vflush finds busy vnodes - at least the root,
// which is every process's working directory - and the unmount is EBUSY.
// With MNT_FORCE, vflush(FORCECLOSE) runs vgonel on every vnode of the mount,
// in the order of the mount's vnode list (insmntque appends: creation order,
// verify-on-host for vnodes the kernel recycled). Afterwards the names
// resolve in the covered directory, which the model does not know.
SysResult Kernel::unmount(Pid, std::string_view path, std::uint32_t mnt_flags) {
  SyscallScope scope(*this);
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  if ((mnt_flags & ~mntflag::kForce) != 0) return SysResult::unsupported("unmount flags other than MNT_FORCE");
  Lookup l = namei(path);
  if (l.err != Errno::kNone || !l.vnode || *l.vnode != kRootVnode) return SysResult::fail(Errno::kEINVAL);
  if ((mnt_flags & mntflag::kForce) == 0) return SysResult::fail(Errno::kEBUSY);
  for (const Vnode& v : vnodes_) {
    // fifo_close and the FIFO's pipe under vgonel are not modelled.
    if (v.type == VnodeType::kFifo && v.fifo_pipe != kNoPipe) return SysResult::unsupported("a forced unmount while a FIFO is open");
  }
  for (std::uint32_t vp = 0; vp < vnodes_.size(); ++vp) vgonel(vp);
  fs_unmounted_ = true;
  return SysResult::ok(0);
}

// vgonel: VIRF_DOOMED first, so the VOP_CLOSE it sends an active vnode
// (NOCRED) posts nothing (vop_close_post "filter out revokes"); then
// VOP_RECLAIM, whose vop_reclaim_post posts NOTE_REVOKE to every knote on
// the vnode; finally v_op = dead_vnodeops and v_type = VBAD. The knotes stay
// on the vnode's list, held by their files.
void Kernel::vgonel(std::uint32_t vp) {
  if (vnodes_[vp].dead) return;
  vnodes_[vp].dead = true;
  vn_knote(vp, note::kRevoke);
}

}  // namespace kqsim::model

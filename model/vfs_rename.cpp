// kern_renameat and vop_rename_post (vfs_subr.c): which directory and which
// vnodes a rename tells, and with what.
#include <algorithm>
#include <cassert>

#include "model/kernel.hpp"

namespace kqsim::model {

// vop_rename_post. Within one directory: NOTE_WRITE (plus NOTE_LINK when a
// directory is replaced), posted to it twice (as fdvp and as tdvp). Across
// directories: NOTE_WRITE|NOTE_EXTEND on both, with NOTE_LINK when a
// directory moves - except on the target when it replaces a directory,
// whose link count does not change. Then NOTE_RENAME on the moved vnode and
// NOTE_DELETE on the replaced one.
//
// "Replaces a directory" is read from the replaced vnode's v_type after
// ufs_rename let go of it: a replaced directory no open file holds was
// recycled by then (its last vput ran ufs_inactive, which frees the
// unlinked inode and vrecycles the vnode: v_type VBAD), so it counts as no
// directory - the parent gets no NOTE_LINK within one directory, and
// NOTE_LINK stays on the target across directories (recorded on 13.2 and
// 15.1: regressions/rename-onto-unopened-directory; R41).
void Kernel::rename_post(std::uint32_t fdvp, std::uint32_t tdvp, std::uint32_t fvp, std::optional<std::uint32_t> tvp) {
  const bool fvp_dir = vnodes_[fvp].type == VnodeType::kDirectory;
  const bool tvp_dir = tvp && vnodes_[*tvp].type == VnodeType::kDirectory && vnode_open(*tvp);
  std::int64_t hint = note::kWrite;
  if (fdvp == tdvp) {
    if (tvp_dir) hint |= note::kLink;
    vn_knote(fdvp, hint);
    vn_knote(tdvp, hint);
  } else {
    hint |= note::kExtend;
    if (fvp_dir) hint |= note::kLink;
    vn_knote(fdvp, hint);
    if (fvp_dir && tvp_dir) hint &= ~static_cast<std::int64_t>(note::kLink);
    vn_knote(tdvp, hint);
  }
  vn_knote(fvp, note::kRename);
  if (tvp) vn_knote(*tvp, note::kDelete);
}

bool Kernel::vnode_open(std::uint32_t vnode) const {
  return std::any_of(files_.begin(), files_.end(), [&](const File& f) { return !f.closed && f.vnode == vnode; });
}

// ufs_checkpath: a directory moving to a new parent must not move below
// itself, so the target's ancestors are walked up to the file system's root
// (the model's root is one) or the source's parent. Each step asks for a
// directory's parent. The name cache answers (ufs_dir_dd_ino's
// vn_dir_dd_ino): the rename's own lookup of the target path entered every
// directory on it, whatever an earlier rename's cache_purge(fdvp) took out,
// and the walk ends at the root before it needs a name above the path. But
// not when the rename itself holds that parent locked - the source's parent
// or the source - and then the directory's ".." is read through vn_rdwr,
// whose VOP_READ posts NOTE_READ on it (R32: 13.2 and 15.1,
// regressions/rename-directory-to-new-parent-reads-it). EINVAL when the
// source is an ancestor.
Errno Kernel::ufs_checkpath(std::uint32_t fdvp, std::uint32_t fvp, std::uint32_t tdvp) {
  if (tdvp == kRootVnode) return Errno::kNone;
  for (std::uint32_t vp = tdvp, steps = 0;; ++steps) {
    assert(steps < vnodes_.size());  // every walk ends at the root
    const std::uint32_t parent = vnodes_[vp].parent;
    if (parent == fdvp || parent == fvp) vn_knote(vp, note::kRead);
    if (parent == fvp) return Errno::kEINVAL;
    if (parent == kRootVnode || parent == fdvp) return Errno::kNone;
    vp = parent;
  }
}

SysResult Kernel::rename(Pid, std::string_view from, std::string_view to) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);  // the namespace, once past the checks
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  Lookup src = namei(from);
  if (src.err != Errno::kNone) return SysResult::fail(src.err);
  if (!src.vnode) return SysResult::fail(Errno::kENOENT);
  Lookup dst = namei(to);
  if (dst.err != Errno::kNone) return SysResult::fail(dst.err);
  return rename_checked(src, dst);
}

// The checks of kern_renameat and ufs_rename, then the move.
SysResult Kernel::rename_checked(const Lookup& src, const Lookup& dst) {
  const std::uint32_t fvp = *src.vnode;
  if (src.name.empty() || src.name == "." || src.name == ".." || dst.name.empty() || dst.name == "." ||
      dst.name == "..") {
    return SysResult::fail(Errno::kEINVAL);
  }
  // Two names of one file: rename does nothing and succeeds, VOP_RENAME is not called.
  if (dst.vnode == fvp) return SysResult::ok(0);
  const bool fvp_dir = vnodes_[fvp].type == VnodeType::kDirectory;
  if (dst.vnode) {
    const Vnode& t = vnodes_[*dst.vnode];
    if (fvp_dir && t.type != VnodeType::kDirectory) return SysResult::fail(Errno::kENOTDIR);
    if (!fvp_dir && t.type == VnodeType::kDirectory) return SysResult::fail(Errno::kEISDIR);
  }
  if (dst.dir == fvp) return SysResult::fail(Errno::kEINVAL);  // kern_renameat: into itself
  if (fvp_dir && src.dir != dst.dir) {
    if (Errno e = ufs_checkpath(src.dir, fvp, dst.dir); e != Errno::kNone) return SysResult::fail(e);
  }
  if (dst.vnode && vnodes_[*dst.vnode].type == VnodeType::kDirectory) {
    // ufs_rename's ufs_dirempty reads the target through vn_rdwr, whose
    // VOP_READ posts NOTE_READ on it, empty or not, as ufs_rmdir's does
    // (R23: 13.2 and 15.1, regressions/rename-onto-directory-reads-it).
    vn_knote(*dst.vnode, note::kRead);
    if (!vnodes_[*dst.vnode].entries.empty()) return SysResult::fail(Errno::kENOTEMPTY);
  }
  namespace_changing();
  if (dst.vnode) {
    Vnode& t = vnodes_[*dst.vnode];
    if (t.type == VnodeType::kDirectory) {
      t.nlink = 0;
      --vnodes_[dst.dir].nlink;
    } else {
      --t.nlink;
    }
  }
  vnodes_[src.dir].entries.erase(src.name);
  vnodes_[dst.dir].entries[dst.name] = fvp;
  if (fvp_dir && src.dir != dst.dir) {
    --vnodes_[src.dir].nlink;
    ++vnodes_[dst.dir].nlink;
    vnodes_[fvp].parent = dst.dir;
  }
  rename_post(src.dir, dst.dir, fvp, dst.vnode);
  return SysResult::ok(0);
}

}  // namespace kqsim::model

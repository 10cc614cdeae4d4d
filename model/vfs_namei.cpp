// The simulated file system's namespace (vfs_lookup.c namei, vfs_syscalls.c
// kern_mkdirat, kern_rmdirat, kern_mkfifoat, kern_funlinkat, kern_renameat,
// kern_linkat, kern_fchmodat, kern_truncate) and the knotes each operation
// posts through the VOP_*_post hooks of vfs_subr.c. Permission bits are kept
// but not enforced: whether a call is refused depends on who runs it, which
// a trace does not say; an open the mode would refuse an owner is reported
// as unsupported instead (vfs_io.cpp).
#include "model/kernel.hpp"

namespace kqsim::model {

// namei with the parent kept (LOCKPARENT): every component but the last must
// be a directory; "." and ".." are followed; empty components are skipped,
// but a trailing slash after an existing non-directory is ENOTDIR.
Kernel::Lookup Kernel::namei(std::string_view path) const {
  Lookup out;
  if (path.empty()) {
    out.err = Errno::kENOENT;
    return out;
  }
  std::uint32_t cur = kRootVnode;
  out.vnode = kRootVnode;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    std::string_view comp = path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    pos = slash == std::string_view::npos ? path.size() + 1 : slash + 1;
    if (comp.empty()) continue;
    if (!out.vnode) {
      out.err = Errno::kENOENT;  // a missing directory in the middle
      return out;
    }
    cur = *out.vnode;
    if (vnodes_[cur].type != VnodeType::kDirectory) {
      out.err = Errno::kENOTDIR;
      return out;
    }
    out.dir = cur;
    out.name = std::string(comp);
    if (comp == ".") {
      out.vnode = cur;
    } else if (comp == "..") {
      out.vnode = vnodes_[cur].parent;
    } else {
      auto it = vnodes_[cur].entries.find(out.name);
      out.vnode = it == vnodes_[cur].entries.end() ? std::nullopt : std::optional<std::uint32_t>(it->second);
    }
  }
  if (path.back() == '/' && out.vnode && vnodes_[*out.vnode].type != VnodeType::kDirectory) out.err = Errno::kENOTDIR;
  return out;
}

std::uint32_t Kernel::new_vnode(VnodeType type, std::uint32_t mode, std::uint32_t parent) {
  Vnode v;
  v.type = type;
  v.mode = mode & 07777;
  v.nlink = type == VnodeType::kDirectory ? 2 : 1;
  v.parent = parent;
  vnodes_.push_back(std::move(v));
  return static_cast<std::uint32_t>(vnodes_.size() - 1);
}

void Kernel::vn_knote(std::uint32_t vnode, std::int64_t hint) { knote_post(vnodes_[vnode].knotes, hint); }

namespace {
// The last name must be a real entry name for calls that create or remove one.
bool names_entry(const std::string& name) { return !name.empty() && name != "." && name != ".."; }
}  // namespace

// kern_mkdirat; vop_mkdir_post: NOTE_WRITE|NOTE_LINK on the parent (a new
// subdirectory changes its link count).
SysResult Kernel::mkdir(Pid, std::string_view path, std::uint32_t mode) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);  // the namespace, once past the checks
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  Lookup l = namei(path);
  if (l.err != Errno::kNone) return SysResult::fail(l.err);
  if (l.vnode) return SysResult::fail(Errno::kEEXIST);
  namespace_changing();
  std::uint32_t vp = new_vnode(VnodeType::kDirectory, mode, l.dir);
  vnodes_[l.dir].entries[l.name] = vp;
  ++vnodes_[l.dir].nlink;
  vn_knote(l.dir, note::kWrite | note::kLink);
  return SysResult::ok(0);
}

// kern_rmdirat; vop_rmdir_post: NOTE_WRITE|NOTE_LINK on the parent,
// NOTE_DELETE on the directory. Before, ufs_rmdir's ufs_dirempty reads the
// directory through vn_rdwr, and that VOP_READ's vop_read_post posts
// NOTE_READ on it - also when it is not empty (recorded on 13.2 and 15.1:
// regressions/rmdir-reads-the-directory).
SysResult Kernel::rmdir(Pid, std::string_view path) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);  // the namespace, once past the checks
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  Lookup l = namei(path);
  if (l.err != Errno::kNone) return SysResult::fail(l.err);
  if (!l.vnode) return SysResult::fail(Errno::kENOENT);
  if (vnodes_[*l.vnode].type != VnodeType::kDirectory) return SysResult::fail(Errno::kENOTDIR);
  if (l.name == ".") return SysResult::fail(Errno::kEINVAL);
  if (*l.vnode == kRootVnode) return SysResult::fail(Errno::kEBUSY);
  vn_knote(*l.vnode, note::kRead);  // ufs_dirempty
  if (!names_entry(l.name) || !vnodes_[*l.vnode].entries.empty()) return SysResult::fail(Errno::kENOTEMPTY);
  namespace_changing();
  vnodes_[l.dir].entries.erase(l.name);
  --vnodes_[l.dir].nlink;
  vnodes_[*l.vnode].nlink = 0;
  vn_knote(l.dir, note::kWrite | note::kLink);
  vn_knote(*l.vnode, note::kDelete);
  return SysResult::ok(0);
}

// kern_mkfifoat -> VOP_MKNOD; vop_mknod_post: NOTE_WRITE on the parent.
SysResult Kernel::mkfifo(Pid, std::string_view path, std::uint32_t mode) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);  // the namespace, once past the checks
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  Lookup l = namei(path);
  if (l.err != Errno::kNone) return SysResult::fail(l.err);
  if (l.vnode) return SysResult::fail(Errno::kEEXIST);
  namespace_changing();
  vnodes_[l.dir].entries[l.name] = new_vnode(VnodeType::kFifo, mode, l.dir);
  vn_knote(l.dir, note::kWrite);
  return SysResult::ok(0);
}

// kern_funlinkat: a directory is EPERM. vop_remove_post: NOTE_WRITE on the
// parent, NOTE_DELETE on the file - for every name removed, even when other
// links remain.
SysResult Kernel::unlink(Pid, std::string_view path) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);  // the namespace, once past the checks
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  Lookup l = namei(path);
  if (l.err != Errno::kNone) return SysResult::fail(l.err);
  if (!l.vnode) return SysResult::fail(Errno::kENOENT);
  if (vnodes_[*l.vnode].type == VnodeType::kDirectory) return SysResult::fail(Errno::kEPERM);
  namespace_changing();
  vnodes_[l.dir].entries.erase(l.name);
  --vnodes_[*l.vnode].nlink;
  vn_knote(l.dir, note::kWrite);
  vn_knote(*l.vnode, note::kDelete);
  return SysResult::ok(0);
}

// kern_linkat: directories cannot be linked (EPERM). vop_link_post:
// NOTE_LINK on the file, NOTE_WRITE on the target directory.
SysResult Kernel::link(Pid, std::string_view from, std::string_view to) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);  // the namespace, once past the checks
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  Lookup src = namei(from);
  if (src.err != Errno::kNone) return SysResult::fail(src.err);
  if (!src.vnode) return SysResult::fail(Errno::kENOENT);
  if (vnodes_[*src.vnode].type == VnodeType::kDirectory) return SysResult::fail(Errno::kEPERM);
  Lookup dst = namei(to);
  if (dst.err != Errno::kNone) return SysResult::fail(dst.err);
  if (dst.vnode) return SysResult::fail(Errno::kEEXIST);
  namespace_changing();
  vnodes_[dst.dir].entries[dst.name] = *src.vnode;
  ++vnodes_[*src.vnode].nlink;
  vn_knote(*src.vnode, note::kLink);
  vn_knote(dst.dir, note::kWrite);
  return SysResult::ok(0);
}

// kern_fchmodat -> VOP_SETATTR; vop_setattr_post: NOTE_ATTRIB.
SysResult Kernel::chmod(Pid, std::string_view path, std::uint32_t mode) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);  // a mode: no object kind (kVnodeObjects)
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  Lookup l = namei(path);
  if (l.err != Errno::kNone) return SysResult::fail(l.err);
  if (!l.vnode) return SysResult::fail(Errno::kENOENT);
  vnodes_[*l.vnode].mode = mode & 07777;
  vn_knote(*l.vnode, note::kAttrib);
  return SysResult::ok(0);
}

// kern_utimesat -> setutimes -> VOP_SETATTR(va_atime, va_mtime);
// vop_setattr_post posts NOTE_ATTRIB (any vnode type, directories too).
SysResult Kernel::utimes(Pid, std::string_view path) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);  // times: no object kind (kVnodeObjects)
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  Lookup l = namei(path);
  if (l.err != Errno::kNone) return SysResult::fail(l.err);
  if (!l.vnode) return SysResult::fail(Errno::kENOENT);
  vn_knote(*l.vnode, note::kAttrib);
  return SysResult::ok(0);
}

// kern_truncate: a directory is EISDIR; VOP_SETATTR(va_size) posts
// NOTE_ATTRIB through vop_setattr_post. For a FIFO, ufs_setattr ignores the
// size and succeeds (POSIX leaves it unspecified; other file systems may
// differ - verify-on-host), so only NOTE_ATTRIB remains.
SysResult Kernel::truncate(Pid, std::string_view path, std::int64_t length) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);  // a size: no object kind (kVnodeObjects)
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  if (length < 0) return SysResult::fail(Errno::kEINVAL);
  Lookup l = namei(path);
  if (l.err != Errno::kNone) return SysResult::fail(l.err);
  if (!l.vnode) return SysResult::fail(Errno::kENOENT);
  return vn_truncate(*l.vnode, length);
}

SysResult Kernel::vn_truncate(std::uint32_t vnode, std::int64_t length) {
  switch (vnodes_[vnode].type) {
    case VnodeType::kDirectory: return SysResult::fail(Errno::kEISDIR);
    case VnodeType::kFifo: break;
    case VnodeType::kRegular: vnodes_[vnode].size = length; break;
  }
  vn_knote(vnode, note::kAttrib);
  return SysResult::ok(0);
}

SysResult Kernel::vfs(Pid pid, const VfsCall& c) {
  switch (c.op) {
    case VfsOp::kOpen: return open(pid, c.path, c.flags, c.mode);
    case VfsOp::kMkdir: return mkdir(pid, c.path, c.mode);
    case VfsOp::kRmdir: return rmdir(pid, c.path);
    case VfsOp::kMkfifo: return mkfifo(pid, c.path, c.mode);
    case VfsOp::kUnlink: return unlink(pid, c.path);
    case VfsOp::kRename: return rename(pid, c.path, c.path2);
    case VfsOp::kLink: return link(pid, c.path, c.path2);
    case VfsOp::kChmod: return chmod(pid, c.path, c.mode);
    case VfsOp::kTruncate: return truncate(pid, c.path, c.value);
    case VfsOp::kFtruncate: return ftruncate(pid, c.fd, c.value);
    case VfsOp::kLseek: return lseek(pid, c.fd, c.value, c.whence);
    case VfsOp::kRevoke: return revoke(pid, c.path);
    case VfsOp::kUnmount: return unmount(pid, c.path, c.flags);
    case VfsOp::kUtimes: return utimes(pid, c.path);
  }
  return SysResult::unsupported("unknown file-system call");
}

}  // namespace kqsim::model

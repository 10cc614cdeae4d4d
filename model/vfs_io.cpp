// Opening and using vnodes (vfs_syscalls.c kern_openat, vfs_vnops.c
// vn_open_cred, vn_read, vn_write, vn_seek, vn_truncate, vn_closefile) and
// the knotes the VOP_*_post hooks of vfs_subr.c post on the way.
#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

constexpr std::uint32_t kOwnerRead = 0400;
constexpr std::uint32_t kOwnerWrite = 0200;

bool wants_write(std::uint32_t oflags) { return (oflags & oflag::kAccmode) != oflag::kRdonly; }
bool wants_read(std::uint32_t oflags) { return (oflags & oflag::kAccmode) != oflag::kWronly; }

}  // namespace

// kern_openat: O_CREAT makes a regular file (vop_create_post: NOTE_WRITE on
// the directory); O_EXCL refuses an existing name; a directory opens for
// reading only.
SysResult Kernel::open(Pid pid, std::string_view path, std::uint32_t oflags, std::uint32_t mode) {
  // The namespace when it creates, a FIFO's counts and pipe (vn_open_file):
  // opening an existing file changes no object an invariant reads.
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);
  if (fs_unmounted_) return SysResult::unsupported(kUnmountedWhy);
  if ((oflags & ~oflag::kKnown) != 0) return SysResult::unsupported("open flags other than O_RDONLY/WRONLY/RDWR/CREAT/EXCL/TRUNC/APPEND/NONBLOCK/CLOEXEC");
  if ((oflags & oflag::kAccmode) == oflag::kAccmode) return SysResult::fail(Errno::kEINVAL);
  Lookup l = namei(path);
  if (l.err != Errno::kNone) return SysResult::fail(l.err);
  const bool create = (oflags & oflag::kCreat) != 0;
  if (l.vnode && create && (oflags & oflag::kExcl) != 0) return SysResult::fail(Errno::kEEXIST);
  if (!l.vnode && !create) return SysResult::fail(Errno::kENOENT);
  if (l.vnode) {
    const Vnode& v = vnodes_[*l.vnode];
    if (v.type == VnodeType::kDirectory && (wants_write(oflags) || (oflags & oflag::kTrunc) != 0)) {
      return SysResult::fail(Errno::kEISDIR);
    }
    const std::uint32_t needed = (wants_read(oflags) ? kOwnerRead : 0) | (wants_write(oflags) ? kOwnerWrite : 0);
    if ((v.mode & needed) != needed) return SysResult::unsupported("permission checks depend on who runs the program; they are not modelled");
  }
  if ((oflags & oflag::kTrunc) != 0 && !wants_write(oflags)) return SysResult::unsupported("O_TRUNC without write access is not modelled");
  std::uint32_t vp = 0;
  if (l.vnode) {
    vp = *l.vnode;
  } else {
    namespace_changing();
    vp = new_vnode(VnodeType::kRegular, mode, l.dir);
    vnodes_[l.dir].entries[l.name] = vp;
    vn_knote(l.dir, note::kWrite);
  }
  return vn_open_file(proc(pid), vp, oflags);
}

// vn_open_vnode: VOP_OPEN (fifo_open for a FIFO), then vop_open_post's
// NOTE_OPEN; O_TRUNC truncates through VOP_SETATTR (NOTE_ATTRIB).
SysResult Kernel::vn_open_file(Process& p, std::uint32_t vnode, std::uint32_t oflags) {
  const bool fifo = vnodes_[vnode].type == VnodeType::kFifo;
  FileIndex fi = new_file(fifo ? FileType::kFifo : FileType::kVnode, 0, (oflags & oflag::kNonblock) != 0);
  File& f = files_[fi];
  f.vnode = vnode;
  f.readable = wants_read(oflags);
  f.writable = wants_write(oflags);
  f.append = (oflags & oflag::kAppend) != 0;
  if (fifo) {
    touched_objects_ |= kVnodeObjects | kPipeObjects;  // its counts; the first open makes its pipe
    SysResult r = fifo_open(f, vnode, oflags);
    if (!r.done() || r.err != Errno::kNone) {
      f.closed = true;
      return r;
    }
  }
  vn_knote(vnode, note::kOpen);
  if ((oflags & oflag::kTrunc) != 0 && !fifo) {
    vnodes_[vnode].size = 0;
    vn_knote(vnode, note::kAttrib);
  }
  auto fd = install_fd(p, fi, (oflags & oflag::kCloexec) != 0);
  if (!fd) {
    // kern_openat opens before finstall; a full table drops the new file
    // again, which closes it (VOP_CLOSE and its note).
    fhold(fi);
    fdrop(fi);
    return SysResult::fail(Errno::kEMFILE);
  }
  return SysResult::ok(*fd);
}

// dead_read: EOF for a tty (none is modelled), the profile's errno else.
Errno Kernel::dead_read_errno() const { return profile_->dead_vnode_io_errno; }

// VOP_WRITE_PRE asks VOP_GETATTR for the old size when knotes are attached
// (for NOTE_EXTEND), and deadfs answers getattr with EBADF before dead_write
// runs; with no knote dead_write answers (R24, recorded on 13.2 and 15.1).
Errno Kernel::dead_write_errno(std::uint32_t vnode) const {
  return vnodes_[vnode].knotes.empty() ? profile_->dead_vnode_io_errno : Errno::kEBADF;
}

// vn_read -> VOP_READ at f_offset; vop_read_post posts NOTE_READ whenever the
// read succeeds, also at end of file. read(2) of a directory is EISDIR
// unless security.bsd.allow_read_dir is set (FreeBSD 13 and later; the
// model assumes the default).
SysResult Kernel::vn_read(File& f, std::int64_t nbytes) {
  if (vnodes_[f.vnode].dead) return SysResult::fail(dead_read_errno());
  if (vnodes_[f.vnode].type == VnodeType::kDirectory) return SysResult::fail(Errno::kEISDIR);
  return SysResult::ok(vn_read_at(f.vnode, f.offset, nbytes));
}

// VOP_READ of a regular file at `offset`, which moves past what was read.
// vop_read_post posts inside VOP_READ, before vn_read's foffset_unlock_uio
// moves f_offset: filt_ufsread sees the old offset (a oneshot knote keeps
// that data; others are re-checked at scan).
std::int64_t Kernel::vn_read_at(std::uint32_t vnode, std::int64_t& offset, std::int64_t nbytes) {
  const std::int64_t avail = std::max<std::int64_t>(0, vnodes_[vnode].size - offset);
  const std::int64_t n = std::min(nbytes, avail);
  vn_knote(vnode, note::kRead);
  offset += n;
  return n;
}

// vn_write -> VOP_WRITE at f_offset (at the end with O_APPEND).
// VOP_WRITE_POST: NOTE_WRITE when the offset moved past where it was, with
// NOTE_EXTEND when it moved past the old size. A write of 0 bytes moves
// nothing, so posts nothing - unless O_APPEND moved it to the end first.
SysResult Kernel::vn_write(File& f, std::int64_t nbytes) {
  if (vnodes_[f.vnode].dead) return SysResult::fail(dead_write_errno(f.vnode));
  return SysResult::ok(vn_write_at(f.vnode, f.append, f.offset, nbytes));
}

// VOP_WRITE at `offset` (the end with IO_APPEND), which moves past what was
// written. VOP_WRITE_POST posts before vn_write's foffset_unlock_uio moves
// f_offset: filt_ufsread computes size minus the old offset, so a oneshot
// EVFILT_READ on the writer's own descriptor fires with that data, as
// recorded on 13.2 and 15.1 (regressions/vnode-read-oneshot-sees-write-offset).
// ffs_write moves uio_offset to i_size for IO_APPEND before it looks at the
// count, so a 0-byte append from before the end posts NOTE_WRITE and ends
// at the end (write(2) stores that as the descriptor's offset; aio_write's
// FOF_OFFSET moves only the request's own). Only its copy loop changes
// i_size, so 0 bytes past the end grow nothing (recorded on 13.2 and 15.1:
// regressions/zero-byte-append-write-posts-note-write).
std::int64_t Kernel::vn_write_at(std::uint32_t vnode, bool append, std::int64_t& offset, std::int64_t nbytes) {
  Vnode& v = vnodes_[vnode];
  const std::int64_t ooffset = offset;
  const std::int64_t osize = v.size;
  const std::int64_t start = append ? v.size : offset;
  const std::int64_t noffset = start + nbytes;
  if (nbytes > 0) v.size = std::max(v.size, noffset);
  if (noffset > ooffset) vn_knote(vnode, note::kWrite | (noffset > osize ? note::kExtend : 0));
  offset = noffset;
  return nbytes;
}

// vn_closefile -> VOP_CLOSE (fifo_close for a FIFO); vop_close_post posts
// (on a dead vnode too: it filters out only vgonel's own NOCRED close)
// NOTE_CLOSE_WRITE for a file opened for writing, NOTE_CLOSE otherwise.
void Kernel::vn_close(File& f) {
  if (f.type == FileType::kFifo) fifo_close(f);
  vn_knote(f.vnode, f.writable ? note::kCloseWrite : note::kClose);
}

// sys_lseek -> fo_seek: pipes, FIFOs and kqueues cannot seek (ESPIPE);
// vn_seek refuses a negative result. A successful seek posts hint 0 on the
// vnode (vn_seek: VFS_KNOTE_UNLOCKED(vp, 0)) before foffset_unlock stores
// the new offset, so every READ and WRITE knote on the vnode is checked
// again with the old offset: an EV_CLEAR EVFILT_WRITE knote fires again
// (docs/observed-real-kernels.md R17).
SysResult Kernel::lseek(Pid pid, std::int32_t fd, std::int64_t offset, std::int32_t whence) {
  SyscallScope scope(*this, 0U);  // the file's offset; no object changes
  const FdEntry* e = proc(pid).fds.find(fd);
  if (e == nullptr) return SysResult::fail(Errno::kEBADF);
  File& f = files_[e->file];
  if (f.type == FileType::kTerminal) return SysResult::unsupported("lseek on a terminal descriptor is not modelled");
  if (f.type != FileType::kVnode) return SysResult::fail(Errno::kESPIPE);
  std::int64_t base = 0;
  switch (whence) {
    case kSeekSet: base = 0; break;
    case kSeekCur: base = f.offset; break;
    case kSeekEnd:
      // vn_seek asks VOP_GETATTR, which deadfs refuses (R24).
      if (vnodes_[f.vnode].dead) return SysResult::fail(Errno::kEBADF);
      base = vnodes_[f.vnode].size;
      break;
    default: return SysResult::fail(Errno::kEINVAL);
  }
  const std::int64_t result = base + offset;
  if (result < 0) return SysResult::fail(Errno::kEINVAL);
  vn_knote(f.vnode, 0);
  f.offset = result;
  return SysResult::ok(result);
}

// kern_ftruncate: a negative length first, then the descriptor; only a
// vnode opened for writing can be truncated (EINVAL otherwise).
SysResult Kernel::ftruncate(Pid pid, std::int32_t fd, std::int64_t length) {
  SyscallScope scope(*this, SyscallScope::kKnotesOnly);  // a size: no object kind (kVnodeObjects)
  if (length < 0) return SysResult::fail(Errno::kEINVAL);
  const FdEntry* e = proc(pid).fds.find(fd);
  if (e == nullptr) return SysResult::fail(Errno::kEBADF);
  const File& f = files_[e->file];
  if (f.type == FileType::kTerminal) return SysResult::unsupported("ftruncate on a terminal descriptor is not modelled");
  // pipe_truncate: a named pipe goes to vn_truncate, and ufs_setattr
  // ignores a size change of anything but a regular file or directory: 0,
  // nothing changes (recorded on 13.2 and 15.1: regressions/fifo-ftruncate-
  // ignored). VOP_SETATTR succeeded, so vop_setattr_post still posts
  // NOTE_ATTRIB on the vnode (recorded on 15.1, where EVFILT_VNODE on a FIFO
  // reaches the vnode: regressions/fifo-ftruncate-posts-attrib).
  if (f.type == FileType::kFifo && f.writable && !vnodes_[f.vnode].dead) {
    vn_knote(f.vnode, note::kAttrib);
    return SysResult::ok(0);
  }
  if (f.type != FileType::kVnode || !f.writable) return SysResult::fail(Errno::kEINVAL);
  // vn_truncate_locked: VOP_SETATTR, which deadfs refuses (R24).
  if (vnodes_[f.vnode].dead) return SysResult::fail(Errno::kEBADF);
  return vn_truncate(f.vnode, length);
}

}  // namespace kqsim::model

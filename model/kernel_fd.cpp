// Descriptor system calls (kern_descrip.c, sys_pipe.c kern_pipe,
// kern_event.c kern_kqueue, kern_fork.c fdcopy).
#include <cassert>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {
constexpr std::int32_t kFdCloexec = 1;  // FD_CLOEXEC
constexpr std::int32_t kStdioCount = 3;
}  // namespace

Kernel::Kernel(const DialectProfile& profile, KernelConfig config)
    : profile_(&profile), config_(config) {
  // Room for what a short program makes, so that its first calls do not
  // reallocate each table at 1, 2 and 4 (issue 14: random testing builds a
  // kernel per program). A copied kernel (the explorer) is sized as usual.
  processes_.reserve(4);
  files_.reserve(16);
  kqueues_.reserve(4);
  pipes_.reserve(4);
  vnodes_.reserve(8);
  new_vnode(VnodeType::kDirectory, 0755, kRootVnode);  // "/", its own parent
  // Every FreeBSD system has /tmp (hier(7): sticky, world-writable), and
  // programs create their files there: the model's file system starts with it.
  const std::uint32_t tmp = new_vnode(VnodeType::kDirectory, 01777, kRootVnode);
  vnodes_[kRootVnode].entries.emplace("tmp", tmp);
  ++vnodes_[kRootVnode].nlink;  // its ".."
  Process init;
  init.pid = kInitPid;
  // A trace's processes run with SIGPIPE ignored (docs/trace-format.md; the
  // recorder's workers ignore it), so a widowed pipe gives EPIPE; children
  // inherit it. The C API sets it back to default for a C program.
  init.actions[static_cast<std::size_t>(sig::kPipe)] = SignalAction::kIgnore;
  processes_.push_back(std::move(init));
  // A real process starts with stdin, stdout and stderr open, so the first
  // descriptor a program creates is 3; the model's numbers must match.
  for (std::int32_t fd = 0; fd < kStdioCount; ++fd) {
    FileIndex f = new_file(FileType::kTerminal, 0, false);
    install_fd(processes_[0], f, false);
  }
}

const Process* Kernel::process(Pid pid) const {
  if (pid < 1 || pid > static_cast<Pid>(processes_.size())) return nullptr;
  return &processes_[static_cast<std::size_t>(pid - 1)];
}

const PipeEnd& Kernel::pipe_end(std::uint32_t end_id) const {
  return pipes_[end_id / 2].ends[end_id % 2];
}

std::optional<std::uint32_t> Kernel::kqueue_at(Pid pid, std::int32_t fd) const {
  const Process* p = process(pid);
  if (p == nullptr) return std::nullopt;
  const FdEntry* e = p->fds.find(fd);
  if (e == nullptr || files_[e->file].type != FileType::kKqueue) return std::nullopt;
  return files_[e->file].object;
}

FileIndex Kernel::new_file(FileType type, std::uint32_t object, bool nonblock) {
  File f;  // not an aggregate list: a sixth value would land in f_vnode
  f.type = type;
  f.object = object;
  f.nonblock = nonblock;
  files_.push_back(f);
  return static_cast<FileIndex>(files_.size() - 1);
}

std::optional<std::int32_t> Kernel::install_fd(Process& p, FileIndex file, bool cloexec) {
  auto fd = p.fds.allocate(FdEntry{file, cloexec}, 0, profile_->max_files);
  if (fd) fhold(file);
  return fd;
}

// What fo_read/fo_write may change. A regular file's changes an offset or
// a size, no object kind (kVnodeObjects); a FIFO's its pipe, not its counts
// (those change on open and close). A kqueue's, a process descriptor's and
// the terminal's change nothing but are counted as anything (invfo_rdwr is
// not worth a kind of its own).
std::uint8_t Kernel::objects_of(const File& f) {
  switch (f.type) {
    case FileType::kSocket: return kSocketObjects;
    case FileType::kVnode: return 0;
    case FileType::kPipe:
    case FileType::kFifo: return kPipeObjects;
    default: return kAllObjects;
  }
}

// fo_close of each type: a kqueue's drops its knotes (kqueue_close ->
// knote_drop), which leaves the aio jobs' and batches' knote lists and
// may drop other files' last references (those add their own kinds); a
// process descriptor's may kill its process (procdesc_close), and exit
// reaches anything.
std::uint8_t Kernel::objects_closed_with(const File& f) {
  switch (f.type) {
    case FileType::kKqueue: return kKqueueObjects | kAioObjects;
    case FileType::kProcdesc:
    case FileType::kTerminal: return kAllObjects;
    case FileType::kVnode: return kVnodeObjects;                // vn_close
    case FileType::kFifo: return kPipeObjects | kVnodeObjects;  // fifo_close: its counts, its pipe
    default: return objects_of(f);
  }
}

// fdrop: the last reference closes the object (fo_close).
void Kernel::fdrop(FileIndex file) {
  File& f = files_[file];
  assert(f.refcount > 0);
  if (--f.refcount > 0) return;
  touched_objects_ |= objects_closed_with(f);  // also from a kevent dropping a file's last knote
  f.closed = true;
  if (f.type == FileType::kPipe) pipe_close(f.object);
  if (f.type == FileType::kKqueue) kqueue_close(f.object);
  if (f.type == FileType::kSocket) soclose(f.object);
  if (f.type == FileType::kProcdesc) procdesc_close(f.object, f.pd_nokill);
  if (f.type == FileType::kVnode || f.type == FileType::kFifo) vn_close(f);
}

SysResult Kernel::kqueue(Pid pid, std::uint32_t flags) {
  SyscallScope scope(*this, kKqueueObjects);  // a new kqueue and its file
  // Before 14.0 there is no syscall 583: nosys() answers ENOSYS (and posts
  // SIGSYS, which the model does not: kqrecord ignores SIGSYS around the call,
  // so a recording on 13.2 shows ENOSYS - traces/recorded/freebsd-13.2,
  // exec-closes-cloexec-kqueue step 0).
  if (flags != 0 && !profile_->has_kqueuex) return SysResult::fail(Errno::kENOSYS);
  if ((flags & ~(kqflag::kCloexec | kqflag::kCponfork)) != 0) return SysResult::fail(Errno::kEINVAL);
  Process& p = proc(pid);
  auto kq = static_cast<std::uint32_t>(kqueues_.size());
  FileIndex f = new_file(FileType::kKqueue, kq, false);
  auto fd = install_fd(p, f, (flags & kqflag::kCloexec) != 0);
  if (!fd) {
    files_[f].closed = true;
    return SysResult::fail(Errno::kEMFILE);
  }
  kqueues_.emplace_back(pid, f, (flags & kqflag::kCponfork) != 0);
  p.kqueues.push_back(kq);
  return SysResult::ok(*fd);
}

PipeResult Kernel::pipe(Pid pid, bool nonblock, bool cloexec) {
  SyscallScope scope(*this, kPipeObjects);
  Process& p = proc(pid);
  auto pair = static_cast<std::uint32_t>(pipes_.size());
  PipePair pp;
  // pipe_paircreate: pipe_create(rpipe, true) gets PIPE_SIZE; the reverse
  // direction gets a small buffer (observed 4096 on 13.2 and 15.1, C10).
  pipe_create(pp.ends[0], profile_->pipe_size);
  pipe_create(pp.ends[1], profile_->reverse_pipe_size);
  pipes_.push_back(pp);
  FileIndex f0 = new_file(FileType::kPipe, pipe_end_id(pair, 0), nonblock);
  FileIndex f1 = new_file(FileType::kPipe, pipe_end_id(pair, 1), nonblock);
  return install_pair(p, f0, f1, cloexec);
}

// The two descriptors of pipe() and socketpair(), lowest first; EMFILE
// undoes the first.
PipeResult Kernel::install_pair(Process& p, FileIndex first, FileIndex second, bool cloexec) {
  PipeResult r;
  auto fd0 = install_fd(p, first, cloexec);
  auto fd1 = fd0 ? install_fd(p, second, cloexec) : std::nullopt;
  if (!fd0 || !fd1) {
    if (fd0) close_fd(p, *fd0);
    r.sys = SysResult::fail(Errno::kEMFILE);
    return r;
  }
  r.fds = {*fd0, *fd1};
  r.sys = SysResult::ok(0);
  return r;
}

// closefp_impl: knotes on the number go first (knote_fdclose), then the
// descriptor's reference on the file.
SysResult Kernel::close_fd(Process& p, std::int32_t fd) {
  if (p.fds.find(fd) == nullptr) return SysResult::fail(Errno::kEBADF);
  FdEntry e = p.fds.release(fd);
  knote_fdclose(p, fd);
  fdrop(e.file);
  return SysResult::ok(0);
}

// fdescfree_fds: exit releases each descriptor with closef alone, without
// knote_fdclose, so a knote on the number keeps its file open until its
// kqueue drops it.
void Kernel::closef(Process& p, std::int32_t fd) { fdrop(p.fds.release(fd).file); }

SysResult Kernel::close(Pid pid, std::int32_t fd) {
  // Objects change only when a file's last reference goes: fdrop says so.
  SyscallScope scope(*this, 0U);
  return close_fd(proc(pid), fd);
}

SysResult Kernel::dup(Pid pid, std::int32_t fd) {
  SyscallScope scope(*this, 0U);  // a new reference to a file, no object changed
  Process& p = proc(pid);
  const FdEntry* e = p.fds.find(fd);
  if (e == nullptr) return SysResult::fail(Errno::kEBADF);
  auto nfd = install_fd(p, e->file, false);
  if (!nfd) return SysResult::fail(Errno::kEMFILE);
  return SysResult::ok(*nfd);
}

// kern_dup(FDDUP_FIXED): range checks first, then the source; onto an open
// target the old file is closed with knote_fdclose on that number.
SysResult Kernel::dup2(Pid pid, std::int32_t from, std::int32_t to) {
  // As close: objects change only when the displaced file's last reference
  // goes, and fdrop says so.
  SyscallScope scope(*this, 0U);
  Process& p = proc(pid);
  if (from < 0 || to < 0 || to >= profile_->max_files) return SysResult::fail(Errno::kEBADF);
  const FdEntry* src = p.fds.find(from);
  if (src == nullptr) return SysResult::fail(Errno::kEBADF);
  if (from == to) return SysResult::ok(to);
  FileIndex file = src->file;
  std::optional<FdEntry> displaced;
  std::int32_t hint = p.fds.free_hint();
  if (p.fds.find(to) != nullptr) displaced = p.fds.release(to);
  p.fds.install(to, FdEntry{file, false});
  // Replacing an open slot is not an fdunused/fdused pair in the kernel.
  if (displaced) p.fds.set_free_hint(hint);
  fhold(file);
  if (displaced) {
    knote_fdclose(p, to);
    fdrop(displaced->file);
  }
  return SysResult::ok(to);
}

SysResult Kernel::fcntl_getfd(Pid pid, std::int32_t fd) {
  const FdEntry* e = proc(pid).fds.find(fd);
  if (e == nullptr) return SysResult::fail(Errno::kEBADF);
  return SysResult::ok(e->cloexec ? kFdCloexec : 0);
}

SysResult Kernel::fcntl_setfd(Pid pid, std::int32_t fd, std::int32_t fd_flags) {
  FdEntry* e = proc(pid).fds.find(fd);
  if (e == nullptr) return SysResult::fail(Errno::kEBADF);
  touched_objects_ = kAllObjects;
  e->cloexec = (fd_flags & kFdCloexec) != 0;
  return SysResult::ok(0);
}

// fdcopy: kqueues are not passed to the child (not DFLAG_PASSABLE on 13.x;
// fo_fork refuses without KQUEUE_CPONFORK on 15.x). Whether the skipped
// slot lowers the child's lowest-free hint is the profile's
// fork_skipped_kqueue_lowers_free_hint.
void Kernel::fork_copy_fds(const Process& parent, Process& child) {
  const std::int32_t parent_hint = parent.fds.free_hint();
  std::int32_t hint = parent_hint;
  for (std::int32_t fd = 0; fd <= parent.fds.last_fd(); ++fd) {
    const FdEntry* e = parent.fds.find(fd);
    if (e == nullptr) continue;
    if (files_[e->file].type == FileType::kKqueue) {
      // kqueue_fork_alloc: a KQUEUE_CPONFORK kqueue gets a new one in the
      // child; fo_fork refuses any other, and its slot stays empty.
      const std::uint32_t kq = files_[e->file].object;
      if (kqueues_[kq].cponfork()) {
        kqueue_fork_alloc(kq, child, fd, *e);
        continue;
      }
      if (profile_->fork_skipped_kqueue_lowers_free_hint && hint == parent_hint) hint = fd;
      continue;
    }
    child.fds.install(fd, *e);
    fhold(e->file);
  }
  child.fds.set_free_hint(hint);
}

}  // namespace kqsim::model

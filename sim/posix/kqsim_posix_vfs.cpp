// The file-system calls of the kqueue C API on the model: host flag values
// become FreeBSD's by name, then one request each.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "kqsim/posix.h"
#include "sim/posix/model_rpc.hpp"

namespace {

namespace oflag = kqsim::model::oflag;
using kqsim::model::VfsCall;
using kqsim::model::VfsOp;

// Host O_* bits the model knows, each to FreeBSD's value; -1 for any other bit.
std::int64_t model_oflags(int flags) {
  const int access = flags & O_ACCMODE;
  std::uint32_t out = access == O_WRONLY ? oflag::kWronly : access == O_RDWR ? oflag::kRdwr : oflag::kRdonly;
  const struct { int host; std::uint32_t model; } bits[] = {
      {O_NONBLOCK, oflag::kNonblock}, {O_APPEND, oflag::kAppend}, {O_CREAT, oflag::kCreat},
      {O_TRUNC, oflag::kTrunc},       {O_EXCL, oflag::kExcl},     {O_CLOEXEC, oflag::kCloexec},
  };
  int rest = flags & ~O_ACCMODE;
  for (const auto& b : bits) {
    if ((flags & b.host) != 0) out |= b.model;
    rest &= ~b.host;
  }
  return rest == 0 ? static_cast<std::int64_t>(out) : -1;
}

std::int64_t vfs_call(const VfsCall& c) {
  kqsim::posix::RpcRequest q;
  q.op = kqsim::posix::RpcOp::kVfs;
  q.vfs = kqsim::sim::to_wire(c);
  kqsim::posix::RpcReply r;
  return kqsim::posix::rpc_call(q, r);
}

VfsCall path_call(VfsOp op, const char* path, std::uint32_t mode = 0) {
  VfsCall c;
  c.op = op;
  c.path = path;
  c.mode = mode;
  return c;
}

VfsCall two_path_call(VfsOp op, const char* from, const char* to) {
  VfsCall c = path_call(op, from);
  c.path2 = to;
  return c;
}

bool host_files_wanted() {
  const char* v = std::getenv("KQSIM_HOST_FILES");
  return v == nullptr || std::string(v) != "0";
}

// A read-only open of a host file the model lacks: the host's regular file
// is imported, read-only to the program, as ordinary model calls made by the
// caller (so a trace of the run holds them): its directories, then the file
// with the host file's size and mode (the model keeps sizes, not bytes).
// Only where the path's top directory is not the model's already (created
// here), so /tmp and every directory the program made stay the model's alone.
bool import_host_file(const std::string& path) {
  struct stat st {};
  if (!host_files_wanted() || path.size() < 2 || path[0] != '/' || stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return false;
  const int saved = errno;
  const std::size_t top_end = path.find('/', 1);
  if (top_end == std::string::npos || kqsim_mkdir(path.substr(0, top_end).c_str(), 0755) != 0) {
    errno = saved;  // the top directory is the model's (or the file is at the root): no import
    return false;
  }
  for (std::size_t slash = path.find('/', top_end + 1); slash != std::string::npos; slash = path.find('/', slash + 1))
    kqsim_mkdir(path.substr(0, slash).c_str(), 0755);
  const int fd = kqsim_open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, static_cast<int>(st.st_mode & 07777));
  if (fd < 0) return false;
  kqsim_ftruncate(fd, static_cast<long long>(st.st_size));
  kqsim_close(fd);
  return true;
}

int open_call(const char* path, std::int64_t oflags, int mode) {
  VfsCall c = path_call(VfsOp::kOpen, path, static_cast<std::uint32_t>(mode));
  c.flags = static_cast<std::uint32_t>(oflags);
  return static_cast<int>(vfs_call(c));
}

}  // namespace

extern "C" {

int kqsim_open(const char* path, int flags, int mode) {
  const std::int64_t oflags = model_oflags(flags);
  if (oflags < 0) {
    errno = EINVAL;  // a flag the model does not know
    return -1;
  }
  const int fd = open_call(path, oflags, mode);
  if (fd >= 0 || errno != ENOENT || (flags & (O_ACCMODE | O_CREAT)) != O_RDONLY) return fd;
  return import_host_file(path) ? open_call(path, oflags, mode) : fd;
}

int kqsim_mkdir(const char* path, int mode) { return static_cast<int>(vfs_call(path_call(VfsOp::kMkdir, path, static_cast<std::uint32_t>(mode)))); }
int kqsim_rmdir(const char* path) { return static_cast<int>(vfs_call(path_call(VfsOp::kRmdir, path))); }
int kqsim_mkfifo(const char* path, int mode) { return static_cast<int>(vfs_call(path_call(VfsOp::kMkfifo, path, static_cast<std::uint32_t>(mode)))); }
int kqsim_unlink(const char* path) { return static_cast<int>(vfs_call(path_call(VfsOp::kUnlink, path))); }
int kqsim_rename(const char* from, const char* to) { return static_cast<int>(vfs_call(two_path_call(VfsOp::kRename, from, to))); }
int kqsim_link(const char* from, const char* to) { return static_cast<int>(vfs_call(two_path_call(VfsOp::kLink, from, to))); }
int kqsim_chmod(const char* path, int mode) { return static_cast<int>(vfs_call(path_call(VfsOp::kChmod, path, static_cast<std::uint32_t>(mode)))); }

int kqsim_revoke(const char* path) { return static_cast<int>(vfs_call(path_call(VfsOp::kRevoke, path))); }

int kqsim_unmount(const char* path, int flags) {
  if ((flags & ~KQSIM_MNT_FORCE) != 0) {
    errno = EINVAL;  // a flag the model does not know
    return -1;
  }
  VfsCall c = path_call(VfsOp::kUnmount, path);
  c.flags = static_cast<std::uint32_t>(flags);
  return static_cast<int>(vfs_call(c));
}

int kqsim_truncate(const char* path, long long length) {
  VfsCall c = path_call(VfsOp::kTruncate, path);
  c.value = length;
  return static_cast<int>(vfs_call(c));
}

int kqsim_ftruncate(int fd, long long length) {
  VfsCall c;
  c.op = VfsOp::kFtruncate;
  c.fd = fd;
  c.value = length;
  return static_cast<int>(vfs_call(c));
}

long long kqsim_lseek(int fd, long long offset, int whence) {
  VfsCall c;
  c.op = VfsOp::kLseek;
  c.fd = fd;
  c.value = offset;
  c.whence = whence == SEEK_CUR ? kqsim::model::kSeekCur : whence == SEEK_END ? kqsim::model::kSeekEnd
             : whence == SEEK_SET ? kqsim::model::kSeekSet : -1;
  return static_cast<long long>(vfs_call(c));
}

}  // extern "C"

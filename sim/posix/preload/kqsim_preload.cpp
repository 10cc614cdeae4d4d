// libkqsim_preload: LD_PRELOADed into the shell a kqsim system() runs, and so
// into every program that shell runs. Each such host process is a model
// process (it inherits the model connection and its model pid through
// KQSIM_MODEL_FD / KQSIM_MODEL_PID; fork and execve here are the model's
// too), and its file calls on the model's paths (KQSIM_MODEL_PATHS, default
// /tmp) and on descriptors opened there are served by the model. Every other
// path and descriptor stays the host's. What is covered: docs/capi.md.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kqsim/posix.h"
#include "sim/posix/client_connection.hpp"
#include "sim/posix/posix_call.hpp"
#include "sim/posix/preload/fd_table.hpp"

namespace {

using kqsim::preload::ModelFd;

// Inside a model call, libkqsim's own libc calls (close, fork, ...) reach
// these wrappers too: they must go straight to the host.
thread_local int t_busy = 0;
struct Busy {
  Busy() { ++t_busy; }
  ~Busy() { --t_busy; }
  Busy(const Busy&) = delete;
  Busy& operator=(const Busy&) = delete;
};

bool attached() {
  static const bool yes = std::getenv("KQSIM_MODEL_FD") != nullptr;
  return yes;
}
bool host_only() { return t_busy > 0 || !attached(); }

template <class F>
F next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}
#define REAL(type, name) static const auto real_##name = next<type>(#name)

// An absolute path under one of KQSIM_MODEL_PATHS (colon-separated).
bool model_path(const char* path) {
  if (path == nullptr || path[0] != '/') return false;
  const char* list = std::getenv("KQSIM_MODEL_PATHS");
  std::string prefixes = list != nullptr ? list : "/tmp";
  std::size_t start = 0;
  while (start <= prefixes.size()) {
    const std::size_t end = std::min(prefixes.find(':', start), prefixes.size());
    const std::string p = prefixes.substr(start, end - start);
    const std::size_t n = p.size();
    if (n > 0 && std::strncmp(path, p.c_str(), n) == 0 && (path[n] == '\0' || path[n] == '/' || p == "/")) return true;
    start = end + 1;
  }
  return false;
}

// *at calls: the directory descriptor matters only for a relative path.
bool model_at(int dirfd, const char* path) {
  return model_path(path) || (path != nullptr && path[0] != '/' && kqsim::preload::lookup(dirfd).has_value());
}

int unsupported(const char* what) { return kqsim::posix::unsupported_call(what); }

// open(2) on the model: the model's descriptor behind a host placeholder.
int model_open(const char* path, int flags, mode_t mode) {
  REAL(int (*)(const char*, int, ...), open);
  Busy busy;
  if (path[0] != '/') return unsupported("preload: a path relative to a model directory descriptor");
  // No terminals in the model; O_LARGEFILE is the host ABI's.
  const int m = kqsim_open(path, flags & ~(O_NOCTTY | O_LARGEFILE), static_cast<int>(mode));
  if (m < 0) return -1;
  const int h = real_open("/dev/null", O_RDWR | (flags & O_CLOEXEC));
  if (h < 0) {
    const int e = errno;
    kqsim_close(m);
    errno = e;
    return -1;
  }
  kqsim::preload::bind(h, ModelFd{m, path});
  return h;
}

mode_t mode_arg(int flags, va_list ap) {
  return (flags & (O_CREAT | O_TMPFILE)) != 0 ? static_cast<mode_t>(va_arg(ap, int)) : 0;
}

// A host descriptor `host` now also stands for a duplicate of `from`.
int bind_dup(int host, const ModelFd& from, bool cloexec) {
  const int m = kqsim_dup(from.model);
  if (m < 0) return -1;
  if (cloexec) kqsim_fcntl(m, F_SETFD, FD_CLOEXEC);
  kqsim::preload::bind(host, ModelFd{m, from.path});
  return host;
}

void drop(int host) {
  if (auto fd = kqsim::preload::lookup(host)) {
    kqsim_close(fd->model);
    kqsim::preload::unbind(host);
  }
}

int dup_to(int from, int to, int flags, bool dup3) {
  REAL(int (*)(int, int), dup2);
  REAL(int (*)(int, int, int), dup3);
  const auto f = kqsim::preload::lookup(from);
  const auto t = kqsim::preload::lookup(to);
  if (host_only() || (!f && !t) || from == to) return dup3 ? real_dup3(from, to, flags) : real_dup2(from, to);
  Busy busy;
  const int r = dup3 ? real_dup3(from, to, flags) : real_dup2(from, to);
  if (r < 0) return r;
  drop(to);
  if (f && bind_dup(to, *f, (flags & O_CLOEXEC) != 0) < 0) return -1;
  return r;
}

int stat_like(const char* what) { return unsupported(what); }

// glibc declares these paths nonnull; the kernel takes NULL (futimens is
// utimensat with none), so a caller may pass one.
bool no_path(const char* path) {
  const void* volatile p = path;
  return p == nullptr;
}

}  // namespace

extern "C" {

int open(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  REAL(int (*)(const char*, int, ...), open);
  if (host_only() || !model_path(path)) return real_open(path, flags, mode);
  return model_open(path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  REAL(int (*)(const char*, int, ...), open64);
  if (host_only() || !model_path(path)) return real_open64(path, flags, mode);
  return model_open(path, flags, mode);
}

int openat(int dirfd, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  REAL(int (*)(int, const char*, int, ...), openat);
  if (host_only() || !model_at(dirfd, path)) return real_openat(dirfd, path, flags, mode);
  return model_open(path, flags, mode);
}

int openat64(int dirfd, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  REAL(int (*)(int, const char*, int, ...), openat64);
  if (host_only() || !model_at(dirfd, path)) return real_openat64(dirfd, path, flags, mode);
  return model_open(path, flags, mode);
}

int creat(const char* path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }
int creat64(const char* path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }

int close(int fd) {
  REAL(int (*)(int), close);
  if (host_only() || !kqsim::preload::lookup(fd)) return real_close(fd);
  Busy busy;
  const auto m = kqsim::preload::lookup(fd);
  kqsim::preload::unbind(fd);
  const int r = kqsim_close(m->model);
  const int e = errno;
  real_close(fd);
  errno = e;
  return r;
}

int dup(int fd) {
  REAL(int (*)(int), dup);
  const auto f = kqsim::preload::lookup(fd);
  if (host_only() || !f) return real_dup(fd);
  Busy busy;
  const int h = real_dup(fd);
  if (h < 0) return h;
  return bind_dup(h, *f, false);
}

int dup2(int from, int to) { return dup_to(from, to, 0, false); }
int dup3(int from, int to, int flags) { return dup_to(from, to, flags, true); }

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  REAL(int (*)(int, int, ...), fcntl);
  const auto f = kqsim::preload::lookup(fd);
  if (host_only() || !f) return real_fcntl(fd, cmd, arg);
  Busy busy;
  const auto iarg = static_cast<int>(reinterpret_cast<std::intptr_t>(arg));
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const int h = real_fcntl(fd, cmd, arg);
      return h < 0 ? h : bind_dup(h, *f, cmd == F_DUPFD_CLOEXEC);
    }
    case F_GETFD: return real_fcntl(fd, cmd);
    case F_SETFD:
      if (kqsim_fcntl(f->model, F_SETFD, iarg & FD_CLOEXEC) < 0) return -1;
      return real_fcntl(fd, cmd, arg);
    default: return unsupported("preload: fcntl on a model descriptor: only F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD");
  }
}
int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  return fcntl(fd, cmd, arg);
}

ssize_t write(int fd, const void* buf, size_t n) {
  REAL(ssize_t (*)(int, const void*, size_t), write);
  const auto f = kqsim::preload::lookup(fd);
  if (host_only() || !f) return real_write(fd, buf, n);
  Busy busy;
  return kqsim_write(f->model, buf, n);
}

ssize_t read(int fd, void* buf, size_t n) {
  REAL(ssize_t (*)(int, void*, size_t), read);
  const auto f = kqsim::preload::lookup(fd);
  if (host_only() || !f) return real_read(fd, buf, n);
  Busy busy;
  return kqsim_read(f->model, buf, n);
}

off_t lseek(int fd, off_t offset, int whence) {
  REAL(off_t (*)(int, off_t, int), lseek);
  const auto f = kqsim::preload::lookup(fd);
  if (host_only() || !f) return real_lseek(fd, offset, whence);
  Busy busy;
  return static_cast<off_t>(kqsim_lseek(f->model, offset, whence));
}
off_t lseek64(int fd, off_t offset, int whence) { return lseek(fd, offset, whence); }

int ftruncate(int fd, off_t length) {
  REAL(int (*)(int, off_t), ftruncate);
  const auto f = kqsim::preload::lookup(fd);
  if (host_only() || !f) return real_ftruncate(fd, length);
  Busy busy;
  return kqsim_ftruncate(f->model, length);
}

// The model keeps no times, only NOTE_ATTRIB: setting them (to now or to
// given values) is one utimes on the model; a descriptor's is its path's.
int futimens(int fd, const struct timespec times[2]) {
  REAL(int (*)(int, const struct timespec*), futimens);
  const auto f = kqsim::preload::lookup(fd);
  if (host_only() || !f) return real_futimens(fd, times);
  Busy busy;
  return kqsim_utimes(f->path.c_str(), nullptr);
}

int utimensat(int dirfd, const char* path, const struct timespec times[2], int flags) {
  REAL(int (*)(int, const char*, const struct timespec*, int), utimensat);
  if (no_path(path)) {
    if (host_only() || !kqsim::preload::lookup(dirfd)) return real_utimensat(dirfd, path, times, flags);
    return futimens(dirfd, times);
  }
  if (host_only() || !model_at(dirfd, path)) return real_utimensat(dirfd, path, times, flags);
  Busy busy;
  if (path[0] != '/') return unsupported("preload: a path relative to a model directory descriptor");
  return kqsim_utimes(path, nullptr);
}

int utimes(const char* path, const struct timeval times[2]) {
  REAL(int (*)(const char*, const struct timeval*), utimes);
  if (host_only() || !model_path(path)) return real_utimes(path, times);
  Busy busy;
  return kqsim_utimes(path, times);
}

int renameat2(int olddir, const char* from, int newdir, const char* to, unsigned int flags) {
  REAL(int (*)(int, const char*, int, const char*, unsigned int), renameat2);
  const bool a = model_at(olddir, from);
  const bool b = model_at(newdir, to);
  if (host_only() || (!a && !b)) return real_renameat2(olddir, from, newdir, to, flags);
  Busy busy;
  if (a != b) {
    errno = EXDEV;  // the model's file system and the host's are two file systems
    return -1;
  }
  if (flags != 0) {
    errno = EINVAL;  // as a Linux file system without RENAME_NOREPLACE/EXCHANGE (FreeBSD's rename has no flags)
    return -1;
  }
  if (from[0] != '/' || to[0] != '/') return unsupported("preload: a path relative to a model directory descriptor");
  return kqsim_rename(from, to);
}
int renameat(int olddir, const char* from, int newdir, const char* to) { return renameat2(olddir, from, newdir, to, 0); }
int rename(const char* from, const char* to) { return renameat2(AT_FDCWD, from, AT_FDCWD, to, 0); }

int unlinkat(int dirfd, const char* path, int flags) {
  REAL(int (*)(int, const char*, int), unlinkat);
  if (host_only() || !model_at(dirfd, path)) return real_unlinkat(dirfd, path, flags);
  Busy busy;
  if (path[0] != '/') return unsupported("preload: a path relative to a model directory descriptor");
  return (flags & AT_REMOVEDIR) != 0 ? kqsim_rmdir(path) : kqsim_unlink(path);
}
int unlink(const char* path) { return unlinkat(AT_FDCWD, path, 0); }
int rmdir(const char* path) { return unlinkat(AT_FDCWD, path, AT_REMOVEDIR); }

int mkdir(const char* path, mode_t mode) {
  REAL(int (*)(const char*, mode_t), mkdir);
  if (host_only() || !model_path(path)) return real_mkdir(path, mode);
  Busy busy;
  return kqsim_mkdir(path, static_cast<int>(mode));
}

// The model has no stat: asking about a model path fails rather than
// answering from the host's file of that name.
#define STAT_PATH(name, type)                                          \
  int name(const char* path, type* st) {                               \
    REAL(int (*)(const char*, type*), name);                           \
    if (host_only() || !model_path(path)) return real_##name(path, st); \
    return stat_like("preload: " #name " of a model path");             \
  }
STAT_PATH(stat, struct stat)
STAT_PATH(lstat, struct stat)
STAT_PATH(stat64, struct stat64)
STAT_PATH(lstat64, struct stat64)
#define STAT_FD(name, type)                                                     \
  int name(int fd, type* st) {                                                  \
    REAL(int (*)(int, type*), name);                                            \
    if (host_only() || !kqsim::preload::lookup(fd)) return real_##name(fd, st); \
    return stat_like("preload: " #name " of a model descriptor");                \
  }
STAT_FD(fstat, struct stat)
STAT_FD(fstat64, struct stat64)
#define STAT_AT(name, type)                                                        \
  int name(int dirfd, const char* path, type* st, int flags) {                     \
    REAL(int (*)(int, const char*, type*, int), name);                             \
    const bool fd_only = !no_path(path) && path[0] == '\0';                       \
    const bool model = fd_only ? kqsim::preload::lookup(dirfd).has_value() : model_at(dirfd, path); \
    if (host_only() || !model) return real_##name(dirfd, path, st, flags);         \
    return stat_like("preload: " #name " of a model path");                         \
  }
STAT_AT(fstatat, struct stat)
STAT_AT(fstatat64, struct stat64)

int faccessat(int dirfd, const char* path, int mode, int flags) {
  REAL(int (*)(int, const char*, int, int), faccessat);
  if (host_only() || !model_at(dirfd, path)) return real_faccessat(dirfd, path, mode, flags);
  return stat_like("preload: faccessat of a model path");
}
int access(const char* path, int mode) { return faccessat(AT_FDCWD, path, mode, 0); }

// A child of a preloaded program is a model child too.
pid_t fork(void) {
  REAL(pid_t (*)(), fork);
  if (host_only()) return real_fork();
  Busy busy;
  return kqsim_fork();
}
// The shell's vfork(2) child only execs or exits: a whole fork serves.
pid_t vfork(void) { return fork(); }

// A host child reaped here is reaped on the model too (its exit reached the
// model before the host process ended).
pid_t wait4(pid_t pid, int* status, int options, struct rusage* usage) {
  REAL(pid_t (*)(pid_t, int*, int, struct rusage*), wait4);
  const pid_t r = real_wait4(pid, status, options, usage);
  if (r > 0 && !host_only()) {
    Busy busy;
    const int e = errno;
    kqsim_waitpid(r, 1);
    errno = e;
  }
  return r;
}
pid_t wait3(int* status, int options, struct rusage* usage) { return wait4(-1, status, options, usage); }
pid_t waitpid(pid_t pid, int* status, int options) { return wait4(pid, status, options, nullptr); }
pid_t wait(int* status) { return wait4(-1, status, 0, nullptr); }

// execve(2): the model's exec (NOTE_EXEC; close-on-exec descriptors
// closed), then the host's with the model connection, pid and descriptor
// table in the environment.
int execve(const char* path, char* const argv[], char* const envp[]) {
  REAL(int (*)(const char*, char* const*, char* const*), execve);
  REAL(int (*)(const char*, int), access);
  if (host_only()) return real_execve(path, argv, envp);
  Busy busy;
  if (real_access(path, X_OK) != 0) return real_execve(path, argv, envp);  // fails as the host's would
  const int root = kqsim::posix::root_connection();
  fcntl(root, F_SETFD, 0);
  std::vector<std::string> env;
  for (char* const* e = envp; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "KQSIM_MODEL_FD=", 15) == 0 || std::strncmp(*e, "KQSIM_MODEL_PID=", 16) == 0 ||
        std::strncmp(*e, "KQSIM_FDMAP=", 12) == 0)
      continue;
    env.emplace_back(*e);
  }
  env.push_back("KQSIM_MODEL_FD=" + std::to_string(root));
  env.push_back("KQSIM_MODEL_PID=" + std::to_string(kqsim::posix::model_pid()));
  env.push_back("KQSIM_FDMAP=" + kqsim::preload::encode_for_exec());
  std::vector<char*> ptrs;
  for (auto& s : env) ptrs.push_back(s.data());
  ptrs.push_back(nullptr);
  kqsim_exec();
  return real_execve(path, argv, ptrs.data());
}

void _exit(int status) {
  REAL(void (*)(int), _exit);
  if (!host_only()) {
    Busy busy;
    kqsim_exit_status(status);
  }
  real__exit(status);
  __builtin_unreachable();
}

}  // extern "C"

namespace {

void report_exit(int status, void*) {
  if (!attached()) return;
  Busy busy;
  kqsim_exit_status(status);
}

// The descriptors the program inherited across exec, and its exit status
// for the model (exit(3) and a return from main).
__attribute__((constructor)) void attach() {
  if (!attached()) return;
  if (const char* map = std::getenv("KQSIM_FDMAP")) kqsim::preload::decode(map);
  on_exit(report_exit, nullptr);
}

}  // namespace

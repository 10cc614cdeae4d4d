// A small simulated file system: struct vnode reduced to what kqueue
// observes (type, link count, size, mode, the directory tree and the knote
// list v_pollinfo->vpi_selinfo.si_note), the FIFO bookkeeping of struct
// fifoinfo, and the requests the file-system system calls make.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/knote_list.hpp"

namespace kqsim::model {

inline constexpr std::uint32_t kRootVnode = 0;
inline constexpr std::uint32_t kNoPipe = UINT32_MAX;

enum class VnodeType : std::uint8_t {
  kRegular,    // VREG
  kDirectory,  // VDIR
  kFifo,       // VFIFO
};

struct Vnode {
  VnodeType type = VnodeType::kRegular;
  std::uint32_t mode = 0;    // permission bits (chmod); not enforced, see vfs_namei.cpp
  std::uint32_t nlink = 0;   // va_nlink; 0 once removed
  std::int64_t size = 0;     // va_size of a regular file
  std::uint32_t parent = kRootVnode;              // a directory's ".."
  std::map<std::string, std::uint32_t> entries;   // a directory's names
  KnoteList knotes;          // vpi_selinfo.si_note: READ, WRITE and VNODE knotes
  // struct fifoinfo: the pipe exists while some descriptor has the FIFO open.
  std::uint32_t fifo_pipe = kNoPipe;  // pipe pair index
  std::uint32_t fifo_readers = 0;     // fi_readers
  std::uint32_t fifo_writers = 0;     // fi_writers
  // vgonel (vfs_subr.c) ran on it: VIRF_DOOMED, v_op = dead_vnodeops,
  // v_type = VBAD. Its knotes stay on the list until they go; reads and
  // writes through open files fail (deadfs).
  bool dead = false;
};

// What a path-based call answers once unmount(MNT_FORCE) took the simulated
// file system away: the names now resolve in the directory it covered, which
// the model does not know.
inline constexpr std::string_view kUnmountedWhy =
    "path lookups after the simulated file system was unmounted (the covered directory is not modelled)";

// open(2) flags as FreeBSD numbers them (sys/fcntl.h).
namespace oflag {
inline constexpr std::uint32_t kRdonly = 0x0000;
inline constexpr std::uint32_t kWronly = 0x0001;
inline constexpr std::uint32_t kRdwr = 0x0002;
inline constexpr std::uint32_t kAccmode = 0x0003;
inline constexpr std::uint32_t kNonblock = 0x0004;
inline constexpr std::uint32_t kAppend = 0x0008;
inline constexpr std::uint32_t kCreat = 0x0200;
inline constexpr std::uint32_t kTrunc = 0x0400;
inline constexpr std::uint32_t kExcl = 0x0800;
inline constexpr std::uint32_t kCloexec = 0x00100000;
inline constexpr std::uint32_t kKnown = kAccmode | kNonblock | kAppend | kCreat | kTrunc | kExcl | kCloexec;
}  // namespace oflag

// lseek(2) whence.
inline constexpr std::int32_t kSeekSet = 0;
inline constexpr std::int32_t kSeekCur = 1;
inline constexpr std::int32_t kSeekEnd = 2;

// One file-system system call, as a trace step or the C API asks for it.
enum class VfsOp : std::uint8_t {
  kOpen, kMkdir, kRmdir, kMkfifo, kUnlink, kRename, kLink, kChmod, kTruncate, kFtruncate, kLseek,
  kRevoke, kUnmount,
  kUtimes,  // utimes(path, NULL): the times set to now
};

// unmount(2) flags as FreeBSD numbers them (sys/mount.h); only MNT_FORCE is modelled.
namespace mntflag {
inline constexpr std::uint32_t kForce = 0x00080000;  // MNT_FORCE
}  // namespace mntflag

struct VfsCall {
  VfsOp op = VfsOp::kOpen;
  std::string path;         // every op but ftruncate and lseek
  std::string path2;        // rename and link: the new name
  std::int32_t fd = -1;     // ftruncate, lseek
  std::uint32_t flags = 0;  // open: oflag bits; unmount: mntflag bits
  std::uint32_t mode = 0;   // open (with O_CREAT), mkdir, mkfifo, chmod
  std::int64_t value = 0;   // truncate/ftruncate: the length; lseek: the offset
  std::int32_t whence = kSeekSet;  // lseek
};

// Names (vfs_names.cpp): traces and hosts speak in names, the model in
// FreeBSD's numbers.
const char* vfs_op_name(VfsOp op);
std::optional<std::uint32_t> open_flag_from_name(std::string_view name);
std::vector<std::string_view> known_open_flag_names();  // for "did you mean"
// The access mode's name first (O_RDONLY is 0), then each other bit.
std::vector<std::string> open_flags_to_names(std::uint32_t oflags);
std::optional<std::int32_t> whence_from_name(std::string_view name);
const char* whence_name(std::int32_t whence);

}  // namespace kqsim::model

// The names of the simulated file system's calls, open flags and whence values.
#include <array>
#include <utility>

#include "model/vfs.hpp"

namespace kqsim::model {
namespace {

constexpr std::array<std::pair<std::string_view, std::uint32_t>, 9> kOpenFlags{{
    {"O_RDONLY", oflag::kRdonly}, {"O_WRONLY", oflag::kWronly},   {"O_RDWR", oflag::kRdwr},
    {"O_NONBLOCK", oflag::kNonblock}, {"O_APPEND", oflag::kAppend}, {"O_CREAT", oflag::kCreat},
    {"O_TRUNC", oflag::kTrunc},   {"O_EXCL", oflag::kExcl},     {"O_CLOEXEC", oflag::kCloexec},
}};

constexpr std::array<std::pair<std::string_view, std::int32_t>, 3> kWhence{{
    {"SEEK_SET", kSeekSet}, {"SEEK_CUR", kSeekCur}, {"SEEK_END", kSeekEnd},
}};

}  // namespace

const char* vfs_op_name(VfsOp op) {
  switch (op) {
    case VfsOp::kOpen: return "open";
    case VfsOp::kMkdir: return "mkdir";
    case VfsOp::kRmdir: return "rmdir";
    case VfsOp::kMkfifo: return "mkfifo";
    case VfsOp::kUnlink: return "unlink";
    case VfsOp::kRename: return "rename";
    case VfsOp::kLink: return "link";
    case VfsOp::kChmod: return "chmod";
    case VfsOp::kUtimes: return "utimes";
    case VfsOp::kTruncate: return "truncate";
    case VfsOp::kFtruncate: return "ftruncate";
    case VfsOp::kLseek: return "lseek";
    case VfsOp::kRevoke: return "revoke";
    case VfsOp::kUnmount: return "unmount";
  }
  return "?";
}

std::optional<std::uint32_t> open_flag_from_name(std::string_view name) {
  for (const auto& [n, value] : kOpenFlags) {
    if (n == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string_view> known_open_flag_names() {
  std::vector<std::string_view> out;
  for (const auto& [n, value] : kOpenFlags) out.push_back(n);
  return out;
}

std::vector<std::string> open_flags_to_names(std::uint32_t oflags) {
  std::vector<std::string> out;
  for (const auto& [n, value] : kOpenFlags) {
    const bool access = value == oflag::kRdonly || value == oflag::kWronly || value == oflag::kRdwr;
    if (access ? (oflags & oflag::kAccmode) == value : (oflags & value) != 0) out.emplace_back(n);
  }
  return out;
}

std::optional<std::int32_t> whence_from_name(std::string_view name) {
  for (const auto& [n, value] : kWhence) {
    if (n == name) return value;
  }
  return std::nullopt;
}

const char* whence_name(std::int32_t whence) {
  for (const auto& [n, value] : kWhence) {
    if (value == whence) return n.data();
  }
  return "?";
}

}  // namespace kqsim::model

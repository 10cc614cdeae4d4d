#include "model/errno_code.hpp"

#include <array>
#include <utility>

namespace kqsim::model {
namespace {

constexpr std::array<std::pair<Errno, std::string_view>, 16> kNames{{
    {Errno::kNone, "0"},         {Errno::kEPERM, "EPERM"},   {Errno::kENOENT, "ENOENT"},
    {Errno::kESRCH, "ESRCH"},    {Errno::kEINTR, "EINTR"},   {Errno::kENXIO, "ENXIO"},
    {Errno::kECHILD, "ECHILD"},
    {Errno::kEBADF, "EBADF"},    {Errno::kENOMEM, "ENOMEM"}, {Errno::kEFAULT, "EFAULT"},
    {Errno::kEINVAL, "EINVAL"},  {Errno::kEMFILE, "EMFILE"}, {Errno::kENOTTY, "ENOTTY"},
    {Errno::kEPIPE, "EPIPE"},    {Errno::kEAGAIN, "EAGAIN"}, {Errno::kEOPNOTSUPP, "EOPNOTSUPP"},
}};

}  // namespace

std::string_view errno_name(Errno e) {
  for (const auto& [value, name] : kNames) {
    if (value == e) return name;
  }
  return "E?";
}

std::optional<Errno> errno_from_name(std::string_view name) {
  if (name == "EWOULDBLOCK") return Errno::kEAGAIN;
  for (const auto& [value, n] : kNames) {
    if (n == name) return value;
  }
  return std::nullopt;
}

}  // namespace kqsim::model

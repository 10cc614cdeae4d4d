#include "model/errno_code.hpp"

#include <array>
#include <utility>

namespace kqsim::model {
namespace {

constexpr std::array<std::pair<Errno, std::string_view>, 38> kNames{{
    {Errno::kNone, "0"},         {Errno::kEPERM, "EPERM"},   {Errno::kENOENT, "ENOENT"},
    {Errno::kESRCH, "ESRCH"},    {Errno::kEINTR, "EINTR"},   {Errno::kENXIO, "ENXIO"},
    {Errno::kECHILD, "ECHILD"},
    {Errno::kEBADF, "EBADF"},    {Errno::kENOMEM, "ENOMEM"}, {Errno::kEFAULT, "EFAULT"},
    {Errno::kEINVAL, "EINVAL"},  {Errno::kEMFILE, "EMFILE"}, {Errno::kENOTTY, "ENOTTY"},
    {Errno::kEPIPE, "EPIPE"},    {Errno::kEAGAIN, "EAGAIN"}, {Errno::kEOPNOTSUPP, "EOPNOTSUPP"},
    // Socket errors (uipc_usrreq.c, uipc_socket.c).
    {Errno::kEALREADY, "EALREADY"},         {Errno::kENOTSOCK, "ENOTSOCK"},
    {Errno::kEDESTADDRREQ, "EDESTADDRREQ"}, {Errno::kEMSGSIZE, "EMSGSIZE"},
    {Errno::kEPROTOTYPE, "EPROTOTYPE"},     {Errno::kEADDRINUSE, "EADDRINUSE"},
    {Errno::kECONNABORTED, "ECONNABORTED"}, {Errno::kECONNRESET, "ECONNRESET"},
    {Errno::kENOBUFS, "ENOBUFS"},           {Errno::kEISCONN, "EISCONN"},
    {Errno::kENOTCONN, "ENOTCONN"},         {Errno::kECONNREFUSED, "ECONNREFUSED"},
    {Errno::kEACCES, "EACCES"},  {Errno::kEBUSY, "EBUSY"},   {Errno::kEEXIST, "EEXIST"},
    {Errno::kENOTDIR, "ENOTDIR"}, {Errno::kEISDIR, "EISDIR"}, {Errno::kESPIPE, "ESPIPE"},
    {Errno::kENOTEMPTY, "ENOTEMPTY"},
    // Asynchronous I/O (vfs_aio.c) and dead vnodes (dead_vnops.c).
    {Errno::kEIO, "EIO"}, {Errno::kEINPROGRESS, "EINPROGRESS"}, {Errno::kECANCELED, "ECANCELED"},
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

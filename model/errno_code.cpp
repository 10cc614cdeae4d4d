#include "model/errno_code.hpp"

#include <array>
#include <utility>

namespace kqsim::model {
namespace {

// Indexed by value: kNames[n] is FreeBSD's name for errno n.
constexpr std::array<std::string_view, 98> kNames{{
    "0",
    "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EDEADLK",
    "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR",
    "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK",
    "EPIPE", "EDOM", "ERANGE", "EAGAIN", "EINPROGRESS", "EALREADY", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE",
    "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT",
    "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED",
    "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED",
    "ELOOP", "ENAMETOOLONG", "EHOSTDOWN", "EHOSTUNREACH", "ENOTEMPTY", "EPROCLIM", "EUSERS", "EDQUOT",
    "ESTALE", "EREMOTE", "EBADRPC", "ERPCMISMATCH", "EPROGUNAVAIL", "EPROGMISMATCH", "EPROCUNAVAIL", "ENOLCK",
    "ENOSYS", "EFTYPE", "EAUTH", "ENEEDAUTH", "EIDRM", "ENOMSG", "EOVERFLOW", "ECANCELED", "EILSEQ",
    "ENOATTR", "EDOOFUS", "EBADMSG", "EMULTIHOP", "ENOLINK", "EPROTO", "ENOTCAPABLE", "ECAPMODE",
    "ENOTRECOVERABLE", "EOWNERDEAD", "EINTEGRITY",
}};

}  // namespace

std::string_view errno_name(Errno e) {
  const auto n = static_cast<std::size_t>(e);
  return n < kNames.size() ? kNames[n] : "E?";
}

std::optional<Errno> errno_from_name(std::string_view name) {
  if (name == "EWOULDBLOCK") return Errno::kEAGAIN;
  if (name == "ENOTSUP") return Errno::kEOPNOTSUPP;
  for (std::size_t n = 0; n < kNames.size(); ++n) {
    if (kNames[n] == name) return static_cast<Errno>(n);
  }
  return std::nullopt;
}

std::optional<Errno> errno_from_number(std::int64_t number) {
  if (number < 0 || number >= static_cast<std::int64_t>(kNames.size())) return std::nullopt;
  return static_cast<Errno>(number);
}

}  // namespace kqsim::model

// Errno values between the model (FreeBSD numbers, sys/sys/errno.h) and the
// host: the host's value of the same name, or kHostErrnoBase + FreeBSD's
// number for a name the host lacks (EDOOFUS, ECAPMODE, ... on Linux; the
// drop-in header defines those names so).
#pragma once

#include <optional>
#include <span>

#include "model/errno_code.hpp"

namespace kqsim::sim {

inline constexpr int kHostErrnoBase = 1000;  // KQSIM_ERRNO_BASE in <kqsim/posix.h>

struct HostErrno {
  const char* name;
  int value;
};

// Every FreeBSD errno name the host defines, with the host's value.
std::span<const HostErrno> host_errnos();
int host_errno_of(model::Errno e);
std::optional<model::Errno> model_errno_of_host(int value);

}  // namespace kqsim::sim

// The native kqueue's constants, translated by name to and from FreeBSD's
// numbering (what the model and the worker protocol speak). Built only
// against a native <sys/event.h>: the host's, or libkqueue's.
//
// On FreeBSD the ABI values are FreeBSD's own, known exactly, so every name
// passes, including those the build's headers may lack (EVFILT_JAIL,
// EV_KEEPUDATA on 13.2 headers): the running kernel answers for itself.
// Elsewhere a name the host does not define makes the call unsupported; a
// number is never passed on as it stands when FreeBSD has a name for it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/errno_code.hpp"
#include "model/kevent_constants.hpp"

namespace kqsim::host::native {

// A FreeBSD value with no host equivalent: `missing` names what is lacking.
struct Translated {
  long long value = 0;
  std::string missing;  // "" when translated
};

Translated to_host_filter(model::FilterId filter);
model::FilterId from_host_filter(long long filter);
Translated to_host_flags(model::EventFlags flags);
model::EventFlags from_host_flags(unsigned flags);
// fflags are per filter: NOTE_SECONDS and NOTE_LOWAT share a bit; timer units
// are bits on FreeBSD and macOS but an enumeration on NetBSD and OpenBSD.
Translated to_host_fflags(model::FilterId filter, std::uint32_t fflags);
std::uint32_t from_host_fflags(model::FilterId filter, std::uint32_t fflags);
// Signals by FreeBSD number; 0 passes (kill's probe).
Translated to_host_signal(std::int64_t signo);
std::optional<std::int64_t> from_host_signal(std::int64_t signo);
// The FreeBSD errno of the host's errno number, if FreeBSD has its name.
std::optional<model::Errno> from_host_errno(int e);
// The host's name for its errno number ("EBADFD"), for messages.
std::string host_errno_text(int e);

}  // namespace kqsim::host::native

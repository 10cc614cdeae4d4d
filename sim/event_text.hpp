// Words for the numbers in a kevent, for people: fflags as the filter's
// NOTE_* names, an EV_ERROR record's data as an errno name, kqueuex flags
// by name, durations with a unit. Used by `kqreplay explain`, its
// timeline and its HTML page.
#pragma once

#include <cstdint>
#include <string>

#include "model/kevent_constants.hpp"

namespace kqsim::sim {

// "NOTE_TRIGGER|NOTE_FFOR|0x1" for EVFILT_USER; the filter decides which
// names apply (NOTE_SECONDS and NOTE_LOWAT are both 1). "0" for none.
// A socket's READ/WRITE event with EV_EOF carries so_error in fflags
// (filt_soread, filt_sowrite): with `flags` given, that is an errno name.
std::string fflags_text(model::FilterId filter, std::uint32_t fflags, model::EventFlags flags = 0);

// Data that is an errno gets its name ("EBADF"): an EV_ERROR record's, and
// an EVFILT_AIO event's (the request's error, filt_aio). Other data is a
// number.
std::string data_text(model::EventFlags flags, std::int64_t data, model::FilterId filter = 0);

// kqueuex(2) flags: "KQUEUE_CLOEXEC", or "0".
std::string kqueue_flags_text(std::uint32_t flags);

// "250000000 ns (250 ms)": nanoseconds with the largest whole unit beside.
std::string duration_text(std::int64_t ns);

}  // namespace kqsim::sim

// Translation by name between FreeBSD's numbering and the native kqueue's
// (here libkqueue on Linux, or a BSD's own). Expected host values come from
// the host's headers, FreeBSD's from FreeBSD's sys/event.h, sys/errno.h and
// sys/signal.h.
#include <gtest/gtest.h>

#include <sys/types.h>
#include <sys/event.h>
#include <cerrno>
#include <csignal>

#include "model/kevent_constants.hpp"
#include "sim/host/native_names.hpp"

namespace kqsim::host::native {
namespace {

TEST(NativeNames, ErrnosByName) {
  EXPECT_EQ(from_host_errno(ECHILD), model::Errno::kECHILD);             // FreeBSD 10
  EXPECT_EQ(from_host_errno(ENOPROTOOPT), model::Errno::kENOPROTOOPT);   // FreeBSD 42
  EXPECT_EQ(from_host_errno(EAGAIN), model::Errno::kEAGAIN);             // FreeBSD 35
  EXPECT_EQ(static_cast<int>(*from_host_errno(ENOSYS)), 78);
#ifdef EBADFD
  EXPECT_FALSE(from_host_errno(EBADFD).has_value());  // Linux's own: no FreeBSD name
#endif
}

TEST(NativeNames, SignalsByName) {
  EXPECT_EQ(to_host_signal(30).value, SIGUSR1);  // FreeBSD's SIGUSR1 is 30
  EXPECT_EQ(to_host_signal(20).value, SIGCHLD);  // FreeBSD's SIGCHLD is 20
  EXPECT_EQ(from_host_signal(SIGUSR2), 31);
  EXPECT_EQ(to_host_signal(0).value, 0);
  // Beyond FreeBSD's last signal (128) and the host's: invalid on both, passed on.
  EXPECT_TRUE(to_host_signal(129).missing.empty());
  EXPECT_EQ(to_host_signal(129).value, 129);
#if !defined(__FreeBSD__) && !defined(SIGINFO)
  EXPECT_EQ(to_host_signal(29).missing, "SIGINFO");
#endif
}

TEST(NativeNames, FiltersAndFlagsByName) {
  EXPECT_EQ(to_host_filter(model::filt::kUser).value, EVFILT_USER);
  EXPECT_EQ(from_host_filter(EVFILT_TIMER), model::filt::kTimer);
  EXPECT_EQ(to_host_filter(-100).value, -100);  // no FreeBSD name: a probe, as it stands
  EXPECT_EQ(to_host_flags(model::ev::kAdd | model::ev::kClear).value, EV_ADD | EV_CLEAR);
  EXPECT_EQ(from_host_flags(EV_ERROR | EV_EOF), model::ev::kError | model::ev::kEof);
#ifndef EV_FORCEONESHOT
  EXPECT_EQ(to_host_flags(model::ev::kAdd | model::ev::kForceOneshot).missing, "EV_FORCEONESHOT");
#endif
#ifndef EVFILT_PROCDESC
  EXPECT_EQ(to_host_filter(model::filt::kProcdesc).missing, "EVFILT_PROCDESC");
#endif
}

TEST(NativeNames, TimerUnitsAsWholeValues) {
  EXPECT_EQ(to_host_fflags(model::filt::kTimer, model::note::kSeconds).value, NOTE_SECONDS);
  EXPECT_EQ(to_host_fflags(model::filt::kTimer, model::note::kUseconds).value, NOTE_USECONDS);
  EXPECT_EQ(to_host_fflags(model::filt::kTimer, model::note::kNseconds).value, NOTE_NSECONDS);
  EXPECT_EQ(from_host_fflags(model::filt::kTimer, NOTE_USECONDS), model::note::kUseconds);
  // Two units at once (EINVAL on FreeBSD): unit by unit where the host's units
  // are bits (macOS, libkqueue), and back the same way (an EV_ERROR receipt
  // echoes them); an enumeration (NetBSD, OpenBSD) has no value for it.
  const std::uint32_t two = model::note::kSeconds | model::note::kUseconds;
  const Translated t = to_host_fflags(model::filt::kTimer, two);
  if ((NOTE_SECONDS & NOTE_USECONDS) == 0 && NOTE_SECONDS != 0 && NOTE_USECONDS != 0 && (NOTE_NSECONDS & (NOTE_NSECONDS - 1)) == 0) {
    EXPECT_TRUE(t.missing.empty());
    EXPECT_EQ(t.value, NOTE_SECONDS | NOTE_USECONDS);
    EXPECT_EQ(from_host_fflags(model::filt::kTimer, static_cast<std::uint32_t>(t.value)), two);
  }
#if !defined(NOTE_MSECONDS)
  EXPECT_EQ(to_host_fflags(model::filt::kTimer, model::note::kMseconds).value, 0);  // the default unit there
#endif
}

TEST(NativeNames, PerFilterNotes) {
  EXPECT_EQ(to_host_fflags(model::filt::kVnode, model::note::kDelete | model::note::kWrite).value, NOTE_DELETE | NOTE_WRITE);
  EXPECT_EQ(to_host_fflags(model::filt::kProc, model::note::kExit | model::note::kTrack).value, NOTE_EXIT | NOTE_TRACK);
  EXPECT_EQ(to_host_fflags(model::filt::kUser, model::note::kTrigger | model::note::kFfor | 0x3).value,
            NOTE_TRIGGER | NOTE_FFOR | 0x3);
#ifndef NOTE_FILE_POLL
  EXPECT_EQ(to_host_fflags(model::filt::kRead, model::note::kFilePoll).missing, "NOTE_FILE_POLL");
#endif
}

}  // namespace
}  // namespace kqsim::host::native

// The kevent ABI constants, valued as FreeBSD main's sys/sys/event.h values
// them. The model works in FreeBSD numbering; traces carry names, and other
// dialects map names, never numbers (0x100 is EV_FORCEONESHOT on FreeBSD but
// EV_UDATA_SPECIFIC on macOS).
#pragma once

#include <cstdint>

namespace kqsim::model {

using FilterId = std::int16_t;
using EventFlags = std::uint16_t;

namespace filt {
inline constexpr FilterId kRead = -1;
inline constexpr FilterId kWrite = -2;
inline constexpr FilterId kAio = -3;
inline constexpr FilterId kVnode = -4;
inline constexpr FilterId kProc = -5;
inline constexpr FilterId kSignal = -6;
inline constexpr FilterId kTimer = -7;
inline constexpr FilterId kProcdesc = -8;
inline constexpr FilterId kFs = -9;
inline constexpr FilterId kLio = -10;
inline constexpr FilterId kUser = -11;
inline constexpr FilterId kSendfile = -12;
inline constexpr FilterId kEmpty = -13;
inline constexpr FilterId kJail = -14;
inline constexpr FilterId kJaildesc = -15;
}  // namespace filt

namespace ev {
inline constexpr EventFlags kAdd = 0x0001;
inline constexpr EventFlags kDelete = 0x0002;
inline constexpr EventFlags kEnable = 0x0004;
inline constexpr EventFlags kDisable = 0x0008;
inline constexpr EventFlags kForceOneshot = 0x0100;
inline constexpr EventFlags kKeepUdata = 0x0200;
inline constexpr EventFlags kOneshot = 0x0010;
inline constexpr EventFlags kClear = 0x0020;
inline constexpr EventFlags kReceipt = 0x0040;
inline constexpr EventFlags kDispatch = 0x0080;
inline constexpr EventFlags kSysFlags = 0xF000;  // kernel-only; stripped from input
inline constexpr EventFlags kDrop = 0x1000;
inline constexpr EventFlags kFlag1 = 0x2000;
inline constexpr EventFlags kFlag2 = 0x4000;
inline constexpr EventFlags kError = 0x4000;
inline constexpr EventFlags kEof = 0x8000;
// Action bits that kqueue_register consumes and never stores in a knote.
inline constexpr EventFlags kActionBits = kAdd | kDelete | kEnable | kDisable | kForceOneshot;
}  // namespace ev

namespace note {
// EVFILT_READ / EVFILT_WRITE
inline constexpr std::uint32_t kLowat = 0x0001;
inline constexpr std::uint32_t kFilePoll = 0x0002;
// EVFILT_USER
inline constexpr std::uint32_t kFfnop = 0x00000000;
inline constexpr std::uint32_t kFfand = 0x40000000;
inline constexpr std::uint32_t kFfor = 0x80000000;
inline constexpr std::uint32_t kFfcopy = 0xc0000000;
inline constexpr std::uint32_t kFfctrlMask = 0xc0000000;
inline constexpr std::uint32_t kFflagsMask = 0x00ffffff;
inline constexpr std::uint32_t kTrigger = 0x01000000;
// EVFILT_TIMER
inline constexpr std::uint32_t kSeconds = 0x0001;
inline constexpr std::uint32_t kMseconds = 0x0002;
inline constexpr std::uint32_t kUseconds = 0x0004;
inline constexpr std::uint32_t kNseconds = 0x0008;
inline constexpr std::uint32_t kAbstime = 0x0010;
inline constexpr std::uint32_t kTimerPrecMask = kSeconds | kMseconds | kUseconds | kNseconds;
// EVFILT_VNODE
inline constexpr std::uint32_t kDelete = 0x0001;
inline constexpr std::uint32_t kWrite = 0x0002;
inline constexpr std::uint32_t kExtend = 0x0004;
inline constexpr std::uint32_t kAttrib = 0x0008;
inline constexpr std::uint32_t kLink = 0x0010;
inline constexpr std::uint32_t kRename = 0x0020;
inline constexpr std::uint32_t kRevoke = 0x0040;
inline constexpr std::uint32_t kOpen = 0x0080;
inline constexpr std::uint32_t kClose = 0x0100;
inline constexpr std::uint32_t kCloseWrite = 0x0200;
inline constexpr std::uint32_t kRead = 0x0400;
// EVFILT_PROC / EVFILT_PROCDESC: event bits (also the hints knote() carries)
// and the tracking flags.
inline constexpr std::uint32_t kExit = 0x80000000;
inline constexpr std::uint32_t kFork = 0x40000000;
inline constexpr std::uint32_t kExec = 0x20000000;
// EVFILT_PROCDESC on newest main (sys/sys/event.h): pdwait() information is
// available (the process exited, or stopped/continued), and the process was
// reaped. 13.2 and 15.1 post neither.
inline constexpr std::uint32_t kPdsigchld = 0x10000000;
inline constexpr std::uint32_t kReap = 0x04000000;
inline constexpr std::uint32_t kPctrlMask = 0xf0000000;  // NOTE_PCTRLMASK: the event part of a hint
inline constexpr std::uint32_t kTrack = 0x00000001;
inline constexpr std::uint32_t kTrackErr = 0x00000002;
inline constexpr std::uint32_t kChild = 0x00000004;
}  // namespace note

// The hint knote() carries for signals (kern_sig.c tdsendsignal).
inline constexpr std::int64_t kNoteSignal = 0x08000000;

// pdfork(2) flags (sys/procdesc.h).
namespace pdflag {
inline constexpr std::uint32_t kDaemon = 0x1;   // PD_DAEMON: closing the descriptor does not kill
inline constexpr std::uint32_t kCloexec = 0x2;  // PD_CLOEXEC
}  // namespace pdflag

// kqueuex(2) flags.
namespace kqflag {
inline constexpr std::uint32_t kCloexec = 0x1;
inline constexpr std::uint32_t kCponfork = 0x2;
}  // namespace kqflag

// One record of the kevent ABI (ext[] is not modelled: no filter of this
// model reads or writes it).
struct KEvent {
  std::uint64_t ident = 0;
  FilterId filter = 0;
  EventFlags flags = 0;
  std::uint32_t fflags = 0;
  std::int64_t data = 0;
  std::uint64_t udata = 0;

  friend bool operator==(const KEvent&, const KEvent&) = default;
};

inline constexpr bool has(EventFlags flags, EventFlags bit) { return (flags & bit) != 0; }

}  // namespace kqsim::model

// Translation by name between FreeBSD's numbering and the native kqueue's
// (see native_names.hpp). The tables hold only the names the host's headers
// define; each is generated from the list of FreeBSD's names.
#include "sim/host/native_names.hpp"

#include <sys/types.h>
#include <sys/event.h>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "model/kevent_names.hpp"
#include "sim/host_errno.hpp"
#include "model/signals.hpp"

namespace kqsim::host::native {
namespace {

struct NamedValue {
  const char* name;
  long long value;
};

// NOTE_ABSOLUTE is macOS's and libkqueue's name for FreeBSD's NOTE_ABSTIME.
#if !defined(NOTE_ABSTIME) && defined(NOTE_ABSOLUTE)
#define KQSIM_HOST_NOTE_ABSTIME NOTE_ABSOLUTE
#elif defined(NOTE_ABSTIME)
#define KQSIM_HOST_NOTE_ABSTIME NOTE_ABSTIME
#endif

#if !defined(__FreeBSD__)
const NamedValue kFilters[] = {
#ifdef EVFILT_READ
    {"EVFILT_READ", static_cast<long long>(EVFILT_READ)},
#endif
#ifdef EVFILT_WRITE
    {"EVFILT_WRITE", static_cast<long long>(EVFILT_WRITE)},
#endif
#ifdef EVFILT_AIO
    {"EVFILT_AIO", static_cast<long long>(EVFILT_AIO)},
#endif
#ifdef EVFILT_VNODE
    {"EVFILT_VNODE", static_cast<long long>(EVFILT_VNODE)},
#endif
#ifdef EVFILT_PROC
    {"EVFILT_PROC", static_cast<long long>(EVFILT_PROC)},
#endif
#ifdef EVFILT_SIGNAL
    {"EVFILT_SIGNAL", static_cast<long long>(EVFILT_SIGNAL)},
#endif
#ifdef EVFILT_TIMER
    {"EVFILT_TIMER", static_cast<long long>(EVFILT_TIMER)},
#endif
#ifdef EVFILT_PROCDESC
    {"EVFILT_PROCDESC", static_cast<long long>(EVFILT_PROCDESC)},
#endif
#ifdef EVFILT_FS
    {"EVFILT_FS", static_cast<long long>(EVFILT_FS)},
#endif
#ifdef EVFILT_LIO
    {"EVFILT_LIO", static_cast<long long>(EVFILT_LIO)},
#endif
#ifdef EVFILT_USER
    {"EVFILT_USER", static_cast<long long>(EVFILT_USER)},
#endif
#ifdef EVFILT_SENDFILE
    {"EVFILT_SENDFILE", static_cast<long long>(EVFILT_SENDFILE)},
#endif
#ifdef EVFILT_EMPTY
    {"EVFILT_EMPTY", static_cast<long long>(EVFILT_EMPTY)},
#endif
#ifdef EVFILT_JAIL
    {"EVFILT_JAIL", static_cast<long long>(EVFILT_JAIL)},
#endif
#ifdef EVFILT_JAILDESC
    {"EVFILT_JAILDESC", static_cast<long long>(EVFILT_JAILDESC)},
#endif
    {nullptr, 0},
};
const NamedValue kFlags[] = {
#ifdef EV_ADD
    {"EV_ADD", static_cast<long long>(EV_ADD)},
#endif
#ifdef EV_DELETE
    {"EV_DELETE", static_cast<long long>(EV_DELETE)},
#endif
#ifdef EV_ENABLE
    {"EV_ENABLE", static_cast<long long>(EV_ENABLE)},
#endif
#ifdef EV_DISABLE
    {"EV_DISABLE", static_cast<long long>(EV_DISABLE)},
#endif
#ifdef EV_ONESHOT
    {"EV_ONESHOT", static_cast<long long>(EV_ONESHOT)},
#endif
#ifdef EV_CLEAR
    {"EV_CLEAR", static_cast<long long>(EV_CLEAR)},
#endif
#ifdef EV_RECEIPT
    {"EV_RECEIPT", static_cast<long long>(EV_RECEIPT)},
#endif
#ifdef EV_DISPATCH
    {"EV_DISPATCH", static_cast<long long>(EV_DISPATCH)},
#endif
#ifdef EV_FORCEONESHOT
    {"EV_FORCEONESHOT", static_cast<long long>(EV_FORCEONESHOT)},
#endif
#ifdef EV_KEEPUDATA
    {"EV_KEEPUDATA", static_cast<long long>(EV_KEEPUDATA)},
#endif
#ifdef EV_DROP
    {"EV_DROP", static_cast<long long>(EV_DROP)},
#endif
#ifdef EV_FLAG1
    {"EV_FLAG1", static_cast<long long>(EV_FLAG1)},
#endif
#ifdef EV_ERROR
    {"EV_ERROR", static_cast<long long>(EV_ERROR)},
#endif
#ifdef EV_EOF
    {"EV_EOF", static_cast<long long>(EV_EOF)},
#endif
    {nullptr, 0},
};
const NamedValue kReadWriteNotes[] = {
#ifdef NOTE_LOWAT
    {"NOTE_LOWAT", static_cast<long long>(NOTE_LOWAT)},
#endif
#ifdef NOTE_FILE_POLL
    {"NOTE_FILE_POLL", static_cast<long long>(NOTE_FILE_POLL)},
#endif
    {nullptr, 0},
};
const NamedValue kVnodeNotes[] = {
#ifdef NOTE_DELETE
    {"NOTE_DELETE", static_cast<long long>(NOTE_DELETE)},
#endif
#ifdef NOTE_WRITE
    {"NOTE_WRITE", static_cast<long long>(NOTE_WRITE)},
#endif
#ifdef NOTE_EXTEND
    {"NOTE_EXTEND", static_cast<long long>(NOTE_EXTEND)},
#endif
#ifdef NOTE_ATTRIB
    {"NOTE_ATTRIB", static_cast<long long>(NOTE_ATTRIB)},
#endif
#ifdef NOTE_LINK
    {"NOTE_LINK", static_cast<long long>(NOTE_LINK)},
#endif
#ifdef NOTE_RENAME
    {"NOTE_RENAME", static_cast<long long>(NOTE_RENAME)},
#endif
#ifdef NOTE_REVOKE
    {"NOTE_REVOKE", static_cast<long long>(NOTE_REVOKE)},
#endif
#ifdef NOTE_OPEN
    {"NOTE_OPEN", static_cast<long long>(NOTE_OPEN)},
#endif
#ifdef NOTE_CLOSE
    {"NOTE_CLOSE", static_cast<long long>(NOTE_CLOSE)},
#endif
#ifdef NOTE_CLOSE_WRITE
    {"NOTE_CLOSE_WRITE", static_cast<long long>(NOTE_CLOSE_WRITE)},
#endif
#ifdef NOTE_READ
    {"NOTE_READ", static_cast<long long>(NOTE_READ)},
#endif
    {nullptr, 0},
};
const NamedValue kProcNotes[] = {
#ifdef NOTE_EXIT
    {"NOTE_EXIT", static_cast<long long>(NOTE_EXIT)},
#endif
#ifdef NOTE_FORK
    {"NOTE_FORK", static_cast<long long>(NOTE_FORK)},
#endif
#ifdef NOTE_EXEC
    {"NOTE_EXEC", static_cast<long long>(NOTE_EXEC)},
#endif
#ifdef NOTE_TRACK
    {"NOTE_TRACK", static_cast<long long>(NOTE_TRACK)},
#endif
#ifdef NOTE_TRACKERR
    {"NOTE_TRACKERR", static_cast<long long>(NOTE_TRACKERR)},
#endif
#ifdef NOTE_CHILD
    {"NOTE_CHILD", static_cast<long long>(NOTE_CHILD)},
#endif
#ifdef NOTE_PDSIGCHLD
    {"NOTE_PDSIGCHLD", static_cast<long long>(NOTE_PDSIGCHLD)},
#endif
#ifdef NOTE_REAP
    {"NOTE_REAP", static_cast<long long>(NOTE_REAP)},
#endif
    {nullptr, 0},
};
const NamedValue kTimerUnits[] = {
#ifdef NOTE_SECONDS
    {"NOTE_SECONDS", static_cast<long long>(NOTE_SECONDS)},
#endif
#ifdef NOTE_MSECONDS
    {"NOTE_MSECONDS", static_cast<long long>(NOTE_MSECONDS)},
#endif
#ifdef NOTE_USECONDS
    {"NOTE_USECONDS", static_cast<long long>(NOTE_USECONDS)},
#endif
#ifdef NOTE_NSECONDS
    {"NOTE_NSECONDS", static_cast<long long>(NOTE_NSECONDS)},
#endif
    {nullptr, 0},
};
const NamedValue kUserControls[] = {
#ifdef NOTE_FFNOP
    {"NOTE_FFNOP", static_cast<long long>(NOTE_FFNOP)},
#endif
#ifdef NOTE_FFAND
    {"NOTE_FFAND", static_cast<long long>(NOTE_FFAND)},
#endif
#ifdef NOTE_FFOR
    {"NOTE_FFOR", static_cast<long long>(NOTE_FFOR)},
#endif
#ifdef NOTE_FFCOPY
    {"NOTE_FFCOPY", static_cast<long long>(NOTE_FFCOPY)},
#endif
    {nullptr, 0},
};
const NamedValue kSignals[] = {
#ifdef SIGHUP
    {"SIGHUP", static_cast<long long>(SIGHUP)},
#endif
#ifdef SIGINT
    {"SIGINT", static_cast<long long>(SIGINT)},
#endif
#ifdef SIGQUIT
    {"SIGQUIT", static_cast<long long>(SIGQUIT)},
#endif
#ifdef SIGILL
    {"SIGILL", static_cast<long long>(SIGILL)},
#endif
#ifdef SIGTRAP
    {"SIGTRAP", static_cast<long long>(SIGTRAP)},
#endif
#ifdef SIGABRT
    {"SIGABRT", static_cast<long long>(SIGABRT)},
#endif
#ifdef SIGEMT
    {"SIGEMT", static_cast<long long>(SIGEMT)},
#endif
#ifdef SIGFPE
    {"SIGFPE", static_cast<long long>(SIGFPE)},
#endif
#ifdef SIGKILL
    {"SIGKILL", static_cast<long long>(SIGKILL)},
#endif
#ifdef SIGBUS
    {"SIGBUS", static_cast<long long>(SIGBUS)},
#endif
#ifdef SIGSEGV
    {"SIGSEGV", static_cast<long long>(SIGSEGV)},
#endif
#ifdef SIGSYS
    {"SIGSYS", static_cast<long long>(SIGSYS)},
#endif
#ifdef SIGPIPE
    {"SIGPIPE", static_cast<long long>(SIGPIPE)},
#endif
#ifdef SIGALRM
    {"SIGALRM", static_cast<long long>(SIGALRM)},
#endif
#ifdef SIGTERM
    {"SIGTERM", static_cast<long long>(SIGTERM)},
#endif
#ifdef SIGURG
    {"SIGURG", static_cast<long long>(SIGURG)},
#endif
#ifdef SIGSTOP
    {"SIGSTOP", static_cast<long long>(SIGSTOP)},
#endif
#ifdef SIGTSTP
    {"SIGTSTP", static_cast<long long>(SIGTSTP)},
#endif
#ifdef SIGCONT
    {"SIGCONT", static_cast<long long>(SIGCONT)},
#endif
#ifdef SIGCHLD
    {"SIGCHLD", static_cast<long long>(SIGCHLD)},
#endif
#ifdef SIGTTIN
    {"SIGTTIN", static_cast<long long>(SIGTTIN)},
#endif
#ifdef SIGTTOU
    {"SIGTTOU", static_cast<long long>(SIGTTOU)},
#endif
#ifdef SIGIO
    {"SIGIO", static_cast<long long>(SIGIO)},
#endif
#ifdef SIGXCPU
    {"SIGXCPU", static_cast<long long>(SIGXCPU)},
#endif
#ifdef SIGXFSZ
    {"SIGXFSZ", static_cast<long long>(SIGXFSZ)},
#endif
#ifdef SIGVTALRM
    {"SIGVTALRM", static_cast<long long>(SIGVTALRM)},
#endif
#ifdef SIGPROF
    {"SIGPROF", static_cast<long long>(SIGPROF)},
#endif
#ifdef SIGWINCH
    {"SIGWINCH", static_cast<long long>(SIGWINCH)},
#endif
#ifdef SIGINFO
    {"SIGINFO", static_cast<long long>(SIGINFO)},
#endif
#ifdef SIGUSR1
    {"SIGUSR1", static_cast<long long>(SIGUSR1)},
#endif
#ifdef SIGUSR2
    {"SIGUSR2", static_cast<long long>(SIGUSR2)},
#endif
#ifdef SIGTHR
    {"SIGTHR", static_cast<long long>(SIGTHR)},
#endif
#ifdef SIGLIBRT
    {"SIGLIBRT", static_cast<long long>(SIGLIBRT)},
#endif
    {nullptr, 0},
};
#endif

// Errnos: the one table in sim/host_errno.cpp.

[[maybe_unused]] const NamedValue* find(const NamedValue* table, const std::string& name) {
  for (; table->name != nullptr; ++table) {
    if (name == table->name) return table;
  }
  return nullptr;
}

[[maybe_unused]] const NamedValue* find_value(const NamedValue* table, long long value) {
  for (; table->name != nullptr; ++table) {
    if (table->value == value) return table;
  }
  return nullptr;
}

[[maybe_unused]] Translated lacking(std::string what) { return {0, std::move(what)}; }

}  // namespace

#if defined(__FreeBSD__)
// The ABI is FreeBSD's: numbers are exact, whatever the headers name.
Translated to_host_filter(model::FilterId filter) { return {filter, {}}; }
model::FilterId from_host_filter(long long filter) { return static_cast<model::FilterId>(filter); }
Translated to_host_flags(model::EventFlags flags) { return {flags, {}}; }
model::EventFlags from_host_flags(unsigned flags) { return static_cast<model::EventFlags>(flags); }
Translated to_host_fflags(model::FilterId, std::uint32_t fflags) { return {fflags, {}}; }
std::uint32_t from_host_fflags(model::FilterId, std::uint32_t fflags) { return fflags; }
Translated to_host_signal(std::int64_t signo) { return {signo, {}}; }
std::optional<std::int64_t> from_host_signal(std::int64_t signo) { return signo; }
#else

Translated to_host_filter(model::FilterId filter) {
  const std::string name = model::filter_name(filter);
  if (!model::filter_from_name(name)) return {filter, {}};  // a number FreeBSD has no name for: a probe, as it stands
  const NamedValue* nv = find(kFilters, name);
  return nv != nullptr ? Translated{nv->value, {}} : lacking(name);
}

model::FilterId from_host_filter(long long filter) {
  const NamedValue* nv = find_value(kFilters, filter);
  return nv != nullptr ? *model::filter_from_name(nv->name) : static_cast<model::FilterId>(filter);
}

Translated to_host_flags(model::EventFlags flags) {
  long long out = 0;
  for (unsigned bit = 1; bit <= 0x8000; bit <<= 1) {
    if ((flags & bit) == 0) continue;
    const std::string name = model::flags_to_string(static_cast<model::EventFlags>(bit));
    const NamedValue* nv = find(kFlags, name);
    if (nv == nullptr) return lacking(name);
    out |= nv->value;
  }
  return {out, {}};
}

model::EventFlags from_host_flags(unsigned flags) {
  unsigned out = 0;
  for (const NamedValue* nv = kFlags; nv->name != nullptr; ++nv) {
    const auto v = static_cast<unsigned>(nv->value);
    if (v != 0 && (flags & v) == v) {
      out |= *model::flag_from_name(nv->name);
      flags &= ~v;
    }
  }
  return static_cast<model::EventFlags>(out | flags);  // bits the host has no name for stay as they are
}

namespace {

// FreeBSD's note names of each bit-mask filter (NOTE_LOWAT and NOTE_DELETE
// share a bit: a name means something only with its filter).
constexpr const char* kReadWriteNames[] = {"NOTE_LOWAT", "NOTE_FILE_POLL", nullptr};
constexpr const char* kVnodeNames[] = {"NOTE_DELETE", "NOTE_WRITE", "NOTE_EXTEND", "NOTE_ATTRIB", "NOTE_LINK", "NOTE_RENAME",
                                       "NOTE_REVOKE", "NOTE_OPEN", "NOTE_CLOSE", "NOTE_CLOSE_WRITE", "NOTE_READ", nullptr};
constexpr const char* kProcNames[] = {"NOTE_EXIT", "NOTE_FORK", "NOTE_EXEC", "NOTE_TRACK", "NOTE_TRACKERR",
                                      "NOTE_CHILD", "NOTE_PDSIGCHLD", "NOTE_REAP", nullptr};

// Named bits of one filter, bit by bit; bits FreeBSD has no name for pass.
Translated bits_to_host(const NamedValue* table, const char* const* names, std::uint32_t fflags) {
  long long out = 0;
  std::uint32_t named = 0;
  for (const char* const* n = names; *n != nullptr; ++n) {
    const std::uint32_t bit = *model::note_from_name(*n);
    if ((fflags & bit) == 0) continue;
    const NamedValue* nv = find(table, *n);
    if (nv == nullptr) return lacking(*n);
    out |= nv->value;
    named |= bit;
  }
  return {out | (fflags & ~named), {}};
}

std::uint32_t bits_from_host(const NamedValue* table, std::uint32_t fflags) {
  std::uint32_t out = 0;
  for (const NamedValue* nv = table; nv->name != nullptr; ++nv) {
    const auto v = static_cast<std::uint32_t>(nv->value);
    if (v != 0 && (fflags & v) == v) {
      out |= *model::note_from_name(nv->name);
      fflags &= ~v;
    }
  }
  return out | fflags;
}

std::uint32_t host_unit_mask() {
  std::uint32_t mask = 0;
  for (const NamedValue* nv = kTimerUnits; nv->name != nullptr; ++nv) mask |= static_cast<std::uint32_t>(nv->value);
  return mask;
}

// Each named unit one bit of its own (macOS, libkqueue), not an enumeration.
bool host_units_are_bits() {
  std::size_t units = 0;
  for (const NamedValue* nv = kTimerUnits; nv->name != nullptr; ++nv) units += nv->value != 0 ? 1 : 0;
  return static_cast<std::size_t>(__builtin_popcount(host_unit_mask())) == units;
}

// Several unit bits at once (filt_timervalidate: EINVAL on FreeBSD), unit by
// unit, where the host's units are bits too (macOS, libkqueue): the host
// answers such a value itself. Where it numbers its units (NetBSD,
// OpenBSD) or lacks a name, no value says the same: unsupported.
Translated several_units_to_host(std::uint32_t unit, long long out) {
  const bool bits = host_units_are_bits();
  const char* const names[] = {"NOTE_SECONDS", "NOTE_MSECONDS", "NOTE_USECONDS", "NOTE_NSECONDS"};
  for (const char* name : names) {
    if ((unit & *model::note_from_name(name)) == 0) continue;
    const NamedValue* nv = find(kTimerUnits, name);
    if (!bits || nv == nullptr) return lacking("timer unit bits " + std::to_string(unit) + " (several units at once)");
    out |= nv->value;
  }
  return {out, {}};
}

// filt_timervalidate: the unit is one of four (none: milliseconds). On
// macOS and libkqueue milliseconds have no name (they are the default).
Translated timer_to_host(std::uint32_t fflags) {
  const std::uint32_t unit = fflags & model::note::kTimerPrecMask;
  long long out = fflags & ~(model::note::kTimerPrecMask | model::note::kAbstime);
  if (unit != 0) {
    const char* name = unit == model::note::kSeconds ? "NOTE_SECONDS" : unit == model::note::kMseconds ? "NOTE_MSECONDS"
                     : unit == model::note::kUseconds ? "NOTE_USECONDS" : unit == model::note::kNseconds ? "NOTE_NSECONDS" : nullptr;
    if (name == nullptr) return several_units_to_host(unit, out);
    const NamedValue* nv = find(kTimerUnits, name);
    if (nv == nullptr && unit != model::note::kMseconds) return lacking(name);
    out |= nv != nullptr ? nv->value : 0;
  }
  if ((fflags & model::note::kAbstime) != 0) {
#ifdef KQSIM_HOST_NOTE_ABSTIME
    out |= KQSIM_HOST_NOTE_ABSTIME;
#else
    return lacking("NOTE_ABSTIME");
#endif
  }
  return {out, {}};
}

// Units compared whole: NetBSD and OpenBSD number them 0, 1, 2, 3 (4).
// Where they are bits (macOS, libkqueue), bit by bit: an EV_ERROR receipt
// echoes a change's several units (several_units_to_host).
std::uint32_t timer_from_host(std::uint32_t fflags) {
  const std::uint32_t mask = host_unit_mask();
  const bool bits = host_units_are_bits();
  std::uint32_t out = 0;
  for (const NamedValue* nv = kTimerUnits; nv->name != nullptr; ++nv) {
    const auto v = static_cast<std::uint32_t>(nv->value);
    const bool has = bits ? (fflags & v) != 0 : (fflags & mask) == v;
    if (has && v != 0) out |= *model::note_from_name(nv->name);
  }
  fflags &= ~mask;
#ifdef KQSIM_HOST_NOTE_ABSTIME
  if ((fflags & KQSIM_HOST_NOTE_ABSTIME) != 0) {
    out |= model::note::kAbstime;
    fflags &= ~static_cast<std::uint32_t>(KQSIM_HOST_NOTE_ABSTIME);
  }
#endif
  return out | fflags;
}

Translated user_to_host(std::uint32_t fflags) {
  const std::uint32_t ctl = fflags & model::note::kFfctrlMask;
  const char* name = ctl == model::note::kFfand ? "NOTE_FFAND" : ctl == model::note::kFfor ? "NOTE_FFOR"
                   : ctl == model::note::kFfcopy ? "NOTE_FFCOPY" : "NOTE_FFNOP";
  const NamedValue* nv = find(kUserControls, name);
  if (nv == nullptr) return lacking(name);
  long long out = (fflags & ~(model::note::kFfctrlMask | model::note::kTrigger)) | nv->value;
  if ((fflags & model::note::kTrigger) != 0) {
#ifdef NOTE_TRIGGER
    out |= NOTE_TRIGGER;
#else
    return lacking("NOTE_TRIGGER");
#endif
  }
  return {out, {}};
}

}  // namespace

Translated to_host_fflags(model::FilterId filter, std::uint32_t fflags) {
  switch (filter) {
    case model::filt::kRead:
    case model::filt::kWrite: return bits_to_host(kReadWriteNotes, kReadWriteNames, fflags);
    case model::filt::kVnode: return bits_to_host(kVnodeNotes, kVnodeNames, fflags);
    case model::filt::kProc:
    case model::filt::kProcdesc: return bits_to_host(kProcNotes, kProcNames, fflags);
    case model::filt::kTimer: return timer_to_host(fflags);
    case model::filt::kUser: return user_to_host(fflags);
    default: return {fflags, {}};
  }
}

std::uint32_t from_host_fflags(model::FilterId filter, std::uint32_t fflags) {
  switch (filter) {
    case model::filt::kRead:
    case model::filt::kWrite: return bits_from_host(kReadWriteNotes, fflags);
    case model::filt::kVnode: return bits_from_host(kVnodeNotes, fflags);
    case model::filt::kProc:
    case model::filt::kProcdesc: return bits_from_host(kProcNotes, fflags);
    case model::filt::kTimer: return timer_from_host(fflags);
    default: return fflags;  // EVFILT_USER's controls are never returned; its low bits are the program's
  }
}

Translated to_host_signal(std::int64_t signo) {
  if (signo == 0) return {0, {}};
  const std::string name = model::signal_name(static_cast<int>(signo));
  if (!model::signal_from_name(name)) {
    // Beyond FreeBSD's last signal (_SIG_MAXSIG, 128) and the host's: invalid
    // on both, so passed as it is for the host to refuse in its own way.
#ifdef NSIG
    if (signo > 128 && signo >= NSIG) return {signo, {}};
#endif
    return lacking("signal " + name + " (no FreeBSD name)");
  }
  const NamedValue* nv = find(kSignals, name);
  return nv != nullptr ? Translated{nv->value, {}} : lacking(name);
}

std::optional<std::int64_t> from_host_signal(std::int64_t signo) {
  const NamedValue* nv = find_value(kSignals, signo);
  if (nv == nullptr) return std::nullopt;
  return model::signal_from_name(nv->name);
}
#endif

std::optional<model::Errno> from_host_errno(int e) { return sim::model_errno_of_host(e); }

std::string host_errno_text(int e) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
  if (const char* name = strerrorname_np(e)) return std::string(name) + " (" + std::to_string(e) + ")";
#endif
  return "errno " + std::to_string(e);
}

}  // namespace kqsim::host::native

#include "sim/event_text.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "model/errno_code.hpp"

namespace kqsim::sim {
namespace {

using NoteBit = std::pair<std::uint32_t, const char*>;

// sys/sys/event.h groups the NOTE_* values by filter; a bit means nothing
// outside its filter, so each filter gets its own table.
constexpr std::array<NoteBit, 2> kReadWriteNotes{{{model::note::kLowat, "NOTE_LOWAT"}, {model::note::kFilePoll, "NOTE_FILE_POLL"}}};
constexpr std::array<NoteBit, 5> kTimerNotes{{{model::note::kSeconds, "NOTE_SECONDS"}, {model::note::kMseconds, "NOTE_MSECONDS"},
                                              {model::note::kUseconds, "NOTE_USECONDS"}, {model::note::kNseconds, "NOTE_NSECONDS"},
                                              {model::note::kAbstime, "NOTE_ABSTIME"}}};
constexpr std::array<NoteBit, 11> kVnodeNotes{{{model::note::kDelete, "NOTE_DELETE"}, {model::note::kWrite, "NOTE_WRITE"},
                                               {model::note::kExtend, "NOTE_EXTEND"}, {model::note::kAttrib, "NOTE_ATTRIB"},
                                               {model::note::kLink, "NOTE_LINK"}, {model::note::kRename, "NOTE_RENAME"},
                                               {model::note::kRevoke, "NOTE_REVOKE"}, {model::note::kOpen, "NOTE_OPEN"},
                                               {model::note::kClose, "NOTE_CLOSE"}, {model::note::kCloseWrite, "NOTE_CLOSE_WRITE"},
                                               {model::note::kRead, "NOTE_READ"}}};
constexpr std::array<NoteBit, 8> kProcNotes{{{model::note::kExit, "NOTE_EXIT"}, {model::note::kFork, "NOTE_FORK"},
                                             {model::note::kExec, "NOTE_EXEC"}, {model::note::kPdsigchld, "NOTE_PDSIGCHLD"},
                                             {model::note::kReap, "NOTE_REAP"}, {model::note::kTrack, "NOTE_TRACK"},
                                             {model::note::kTrackErr, "NOTE_TRACKERR"}, {model::note::kChild, "NOTE_CHILD"}}};

template <std::size_t N>
std::string named_bits(std::uint32_t bits, const std::array<NoteBit, N>& table, std::string out = "") {
  for (const auto& [bit, name] : table) {
    if ((bits & bit) == 0) continue;
    out += (out.empty() ? "" : "|") + std::string(name);
    bits &= ~bit;
  }
  if (bits != 0) out += (out.empty() ? "" : "|") + fmt::format("{:#x}", bits);
  return out.empty() ? "0" : out;
}

// EVFILT_USER: the control part (NOTE_FFAND/FFOR/FFCOPY), NOTE_TRIGGER, and
// the 24 user bits as a number (filt_usertouch).
std::string user_fflags_text(std::uint32_t fflags) {
  std::string out;
  switch (fflags & model::note::kFfctrlMask) {
    case model::note::kFfand: out = "NOTE_FFAND"; break;
    case model::note::kFfor: out = "NOTE_FFOR"; break;
    case model::note::kFfcopy: out = "NOTE_FFCOPY"; break;
    default: break;
  }
  if ((fflags & model::note::kTrigger) != 0) out = "NOTE_TRIGGER" + (out.empty() ? "" : "|" + out);
  const std::uint32_t user = fflags & model::note::kFflagsMask;
  const std::uint32_t other = fflags & ~(model::note::kFfctrlMask | model::note::kTrigger | model::note::kFflagsMask);
  if (user != 0) out += (out.empty() ? "" : "|") + fmt::format("{:#x}", user);
  if (other != 0) out += (out.empty() ? "" : "|") + fmt::format("{:#x}", other);
  return out.empty() ? "0" : out;
}

// "ENOENT" for 2; a number the model has no errno name for stays a number.
std::string errno_text(std::int64_t value) {
  if (value <= 0 || value > INT32_MAX) return std::to_string(value);
  const std::string_view name = model::errno_name(static_cast<model::Errno>(value));
  if (name == "E?") return std::to_string(value);
  return std::string(name);
}

}  // namespace

std::string fflags_text(model::FilterId filter, std::uint32_t fflags, model::EventFlags flags) {
  if (fflags == 0) return "0";
  switch (filter) {
    case model::filt::kRead:
    case model::filt::kWrite:
      if ((flags & model::ev::kEof) != 0) return errno_text(fflags);
      return named_bits(fflags, kReadWriteNotes);
    case model::filt::kTimer: return named_bits(fflags, kTimerNotes);
    case model::filt::kVnode: return named_bits(fflags, kVnodeNotes);
    case model::filt::kProc:
    case model::filt::kProcdesc: return named_bits(fflags, kProcNotes);
    case model::filt::kUser: return user_fflags_text(fflags);
    default: return fmt::format("{:#x}", fflags);
  }
}

std::string data_text(model::EventFlags flags, std::int64_t data, model::FilterId filter) {
  if ((flags & model::ev::kError) == 0 && filter != model::filt::kAio) return std::to_string(data);
  return errno_text(data);
}

std::string kqueue_flags_text(std::uint32_t flags) {
  std::string out;
  if ((flags & model::kqflag::kCloexec) != 0) out = "KQUEUE_CLOEXEC";
  if ((flags & model::kqflag::kCponfork) != 0) out += (out.empty() ? "" : "|") + std::string("KQUEUE_CPONFORK");
  const std::uint32_t other = flags & ~(model::kqflag::kCloexec | model::kqflag::kCponfork);
  if (other != 0) out += (out.empty() ? "" : "|") + fmt::format("{:#x}", other);
  return out.empty() ? "0" : out;
}

std::string duration_text(std::int64_t ns) {
  struct Unit {
    std::int64_t ns;
    const char* name;
  };
  constexpr std::array<Unit, 3> kUnits{{{1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}}};
  for (const Unit& u : kUnits) {
    if (ns != 0 && ns % u.ns == 0) return fmt::format("{} ns ({} {})", ns, ns / u.ns, u.name);
  }
  for (const Unit& u : kUnits) {
    if (ns >= u.ns || ns <= -u.ns) return fmt::format("{} ns ({:.3g} {})", ns, static_cast<double>(ns) / static_cast<double>(u.ns), u.name);
  }
  return fmt::format("{} ns", ns);
}

}  // namespace kqsim::sim

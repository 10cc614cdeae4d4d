#include "model/kevent_names.hpp"

#include <array>
#include <utility>

namespace kqsim::model {
namespace {

constexpr std::array<std::pair<std::string_view, FilterId>, 15> kFilters{{
    {"EVFILT_READ", filt::kRead},       {"EVFILT_WRITE", filt::kWrite},
    {"EVFILT_AIO", filt::kAio},         {"EVFILT_VNODE", filt::kVnode},
    {"EVFILT_PROC", filt::kProc},       {"EVFILT_SIGNAL", filt::kSignal},
    {"EVFILT_TIMER", filt::kTimer},     {"EVFILT_PROCDESC", filt::kProcdesc},
    {"EVFILT_FS", filt::kFs},           {"EVFILT_LIO", filt::kLio},
    {"EVFILT_USER", filt::kUser},       {"EVFILT_SENDFILE", filt::kSendfile},
    {"EVFILT_EMPTY", filt::kEmpty},     {"EVFILT_JAIL", filt::kJail},
    {"EVFILT_JAILDESC", filt::kJaildesc},
}};

// Output order of flags_to_string: user-visible flags first, then the
// internal ones (EV_ERROR shares its bit with the internal EV_FLAG2).
constexpr std::array<std::pair<std::string_view, EventFlags>, 14> kFlags{{
    {"EV_ADD", ev::kAdd},           {"EV_DELETE", ev::kDelete},
    {"EV_ENABLE", ev::kEnable},     {"EV_DISABLE", ev::kDisable},
    {"EV_ONESHOT", ev::kOneshot},   {"EV_CLEAR", ev::kClear},
    {"EV_RECEIPT", ev::kReceipt},   {"EV_DISPATCH", ev::kDispatch},
    {"EV_FORCEONESHOT", ev::kForceOneshot}, {"EV_KEEPUDATA", ev::kKeepUdata},
    {"EV_DROP", ev::kDrop},         {"EV_FLAG1", ev::kFlag1},
    {"EV_ERROR", ev::kError},       {"EV_EOF", ev::kEof},
}};

constexpr std::array<std::pair<std::string_view, std::uint32_t>, 35> kNotes{{
    {"NOTE_LOWAT", note::kLowat},       {"NOTE_FILE_POLL", note::kFilePoll},
    {"NOTE_FFNOP", note::kFfnop},       {"NOTE_FFAND", note::kFfand},
    {"NOTE_FFOR", note::kFfor},         {"NOTE_FFCOPY", note::kFfcopy},
    {"NOTE_FFCTRLMASK", note::kFfctrlMask}, {"NOTE_FFLAGSMASK", note::kFflagsMask},
    {"NOTE_TRIGGER", note::kTrigger},   {"NOTE_SECONDS", note::kSeconds},
    {"NOTE_MSECONDS", note::kMseconds}, {"NOTE_USECONDS", note::kUseconds},
    {"NOTE_NSECONDS", note::kNseconds}, {"NOTE_ABSTIME", note::kAbstime},
    {"NOTE_TIMER_PRECMASK", note::kTimerPrecMask},
    {"NOTE_DELETE", note::kDelete},     {"NOTE_WRITE", note::kWrite},
    {"NOTE_EXTEND", note::kExtend},     {"NOTE_ATTRIB", note::kAttrib},
    {"NOTE_LINK", note::kLink},         {"NOTE_RENAME", note::kRename},
    {"NOTE_REVOKE", note::kRevoke},     {"NOTE_OPEN", note::kOpen},
    {"NOTE_CLOSE", note::kClose},       {"NOTE_CLOSE_WRITE", note::kCloseWrite},
    {"NOTE_READ", note::kRead},
    {"NOTE_EXIT", note::kExit},         {"NOTE_FORK", note::kFork},
    {"NOTE_EXEC", note::kExec},         {"NOTE_PCTRLMASK", note::kPctrlMask},
    {"NOTE_TRACK", note::kTrack},       {"NOTE_TRACKERR", note::kTrackErr},
    {"NOTE_CHILD", note::kChild},
    {"NOTE_PDSIGCHLD", note::kPdsigchld}, {"NOTE_REAP", note::kReap},
}};

}  // namespace

std::optional<FilterId> filter_from_name(std::string_view name) {
  for (const auto& [n, value] : kFilters) {
    if (n == name) return value;
  }
  return std::nullopt;
}

std::string filter_name(FilterId filter) {
  for (const auto& [n, value] : kFilters) {
    if (value == filter) return std::string(n);
  }
  return std::to_string(filter);
}

std::optional<EventFlags> flag_from_name(std::string_view name) {
  if (name == "EV_FLAG2") return ev::kFlag2;
  for (const auto& [n, value] : kFlags) {
    if (n == name) return value;
  }
  return std::nullopt;
}

std::string flags_to_string(EventFlags flags) {
  std::string out;
  for (const auto& [n, value] : kFlags) {
    if ((flags & value) == 0) continue;
    if (!out.empty()) out += '|';
    out += n;
    flags = static_cast<EventFlags>(flags & ~value);
  }
  return out.empty() ? "0" : out;
}

std::optional<std::uint32_t> note_from_name(std::string_view name) {
  for (const auto& [n, value] : kNotes) {
    if (n == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string_view> known_filter_names() {
  std::vector<std::string_view> out;
  for (const auto& [n, value] : kFilters) out.push_back(n);
  return out;
}

std::vector<std::string_view> known_flag_names() {
  std::vector<std::string_view> out{"EV_FLAG2"};
  for (const auto& [n, value] : kFlags) out.push_back(n);
  return out;
}

std::vector<std::string_view> known_note_names() {
  std::vector<std::string_view> out;
  for (const auto& [n, value] : kNotes) out.push_back(n);
  return out;
}

}  // namespace kqsim::model

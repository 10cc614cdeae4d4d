#include "sim/kernel_json.hpp"

#include <fmt/format.h>

#include <sstream>

#include "model/kevent_names.hpp"
#include "sim/event_text.hpp"

namespace kqsim::sim {
namespace {

using nlohmann::json;

json text_lines(const std::string& text) {
  json lines = json::array();
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line.substr(line.find_first_not_of(' ')));
  }
  return lines;
}

std::string file_what(const model::Kernel& k, const model::File& f) {
  switch (f.type) {
    case model::FileType::kTerminal: return "terminal";
    case model::FileType::kPipe:
      return fmt::format("pipe end ({} byte(s) to read)", k.pipes()[f.object / 2].ends[f.object % 2].buffered);
    case model::FileType::kKqueue: return "kqueue";
    case model::FileType::kSocket: return "socket";
    case model::FileType::kProcdesc: return "process descriptor";
    case model::FileType::kVnode: return "file";
    case model::FileType::kFifo: return "FIFO";
  }
  return "?";
}

json process_json(const model::Kernel& k, const model::Process& p, const ViewNames& names) {
  json fds = json::array();
  for (std::int32_t fd = 0; fd <= p.fds.last_fd(); ++fd) {
    const model::FdEntry* e = p.fds.find(fd);
    if (e == nullptr) continue;
    auto name = names.fd ? names.fd(p.pid, fd) : std::nullopt;
    fds.push_back({{"fd", fd},
                   {"name", name.value_or("")},
                   {"what", file_what(k, k.files()[e->file])},
                   {"cloexec", e->cloexec}});
  }
  std::string state = p.alive ? "running" : p.reaped ? "reaped" : "zombie";
  return {{"label", proc_text(p.pid, names.proc)}, {"state", state}, {"fds", fds}};
}

json knote_json(const model::Kernel& k, const KnoteState& s) {
  const model::Knote& kn = *s.knote;
  const model::FilterId f = kn.kev.filter;
  std::string timer;
  if (kn.kind == model::FilterKind::kTimer && kn.timer.deadline_ns >= 0) {
    timer = "due in " + duration_text(kn.timer.deadline_ns - k.now_ns());
  }
  return {{"key", s.key},
          {"ident", s.ident},
          {"filter", model::filter_name(f)},
          {"flags", model::flags_to_string(kn.kev.flags)},
          {"status", status_words(kn.status)},
          {"in", fmt::format("fflags {} data {}", fflags_text(f, kn.sfflags), kn.sdata)},
          {"out", fmt::format("fflags {} data {}", fflags_text(f, kn.kev.fflags, kn.kev.flags),
                              data_text(kn.kev.flags, kn.kev.data, f))},
          {"udata", kn.kev.udata},
          {"timer", timer}};
}

json kqueues_json(const model::Kernel& k, const ViewNames& names) {
  const std::vector<KnoteState> states = knote_states(k, names);
  json out = json::array();
  for (std::size_t i = 0; i < k.kqueues().size(); ++i) {
    const model::Kqueue& kq = k.kqueues()[i];
    if (kq.closed()) continue;
    json knotes = json::array();
    for (const KnoteState& s : states) {
      if (s.kqueue_index == i) knotes.push_back(knote_json(k, s));
    }
    json queue = json::array();
    for (std::uint32_t slot : kq.queue().slots()) {
      const model::Knote& kn = kq.knote(slot);
      queue.push_back(knote_key(i, kn.kev.filter, kn.kev.ident));
    }
    out.push_back({{"label", kqueue_label(k, i, names)}, {"knotes", knotes}, {"queue", queue}});
  }
  return out;
}

json pipes_json(const model::Kernel& k, const ViewNames& names) {
  json out = json::array();
  for (const json& line : text_lines(describe_pipes(k, names.fd))) out.push_back(line);
  return out;
}

}  // namespace

json status_words(std::uint16_t status) {
  json out = json::array();
  if ((status & model::kn::kActive) != 0) out.push_back("active");
  if ((status & model::kn::kQueued) != 0) out.push_back("queued");
  if ((status & model::kn::kDisabled) != 0) out.push_back("disabled");
  if ((status & model::kn::kDetached) != 0) out.push_back("detached");
  if ((status & model::kn::kKqueue) != 0) out.push_back("kqueue");
  return out;
}

json world_json(const model::Kernel& k, const ViewNames& names) {
  json processes = json::array();
  for (const model::Process& p : k.processes()) processes.push_back(process_json(k, p, names));
  return {{"clock", duration_text(k.now_ns())},
          {"processes", processes},
          {"kqueues", kqueues_json(k, names)},
          {"pipes", pipes_json(k, names)},
          {"sockets", text_lines(describe_sockets(k, names.fd))},
          {"other", text_lines(describe_vfs(k) + describe_aio(k, names.addr, names.proc))}};
}

}  // namespace kqsim::sim

#include "sim/knote_states.hpp"

#include <fmt/format.h>

#include "model/kevent_names.hpp"

namespace kqsim::sim {

std::string knote_key(std::size_t kqueue_index, model::FilterId filter, std::uint64_t ident) {
  return fmt::format("kq#{}/{}/{}", kqueue_index, model::filter_name(filter), ident);
}

std::optional<std::size_t> kqueue_of_fd(const model::Kernel& k, model::Pid pid, std::int64_t fd) {
  const model::Process* p = k.process(pid);
  if (p == nullptr || fd < 0 || fd > INT32_MAX) return std::nullopt;
  const model::FdEntry* e = p->fds.find(static_cast<std::int32_t>(fd));
  if (e == nullptr) return std::nullopt;
  const model::File& f = k.files()[e->file];
  if (f.type != model::FileType::kKqueue) return std::nullopt;
  return f.object;
}

std::string kqueue_label(const model::Kernel& k, std::size_t index, const ViewNames& names) {
  const model::Kqueue& kq = k.kqueues()[index];
  const model::Process* p = k.process(kq.owner());
  if (p != nullptr) {
    for (std::int32_t fd = 0; fd <= p->fds.last_fd(); ++fd) {
      const model::FdEntry* e = p->fds.find(fd);
      if (e == nullptr || e->file != kq.file()) continue;
      auto name = names.fd ? names.fd(kq.owner(), fd) : std::nullopt;
      std::string where = k.processes().size() > 1 ? fmt::format("fd {} of pid {}", fd, kq.owner()) : fmt::format("fd {}", fd);
      return name ? fmt::format("{} ({})", *name, where) : where;
    }
  }
  return fmt::format("kqueue#{} (no descriptor)", index);
}

std::vector<KnoteState> knote_states(const model::Kernel& k, const ViewNames& names) {
  std::vector<KnoteState> out;
  for (std::size_t i = 0; i < k.kqueues().size(); ++i) {
    const model::Kqueue& kq = k.kqueues()[i];
    if (kq.closed()) continue;
    const std::string label = kqueue_label(k, i, names);
    for (std::uint32_t slot : kq.live_slots()) {
      const model::Knote& kn = kq.knote(slot);
      KnoteState s;
      s.key = knote_key(i, kn.kev.filter, kn.kev.ident);
      s.kqueue = label;
      s.ident = ident_text(kn, kq.owner(), names.fd, names.proc, names.addr);
      s.filter = kn.kev.filter;
      s.ident_number = kn.kev.ident;
      s.kqueue_index = i;
      s.status = kn.status;
      s.knote = &kn;
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace kqsim::sim

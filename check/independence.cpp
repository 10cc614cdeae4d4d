#include "check/independence.hpp"

#include <algorithm>

namespace kqsim::check {
namespace {

using model::FileType;
using model::FilterKind;

// The knotes whose activations stay inside their component.
bool kind_is_local(FilterKind kind) {
  return kind == FilterKind::kPipeRead || kind == FilterKind::kPipeWrite || kind == FilterKind::kKqueueRead ||
         kind == FilterKind::kUser;
}

}  // namespace

std::uint32_t Independence::root(std::uint32_t file) const {
  while (parent_[file] != file) file = parent_[file];
  return file;
}

void Independence::unite(std::uint32_t a, std::uint32_t b) {
  a = root(a);
  b = root(b);
  if (a != b) parent_[std::max(a, b)] = std::min(a, b);
}

void Independence::analyse(const model::Kernel& k) {
  const auto files = k.files();
  parent_.resize(files.size());
  for (std::uint32_t f = 0; f < files.size(); ++f) parent_[f] = f;
  pipe_file_.assign(k.pipes().size(), kNone);
  for (std::uint32_t f = 0; f < files.size(); ++f) {
    if (files[f].type != FileType::kPipe) continue;
    std::uint32_t& first = pipe_file_[files[f].object / 2];
    if (first == kNone) first = f;
    else unite(first, f);
  }
  all_global_ = false;
  for (const model::Kqueue& kq : k.kqueues()) {
    for (std::uint32_t slot = 0; slot < kq.slot_bound(); ++slot) {
      const model::Knote& kn = kq.knote(slot);
      if (!kn.live) continue;
      if (!kind_is_local(kn.kind)) all_global_ = true;
      if (kn.file != model::kNoFile) unite(kq.file(), kn.file);
    }
  }
}

bool Independence::object_of_fd(const model::Kernel& k, model::Pid pid, std::int32_t fd, std::vector<std::uint32_t>& out) const {
  const model::FdEntry* e = k.process(pid)->fds.find(fd);
  if (e == nullptr) return true;  // EBADF: touches nothing
  const model::File& f = k.files()[e->file];
  if (f.type != FileType::kPipe && f.type != FileType::kKqueue) return false;
  out.push_back(root(e->file));
  return true;
}

bool Independence::footprint(const model::Kernel& k, const ResolvedStep& st, std::vector<std::uint32_t>& out) const {
  switch (st.op) {
    case traces::Op::kRead:
    case traces::Op::kWrite:
      return object_of_fd(k, st.pid, st.fd, out);
    case traces::Op::kKevent:
      if (!object_of_fd(k, st.pid, st.fd, out)) return false;
      for (const model::KEvent& c : st.changes) {
        if (c.filter == model::filt::kUser) continue;
        if (c.filter != model::filt::kRead && c.filter != model::filt::kWrite) return false;
        if (c.ident > static_cast<std::uint64_t>(INT32_MAX)) continue;  // EBADF
        if (!object_of_fd(k, st.pid, static_cast<std::int32_t>(c.ident), out)) return false;
      }
      return true;
    default:
      return false;  // close, dup2: the shared descriptor table
  }
}

bool Independence::is_safe(const model::Kernel& k, std::span<const std::uint32_t> pcs, std::size_t t) const {
  if (all_global_) return false;
  mine_.clear();
  if (!footprint(k, steps_[t][pcs[t]], mine_)) return false;
  for (std::size_t other = 0; other < steps_.size(); ++other) {
    if (other == t) continue;
    for (std::size_t i = pcs[other]; i < steps_[other].size(); ++i) {
      theirs_.clear();
      if (!footprint(k, steps_[other][i], theirs_)) return false;
      for (std::uint32_t c : theirs_) {
        if (std::find(mine_.begin(), mine_.end(), c) != mine_.end()) return false;
      }
    }
  }
  return true;
}

}  // namespace kqsim::check

// kqueuex(KQUEUE_CPONFORK): a kqueue copied into a fork's child
// (kern_event.c kqueue_fork_alloc, kqueue_fork_copy, kqueue_fork_copy_list,
// kqueue_fork_copy_knote; FreeBSD 15 and main). fdcopy makes the child's
// table in two passes: the first gives each such kqueue a new, empty kqueue
// at the same number (same close-on-exec flag, itself KQUEUE_CPONFORK, so a
// later fork copies it again); the second, once the whole table is there,
// copies the knotes. Observed on 15.1 (docs/observed-real-kernels.md R42).
#include <algorithm>
#include <cassert>
#include <tuple>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

// KN_HASH with kq_knhashmask 63 (hashinit of KN_HASHSIZE 64): which
// kq_knhash bucket a non-fd knote's chain is in.
constexpr std::uint64_t kn_hash_bucket(std::uint64_t ident) { return (ident ^ (ident >> 8)) & 63; }

}  // namespace

// kqueue_fork_alloc: the child's new kqueue at the parent's number.
void Kernel::kqueue_fork_alloc(std::uint32_t kq, Process& child, std::int32_t fd, const FdEntry& entry) {
  assert(kqueues_[kq].cponfork());
  const auto kq1 = static_cast<std::uint32_t>(kqueues_.size());
  const FileIndex f = new_file(FileType::kKqueue, kq1, false);
  FdEntry copy = entry;
  copy.file = f;
  child.fds.install(fd, copy);
  fhold(f);
  kqueues_.emplace_back(child.pid, f, true);
  kqueues_.back().set_fork_source(kq);
  child.kqueues.push_back(kq1);
}

// fdcopy's second pass: every kqueue the first pass allocated for `child`
// gets its source's knotes.
void Kernel::kqueue_fork_copy_all(Pid child) {
  for (std::uint32_t kq1 : proc(child).kqueues) {
    const std::optional<std::uint32_t> source = kqueues_[kq1].fork_source();
    if (!source) continue;
    for (std::uint32_t slot : kqueue_fork_copy_order(*source)) kqueue_fork_copy_knote(kq1, KnoteRef{*source, slot}, child);
    kqueues_[kq1].set_fork_source(std::nullopt);
  }
}

// kqueue_fork_copy's walk: kq_knlist[0], [1], ... (fd filters by
// descriptor), then kq_knhash's buckets in order, each chain from its head:
// the newest knote_attach first. Detached knotes are skipped
// (kqueue_fork_copy_list): every EVFILT_USER knote (filt_userattach never
// puts it on a list) and a FIFO's never-firing filter. (A process knote
// whose process has gone stays on its list, and is copied with its exit
// event.) In-flux knotes, skipped too, do not exist between calls.
std::vector<std::uint32_t> Kernel::kqueue_fork_copy_order(std::uint32_t kq) const {
  const Kqueue& q = kqueues_[kq];
  std::vector<std::uint32_t> slots;
  for (std::uint32_t slot = 0; slot < q.slot_bound(); ++slot) {
    if (q.knote(slot).live && !q.knote(slot).has_status(kn::kDetached)) slots.push_back(slot);
  }
  auto key = [&](std::uint32_t slot) {
    const Knote& kn = q.knote(slot);
    const bool fd = filter_is_fd_based(kn.kev.filter);
    const std::uint64_t chain = fd ? kn.kev.ident : kn_hash_bucket(kn.kev.ident);
    return std::make_tuple(!fd, chain, ~kn.attach_seq);  // newest first within a chain
  };
  std::sort(slots.begin(), slots.end(), [&](std::uint32_t a, std::uint32_t b) { return key(a) < key(b); });
  return slots;
}

// kqueue_fork_copy_knote: a copy of the knote (its kevent, status, counts)
// in the child's kqueue, on the same object's knlist - so a copied signal or
// process knote still hears the process the original heard (R42: a signal
// knote's copy reports the parent's signals, not the child's), and a copied
// descriptor knote shares the parent's file. Not copied: a descriptor knote
// whose number the child has no file at (a plain kqueue's, which fdcopy
// skipped), and a timer past kq_calloutmax. Queued in the child exactly when
// the original was queued, in the walk's order.
void Kernel::kqueue_fork_copy_knote(std::uint32_t kq1, KnoteRef from, Pid child) {
  const Knote& kn = at(from);
  const bool fd_based = filter_is_fd_based(kn.kev.filter);
  if (fd_based && proc(child).fds.find(static_cast<std::int32_t>(kn.kev.ident)) == nullptr) return;
  if (kn.kind == FilterKind::kTimer) {
    if (callouts_ >= profile_->kq_calloutmax) return;  // filt_timercopy: ENOMEM, not copied
    ++callouts_;
  }
  Knote copy = kn;
  copy.status = static_cast<std::uint16_t>(copy.status & ~(kn::kQueued | kn::kDetached));
  // filt_timercopy arms the copy's callout at the parent's kc->next even when
  // its own callout is stopped and that time has passed: a fired one-shot
  // whose event is still pending fires once more in the child (R42: data 2
  // there, 1 in the parent), a fired NOTE_ABSTIME timer even after its
  // delivery (R46: data 1), and a drained periodic one fires on (R46). A
  // periodic timer past the end of the clock has kc->next there: never.
  const bool never = copy.timer.period_ns > 0 && copy.timer.next_ns == INT64_MAX;
  const bool rearmed = copy.kind == FilterKind::kTimer && copy.timer.deadline_ns < 0 && copy.timer.next_ns >= 0 && !never;
  if (rearmed) copy.timer.deadline_ns = copy.timer.next_ns;
  const KnoteRef to{kq1, kqueues_[kq1].insert(copy)};
  if (fd_based) fhold(kn.file);
  if (KnoteList* list = knote_list_of(at(to))) list->add(to);
  if (at(from).has_status(kn::kQueued)) enqueue(to);
  if (rearmed && copy.timer.period_ns > 0 && copy.timer.next_ns < now_ns_) timer_expire_late(to);
}

// kn_knlist: the list an attached knote is on, or nullptr for the filters
// that hang on none here (timers, EVFILT_USER, EVFILT_JAIL's one prison).
KnoteList* Kernel::knote_list_of(const Knote& kn) {
  switch (kn.kind) {
    case FilterKind::kPipeRead:
    case FilterKind::kPipeWrite: return &end(kn.object).knotes;
    case FilterKind::kKqueueRead: return &kqueues_[kn.object].watchers();
    case FilterKind::kSignal:
    case FilterKind::kProc: return &processes_[static_cast<std::size_t>(kn.object) - 1].klist;
    case FilterKind::kSockRead: return &sock(kn.object).rd_knotes;
    case FilterKind::kSockWrite:
    case FilterKind::kSockEmpty:
    case FilterKind::kUnixWrite:
    case FilterKind::kUnixEmpty: return &sock(kn.object).wr_knotes;
    case FilterKind::kProcdesc: return &procdescs_[kn.object].klist;
    case FilterKind::kVnodeRead:
    case FilterKind::kVnodeWrite:
    case FilterKind::kVnode: return &vnodes_[kn.object].knotes;
    case FilterKind::kAio: return &aio_jobs_[kn.object].knotes;
    case FilterKind::kLio: return &aio_lios_[kn.object].knotes;
    case FilterKind::kTimer:
    case FilterKind::kUser:
    case FilterKind::kJail:
    case FilterKind::kPipeNull: return nullptr;
  }
  return nullptr;
}

}  // namespace kqsim::model

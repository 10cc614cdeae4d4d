// The knote life cycle (kern_event.c): activation, the pending queue,
// knote() from an object, and the ways a knote dies.
#include <algorithm>
#include <cassert>

#include "model/kernel.hpp"

namespace kqsim::model {

void Kernel::note_touched_tracked(KnoteRef ref) {
  if (touched_.empty() || !(touched_.back() == ref)) touched_.push_back(ref);
}

// KNOTE_ACTIVATE
void Kernel::activate(KnoteRef ref) {
  Knote& kn = at(ref);
  kn.status |= kn::kActive;
  if ((kn.status & (kn::kQueued | kn::kDisabled)) == 0) enqueue(ref);
}

// knote_enqueue + kqueue_wakeup: the tail of the queue; the kqueues watching
// this one are told later, by kqueue_task (kqueue_schedtask), so they see
// kq_count as it is when the task runs, not as it was here.
void Kernel::enqueue(KnoteRef ref) {
  Knote& kn = at(ref);
  assert(!kn.has_status(kn::kQueued));
  kn.status |= kn::kQueued;
  kqueues_[ref.kq].queue().push_back(ref.slot);
  if (!kqueues_[ref.kq].watchers().empty()) schedule_kqueue_task(ref.kq);
}

// kqueue_schedtask: at most one pending task per kqueue (KQ_TASKSCHED).
void Kernel::schedule_kqueue_task(std::uint32_t kq) {
  if (std::find(pending_kqueue_tasks_.begin(), pending_kqueue_tasks_.end(), kq) == pending_kqueue_tasks_.end()) {
    pending_kqueue_tasks_.push_back(kq);
  }
}

// kqueue_task: KNOTE on kq_sel for each scheduled kqueue, in scheduling
// order. A watcher it queues may schedule its own kqueue's task in turn; the
// number of kqueues bounds how often a kqueue can be rescheduled per round.
void Kernel::run_kqueue_tasks() {
  std::size_t budget = (kqueues_.size() + 1) * (kqueues_.size() + 1);
  while (!pending_kqueue_tasks_.empty() && budget-- > 0) {
    std::uint32_t kq = pending_kqueue_tasks_.front();
    pending_kqueue_tasks_.erase(pending_kqueue_tasks_.begin());
    if (!kqueues_[kq].closed()) knote_post(kqueues_[kq].watchers());
  }
  assert(pending_kqueue_tasks_.empty());
}

// A point inside a call where the task thread, on another CPU, may have
// run the tasks scheduled so far, or not yet (kqueue_task_timing.hpp).
void Kernel::task_point(TaskPoint point, std::int64_t detail) {
  if (pending_kqueue_tasks_.empty()) {
    if (task_timing_set_) ++task_points_seen_;  // a point all the same: the count names points by position
    return;
  }
  if (usually_runs(point) != race_point(point, detail)) run_kqueue_tasks();
}

// A point where the call races another kernel thread: noted when the
// caller set the timing, and true when the caller named it for the other
// outcome (kqueue_task_timing.hpp).
bool Kernel::race_point(TaskPoint point, std::int64_t detail) {
  if (!task_timing_set_) return false;
  const std::uint32_t index = task_points_seen_++;
  task_races_.push_back(TaskRace{index, point, detail});
  return std::binary_search(other_task_points_.begin(), other_task_points_.end(), index);
}

// knote_dequeue
void Kernel::dequeue(KnoteRef ref) {
  Knote& kn = at(ref);
  assert(kn.has_status(kn::kQueued));
  bool removed = kqueues_[ref.kq].queue().remove(ref.slot);
  assert(removed);
  (void)removed;
  kn.status = static_cast<std::uint16_t>(kn.status & ~kn::kQueued);
}

// knote(list, 0): every knote on the object's list is evaluated, disabled or
// not, so a disabled knote accumulates state and is queued on EV_ENABLE.
void Kernel::knote_post(KnoteList& list, std::int64_t hint) {
  const std::vector<KnoteRef> refs = list.snapshot();  // activation may post further lists
  for (KnoteRef ref : refs) {
    if (!kqueues_[ref.kq].knote(ref.slot).live) continue;
    if (filter_event(ref, hint)) activate(ref);
  }
}

// knote_drop: detach from the object unless already detached, unqueue, free,
// and release the file reference the knote held.
void Kernel::knote_drop(KnoteRef ref) {
  Knote& kn = at(ref);
  assert(kn.live);
  if (!kn.has_status(kn::kDetached)) filter_detach(ref);
  if (kn.has_status(kn::kQueued)) dequeue(ref);
  FileIndex fp = kn.file;
  kqueues_[ref.kq].erase(ref.slot);
  if (fp != kNoFile) fdrop(fp);
}

// knote_fdclose: by descriptor number, in every kqueue of this descriptor
// table; knotes on a dup of the same file survive (C9).
void Kernel::knote_fdclose(Process& p, std::int32_t fd) {
  const std::vector<std::uint32_t> kqs = p.kqueues;
  for (std::uint32_t kq : kqs) {
    for (std::uint32_t slot : kqueues_[kq].slots_on_fd(fd)) {
      if (kqueues_[kq].knote(slot).live) knote_drop({kq, slot});
    }
  }
}

// knlist_clear (knlist_cleardel with killkn == 0): the object is going away
// while knotes still point at it. They are detached and turned into
// EV_EOF|EV_ONESHOT, but not activated: whatever activation the object's
// final knote() produced is what they deliver (C11: stale data).
void Kernel::knlist_clear(KnoteList& list) {
  for (KnoteRef ref : list.take_all()) {
    Knote& kn = at(ref);
    kn.status |= kn::kDetached;
    kn.kev.flags |= ev::kEof | ev::kOneshot;
  }
}

// kqueue_close via kqueue_drain: all knotes dropped, no event to anyone.
// Watchers cannot exist: each holds a file reference on this kqueue.
void Kernel::kqueue_close(std::uint32_t kq) {
  assert(kqueues_[kq].watchers().empty());
  kqueues_[kq].mark_closed();
  for (std::uint32_t slot : kqueues_[kq].live_slots()) {
    if (kqueues_[kq].knote(slot).live) knote_drop({kq, slot});
  }
  Process& owner = processes_[static_cast<std::size_t>(kqueues_[kq].owner() - 1)];
  std::erase(owner.kqueues, kq);
}

}  // namespace kqsim::model

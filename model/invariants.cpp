#include "model/invariants.hpp"

#include <algorithm>
#include <string>

namespace kqsim::model {
namespace {

// Where violations go: collected as words (check_invariants), or only noted,
// stopping at the first (invariants_hold). Messages are built only when
// something is wrong, so a passing check allocates nothing.
class Report {
 public:
  explicit Report(std::vector<std::string>* words) : words_(words) {}
  template <typename MakeMessage>
  void fail(MakeMessage&& make_message) {
    failed_ = true;
    if (words_ != nullptr) words_->push_back(make_message());
  }
  [[nodiscard]] bool stop() const { return failed_ && words_ == nullptr; }
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  std::vector<std::string>* words_;
  bool failed_ = false;
};

std::string where(std::size_t kq, std::uint32_t slot) {
  return "kq#" + std::to_string(kq) + " slot " + std::to_string(slot);
}

// One counter per knote slot of every kqueue, zeroed.
std::uint32_t* slot_counts(const Kernel& k, InvariantScratch& s) {
  s.kq_offsets.clear();
  std::size_t total = 0;
  for (const Kqueue& kq : k.kqueues()) {
    s.kq_offsets.push_back(static_cast<std::uint32_t>(total));
    total += kq.slot_bound();
  }
  s.kq_offsets.push_back(static_cast<std::uint32_t>(total));  // the end of the last kqueue's counters
  s.counts.assign(total, 0);
  return s.counts.data();
}

// The queue holds each queued knote exactly once; KN_QUEUED is set exactly
// on the knotes in it (kq_count == the queue's length follows).
void check_queue(const Kqueue& kq, std::size_t index, std::uint32_t* seen, Report& out) {
  std::size_t walked = 0;
  for (std::uint32_t slot : kq.queue().slots()) {
    if (++walked > kq.queue().size()) {
      out.fail([&] { return "kq#" + std::to_string(index) + " queue is longer than its count"; });
      break;
    }
    if (slot >= kq.slot_bound()) {
      out.fail([&] { return where(index, slot) + " is queued but never allocated"; });
      continue;
    }
    if (++seen[slot] > 1) out.fail([&] { return where(index, slot) + " is queued twice"; });
    const Knote& kn = kq.knote(slot);
    if (!kn.live) out.fail([&] { return where(index, slot) + " is queued but freed"; });
    if (!kn.has_status(kn::kQueued)) out.fail([&] { return where(index, slot) + " is in the queue without KN_QUEUED"; });
  }
  if (walked < kq.queue().size()) out.fail([&] { return "kq#" + std::to_string(index) + " queue is shorter than its count"; });
  for (std::uint32_t slot = 0; slot < kq.slot_bound(); ++slot) {
    if (kq.knote(slot).live && kq.knote(slot).has_status(kn::kQueued) && seen[slot] == 0) {
      out.fail([&] { return where(index, slot) + " has KN_QUEUED but is not in the queue"; });
    }
  }
}

// A knote's stored flags never hold action bits; the lookup key is its identity.
void check_knote(const Kernel& k, const Kqueue& kq, std::size_t index, std::uint32_t slot, Report& out) {
  const Knote& kn = kq.knote(slot);
  if ((kn.kev.flags & ev::kActionBits) != 0) out.fail([&] { return where(index, slot) + " stores action flags"; });
  if (!kq.indexed(slot)) out.fail([&] { return where(index, slot) + " is not found by its identity"; });
  if (filter_is_fd_based(kn.kev.filter) && (kn.file == kNoFile || k.files()[kn.file].closed)) {
    out.fail([&] { return where(index, slot) + " is an fd knote without an open file"; });
  }
}

void check_knotes(const Kernel& k, const Kqueue& kq, std::size_t index, Report& out) {
  if (kq.closed() && kq.knote_count() != 0) out.fail([&] { return "closed kq#" + std::to_string(index) + " still has knotes"; });
  // kq_forksrc lives only inside the fork that copies the kqueue.
  if (kq.fork_source()) out.fail([&] { return "kq#" + std::to_string(index) + " is still a fork's copy in progress"; });
  std::size_t live = 0;
  for (std::uint32_t slot = 0; slot < kq.slot_bound(); ++slot) {
    if (!kq.knote(slot).live) continue;
    ++live;
    check_knote(k, kq, index, slot, out);
  }
  if (live != kq.knote_count()) out.fail([&] { return "kq#" + std::to_string(index) + " counts its knotes wrong"; });
}

// Every knlist entry names a live, attached knote; every attached object
// knote is on exactly one list.
void check_knlists(const Kernel& k, InvariantScratch& s, Report& out) {
  std::uint32_t* listed = slot_counts(k, s);
  auto count_of = [&](std::uint32_t kq, std::uint32_t slot) -> std::uint32_t& { return listed[s.kq_offsets[kq] + slot]; };
  auto visit = [&](const KnoteList& list) {
    for (KnoteRef ref : list.newest_first()) {
      // A freed slot may lie beyond the counters; it is reported below anyway.
      if (s.kq_offsets[ref.kq] + ref.slot < s.kq_offsets[ref.kq + 1]) ++count_of(ref.kq, ref.slot);
      const Knote& kn = k.kqueues()[ref.kq].knote(ref.slot);
      if (!kn.live || kn.has_status(kn::kDetached)) out.fail([&] { return where(ref.kq, ref.slot) + " is listed but detached or freed"; });
    }
  };
  for (const PipePair& pp : k.pipes()) {
    for (const PipeEnd& e : pp.ends) visit(e.knotes);
  }
  for (const Kqueue& kq : k.kqueues()) visit(kq.watchers());
  for (const Socket& so : k.sockets()) {
    visit(so.rd_knotes);
    visit(so.wr_knotes);
  }
  for (const Process& p : k.processes()) visit(p.klist);
  for (const Procdesc& pd : k.procdescs()) visit(pd.klist);
  for (const Vnode& v : k.vnodes()) visit(v.knotes);
  for (const AioJob& j : k.aio_jobs()) visit(j.knotes);
  for (const AioLio& lj : k.aio_lios()) visit(lj.knotes);
  for (std::size_t i = 0; i < k.kqueues().size(); ++i) {
    for (std::uint32_t slot = 0; slot < k.kqueues()[i].slot_bound(); ++slot) {
      const Knote& kn = k.kqueues()[i].knote(slot);
      if (!kn.live) continue;
      bool on_list = kn.kind == FilterKind::kPipeRead || kn.kind == FilterKind::kPipeWrite ||
                     kn.kind == FilterKind::kKqueueRead || kn.kind == FilterKind::kSignal ||
                     kn.kind == FilterKind::kProc || kn.kind == FilterKind::kProcdesc ||
                     kn.kind == FilterKind::kSockRead || kn.kind == FilterKind::kSockWrite ||
                     kn.kind == FilterKind::kSockEmpty || kn.kind == FilterKind::kUnixWrite ||
                     kn.kind == FilterKind::kUnixEmpty ||
                     kn.kind == FilterKind::kVnodeRead || kn.kind == FilterKind::kVnodeWrite ||
                     kn.kind == FilterKind::kVnode || kn.kind == FilterKind::kAio || kn.kind == FilterKind::kLio;
      std::uint32_t n = count_of(static_cast<std::uint32_t>(i), slot);
      std::uint32_t want = (on_list && !kn.has_status(kn::kDetached)) ? 1 : 0;
      if (n != want) out.fail([&] { return where(i, slot) + " is on " + std::to_string(n) + " knlists, expected " + std::to_string(want); });
    }
  }
}

// f_count == descriptors + knotes that hold the file.
void check_refcounts(const Kernel& k, InvariantScratch& s, Report& out) {
  s.counts.assign(k.files().size(), 0);
  std::uint32_t* refs = s.counts.data();
  for (const Process& p : k.processes()) {
    for (std::int32_t fd = 0; fd <= p.fds.last_fd(); ++fd) {
      if (const FdEntry* e = p.fds.find(fd)) ++refs[e->file];
    }
  }
  for (const Kqueue& kq : k.kqueues()) {
    for (std::uint32_t slot = 0; slot < kq.slot_bound(); ++slot) {
      if (kq.knote(slot).live && kq.knote(slot).file != kNoFile) ++refs[kq.knote(slot).file];
    }
  }
  for (const AioJob& j : k.aio_jobs()) {
    if (j.live && j.file != kNoFile) ++refs[j.file];  // fd_file, held until aio_free_entry
  }
  for (std::size_t f = 0; f < k.files().size(); ++f) {
    if (refs[f] != k.files()[f].refcount) {
      out.fail([&] {
        return "file#" + std::to_string(f) + " refcount " + std::to_string(k.files()[f].refcount) + " but " +
               std::to_string(refs[f]) + " holders";
      });
    }
  }
}

void check_timers(const Kernel& k, Report& out) {
  std::uint32_t timers = 0;
  for (const Kqueue& kq : k.kqueues()) {
    for (std::uint32_t slot = 0; slot < kq.slot_bound(); ++slot) {
      timers += kq.knote(slot).live && kq.knote(slot).kind == FilterKind::kTimer ? 1 : 0;
    }
  }
  if (timers != k.callout_count()) {
    out.fail([&] { return "kq_ncallouts " + std::to_string(k.callout_count()) + " but " + std::to_string(timers) + " timer knotes"; });
  }
}

void check_pipes(const Kernel& k, Report& out) {
  for (std::size_t i = 0; i < k.pipes().size(); ++i) {
    for (const PipeEnd& e : k.pipes()[i].ends) {
      if (e.buffered > e.buffer_size) out.fail([&] { return "pipe#" + std::to_string(i) + " holds more than its buffer"; });
    }
  }
}

// Socket KASSERTs: buffer accounting adds up (records vs counts, a stream
// buffer never past its size), peer links are symmetric for connected
// streams, a closed socket holds no data and no peer, listen queues hold
// live unaccepted sockets, every bound name maps back to its socket.
void check_sockets(const Kernel& k, Report& out) {
  const auto sockets = k.sockets();
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    const Socket& so = sockets[i];
    auto who = [&] { return "socket#" + std::to_string(i); };
    std::uint64_t data = so.disposed.data_bytes, ctl = so.disposed.addr_bytes;
    for (const Datagram& d : so.records) data += d.data_bytes, ctl += d.addr_bytes;
    if (so.type == SocketType::kDgram && (data != so.rcv.data_bytes || ctl != so.rcv.ctl_bytes)) {
      out.fail([&] { return who() + " receive counts differ from its datagram records"; });
    }
    // Before the stream rewrite (13.2) only the writer's send buffer limits
    // what a receive buffer holds, and a chunk may overshoot it.
    const bool bounded = !k.profile().unix_stream_own_send_buffer;
    if (so.type == SocketType::kStream &&
        (!so.records.empty() || so.rcv.ctl_bytes != 0 || (bounded && so.rcv.data_bytes > so.rcv.hiwat))) {
      out.fail([&] { return who() + " stream buffer holds records or more than its size"; });
    }
    if (so.peer != kNoSocket) {
      // A TCP connection outlives its descriptors (tcp_disconnect: FIN_WAIT,
      // SS_NOFDREF), so an inet socket may be linked to a closed one.
      if (so.peer >= sockets.size() || (sockets[so.peer].closed && so.domain != SocketDomain::kInet)) out.fail([&] { return who() + " is connected to a closed socket"; });
      else if (so.type == SocketType::kStream && sockets[so.peer].peer != i) out.fail([&] { return who() + " peer link is not symmetric"; });
      // A TCP connection also outlives soisdisconnected (FIN_WAIT_2 after
      // a SHUT_RD, TIME_WAIT): both directions are shut by then.
      const bool lingering = so.domain == SocketDomain::kInet && so.disconnected && so.rcv.cant_more && so.snd.cant_more;
      if (!so.connected && !lingering) out.fail([&] { return who() + " has a peer but is not connected"; });
    }
    // tcp_drop and soisdisconnected name what is left of a TCP connection.
    if ((so.tcp_end != TcpEnd::kOpen) != (so.domain == SocketDomain::kInet && so.disconnected)) {
      out.fail([&] { return who() + " is disconnected exactly when its TCP connection ended: violated"; });
    }
    // tcp_twstart arms the 2MSL callout (where its end is seen, unless it
    // lies past the end of the clock); the end (or a drop) disarms it, and
    // an armed end is never overdue.
    const bool armed = std::find(k.timewait_sockets().begin(), k.timewait_sockets().end(), i) != k.timewait_sockets().end();
    const bool may_arm = so.tcp_end == TcpEnd::kTimeWait && k.profile().tcp_timewait_ns >= 0;
    if ((so.timewait_end_ns >= 0 && !may_arm) || armed != (so.timewait_end_ns >= 0)) {
      out.fail([&] { return who() + " has TIME_WAIT's callout armed outside TIME_WAIT, or armed but not listed"; });
    }
    if (armed && so.timewait_end_ns <= k.now_ns()) {
      out.fail([&] { return who() + " TIME_WAIT end is overdue"; });
    }
    if (so.closed && ((so.peer != kNoSocket && so.domain != SocketDomain::kInet) || so.rcv.data_bytes != 0 ||
                      !so.completed.empty())) {
      out.fail([&] { return who() + " is closed but keeps a peer, data or a listen queue"; });
    }
    for (std::uint32_t c : so.completed) {
      if (c >= sockets.size() || sockets[c].listener != i) out.fail([&] { return who() + " queues a socket that is not its own"; });
    }
  }
  for (const auto& [name, id] : k.socket_names()) {
    if (id != kNoSocket && (id >= sockets.size() || sockets[id].name != name)) {
      // Named captures: clang before 16 cannot capture structured bindings
      // (P1091); new names, as clang 19 warns when a capture shadows one.
      out.fail([&, &bad_name = name] { return "socket name '" + bad_name + "' names the wrong socket"; });
    }
  }
}

// The namespace is a tree of live vnodes whose link counts match it; a FIFO's
// reader and writer counts match its open files, and it has a live named
// pipe exactly while they are not both zero (fifo_cleanup). Every vnode is
// dead exactly when the file system was unmounted.
void check_vnodes(const Kernel& k, InvariantScratch& scratch, Report& out) {
  std::vector<std::uint32_t>& counts = scratch.vnode_counts;
  // Grown by doubling: the vnodes grow one at a time, and assign() past the
  // capacity would reallocate for each new one (issue 14).
  const std::size_t need = k.vnodes().size() * 3;
  if (counts.capacity() < need) counts.reserve(std::max(need, counts.capacity() * 2));
  counts.assign(need, 0);
  auto links = [&](std::size_t v) -> std::uint32_t& { return counts[v * 3]; };
  auto readers = [&](std::size_t v) -> std::uint32_t& { return counts[v * 3 + 1]; };
  auto writers = [&](std::size_t v) -> std::uint32_t& { return counts[v * 3 + 2]; };
  links(kRootVnode) = 1;  // "/" is its own parent's entry
  for (std::size_t i = 0; i < k.vnodes().size(); ++i) {
    const Vnode& v = k.vnodes()[i];
    if (v.type != VnodeType::kDirectory || v.nlink == 0) continue;
    ++links(i);  // "."
    for (const auto& [name, child] : v.entries) {
      ++links(child);
      if (k.vnodes()[child].type == VnodeType::kDirectory) ++links(i);  // the child's ".."
      if (k.vnodes()[child].nlink == 0) {
        // Named captures, as above.
        out.fail([&, removed = child, &entry = name] {
          return "vnode#" + std::to_string(removed) + " '" + entry + "' is listed but removed";
        });
      }
    }
  }
  for (const File& f : k.files()) {
    if (f.closed || f.type != FileType::kFifo) continue;
    readers(f.vnode) += f.readable ? 1 : 0;
    writers(f.vnode) += f.writable ? 1 : 0;
  }
  for (std::size_t i = 0; i < k.vnodes().size(); ++i) {
    const Vnode& v = k.vnodes()[i];
    auto id = [&] { return "vnode#" + std::to_string(i); };
    if (v.nlink != links(i)) {
      out.fail([&] { return id() + " nlink " + std::to_string(v.nlink) + " but " + std::to_string(links(i)) + " links"; });
    }
    if (v.fifo_readers != readers(i) || v.fifo_writers != writers(i)) out.fail([&] { return id() + " FIFO counts disagree with its open files"; });
    const bool open = v.fifo_readers + v.fifo_writers > 0;
    if (open != (v.fifo_pipe != kNoPipe)) out.fail([&] { return id() + " has a FIFO pipe iff it is open: violated"; });
    if (open && !k.pipe_end(pipe_end_id(v.fifo_pipe, 0)).named) out.fail([&] { return id() + " FIFO pipe is not named"; });
    // Only vflush(FORCECLOSE) kills vnodes, all of the mount's at once and
    // never while a FIFO is open (not modelled); no vnode is made after it.
    if (v.dead != k.fs_unmounted()) out.fail([&] { return id() + (v.dead ? " is dead but the file system is mounted" : " outlived the unmount"); });
    if (v.dead && open) out.fail([&] { return id() + " is a dead FIFO that is still open"; });
  }
}

// A dead process holds no descriptors; a process and its descriptor point at
// each other; a reaped process was dead first.
void check_processes(const Kernel& k, Report& out) {
  for (const Process& p : k.processes()) {
    auto who = [&] { return "pid " + std::to_string(p.pid); };
    if (!p.alive && p.fds.last_fd() >= 0) out.fail([&] { return who() + " is dead but holds descriptors"; });
    if (p.reaped && p.alive) out.fail([&] { return who() + " is reaped but alive"; });
    if (p.procdesc >= 0) {
      const Procdesc& pd = k.procdescs()[static_cast<std::size_t>(p.procdesc)];
      if (!pd.has_process || pd.pid != p.pid) out.fail([&] { return who() + " and its process descriptor disagree"; });
    }
  }
  for (std::size_t i = 0; i < k.procdescs().size(); ++i) {
    const Procdesc& pd = k.procdescs()[i];
    const Process* p = pd.has_process ? k.process(pd.pid) : nullptr;
    if (pd.has_process && (p == nullptr || p->procdesc != static_cast<std::int32_t>(i))) {
      out.fail([&] { return "procdesc#" + std::to_string(i) + " names a process that does not name it"; });
    }
    // pd_last_child: 0, or a process its process forked (main only).
    if (pd.last_child != 0) {
      const Process* c = pd.last_child > 0 && static_cast<std::size_t>(pd.last_child) <= k.processes().size()
                             ? &k.processes()[static_cast<std::size_t>(pd.last_child) - 1]
                             : nullptr;
      if (!k.profile().procdesc_fork_notes || c == nullptr) {
        out.fail([&] { return "procdesc#" + std::to_string(i) + " has a last child it cannot have"; });
      }
    }
  }
}

// vfs_aio.c's MPASS/KASSERTs and list discipline: a live job belongs to a
// live process with p_aioinfo, holds an open file, is EINPROGRESS exactly
// while unfinished, and waits on the daemon queue exactly then (once); its
// knotes are EVFILT_AIO knotes naming it. A live batch counts exactly its
// live jobs and finished jobs, is never empty between calls, has posted its
// kevent only when all are done, and its knotes name it. Freed jobs and
// batches have no knotes. The user aiocb words are sorted by address.
void check_aio(const Kernel& k, Report& out) {
  const auto jobs = k.aio_jobs();
  const auto lios = k.aio_lios();
  std::vector<std::uint32_t> count(lios.size(), 0), finished(lios.size(), 0);
  auto queued = [&](std::uint32_t id) { return std::count(k.aio_queue().begin(), k.aio_queue().end(), id); };
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const AioJob& j = jobs[i];
    auto who = [&] { return "aio job#" + std::to_string(i); };
    if (!j.live) {
      if (!j.knotes.empty() || queued(static_cast<std::uint32_t>(i)) != 0) out.fail([&] { return who() + " is freed but has knotes or is queued"; });
      continue;
    }
    const Process* p = k.process(j.owner);
    if (p == nullptr || !p->alive || !p->aio_info) out.fail([&] { return who() + " belongs to no live process with aio state"; });
    if (j.file == kNoFile || j.file >= k.files().size() || k.files()[j.file].closed) out.fail([&] { return who() + " holds no open file"; });
    if (j.finished == (j.error == Errno::kEINPROGRESS)) out.fail([&] { return who() + " is EINPROGRESS iff unfinished: violated"; });
    if (queued(static_cast<std::uint32_t>(i)) != (j.finished ? 0 : 1)) out.fail([&] { return who() + " is on the daemon queue iff unfinished (once): violated"; });
    for (KnoteRef ref : j.knotes.newest_first()) {
      const Knote& kn = k.kqueues()[ref.kq].knote(ref.slot);
      if (kn.kind != FilterKind::kAio || kn.object != i || kn.kev.ident != j.ujob) out.fail([&] { return who() + " lists a knote that is not its EVFILT_AIO knote"; });
    }
    if (j.lio != kNoLio) {
      if (j.lio >= lios.size() || !lios[j.lio].live) {
        out.fail([&] { return who() + " belongs to a freed lio batch"; });
      } else {
        ++count[j.lio];
        finished[j.lio] += j.finished ? 1 : 0;
      }
    }
  }
  for (std::uint32_t id : k.aio_queue()) {
    if (id >= jobs.size() || !jobs[id].live) out.fail([&] { return "the aio daemon queue holds a freed job"; });
  }
  for (std::size_t i = 0; i < lios.size(); ++i) {
    const AioLio& lj = lios[i];
    auto who = [&] { return "lio#" + std::to_string(i); };
    if (!lj.live) {
      if (!lj.knotes.empty()) out.fail([&] { return who() + " is freed but has knotes"; });
      continue;
    }
    if (lj.count != count[i] || lj.finished_count != finished[i]) out.fail([&] { return who() + " counts disagree with its jobs"; });
    if (lj.count == 0) out.fail([&] { return who() + " is live without jobs"; });
    if (lj.kevent_posted && lj.finished_count != lj.count) out.fail([&] { return who() + " posted its kevent before all jobs were done"; });
    for (KnoteRef ref : lj.knotes.newest_first()) {
      const Knote& kn = k.kqueues()[ref.kq].knote(ref.slot);
      if (kn.kind != FilterKind::kLio || kn.object != i) out.fail([&] { return who() + " lists a knote that is not its EVFILT_LIO knote"; });
    }
  }
  for (const Process& p : k.processes()) {
    if (!p.alive && p.aio_info) out.fail([&] { return "pid " + std::to_string(p.pid) + " is dead but keeps aio state"; });
    for (std::size_t w = 1; w < p.aiocb_words.size(); ++w) {
      if (p.aiocb_words[w - 1].addr >= p.aiocb_words[w].addr) out.fail([&] { return "pid " + std::to_string(p.pid) + " aiocb words are not sorted"; });
    }
  }
}

// The checks whose cost does not grow with the number of knotes, of the
// kinds of objects named (Kernel::ObjectKind bits).
void check_objects(const Kernel& kernel, InvariantScratch& s, Report& out, unsigned kinds = Kernel::kAllObjects) {
  if (!out.stop() && (kinds & Kernel::kPipeObjects) != 0) check_pipes(kernel, out);
  if (!out.stop() && (kinds & Kernel::kSocketObjects) != 0) check_sockets(kernel, out);
  if (!out.stop() && (kinds & Kernel::kProcessObjects) != 0) check_processes(kernel, out);
  if (!out.stop() && (kinds & Kernel::kVnodeObjects) != 0) check_vnodes(kernel, s, out);
  if (!out.stop() && (kinds & Kernel::kAioObjects) != 0) check_aio(kernel, out);
}

void check_all(const Kernel& kernel, InvariantScratch& s, Report& out) {
  std::uint32_t* queued = slot_counts(kernel, s);
  for (std::size_t i = 0; i < kernel.kqueues().size() && !out.stop(); ++i) {
    check_queue(kernel.kqueues()[i], i, queued + s.kq_offsets[i], out);
    check_knotes(kernel, kernel.kqueues()[i], i, out);
  }
  if (!out.stop()) check_knlists(kernel, s, out);
  if (!out.stop()) check_refcounts(kernel, s, out);
  if (!out.stop()) check_timers(kernel, out);
  check_objects(kernel, s, out);
}

// check_all restricted to what the calls since the last clear_touched
// reached: the per-knote checks and the queue discipline of the knotes they
// touched (in the queue exactly when KN_QUEUED, linked consistently, the
// queue's length its count of queued knotes only for a queue walked in
// full by check_all), the closed kqueues among theirs, and the object checks
// only when a call may have changed an object (Kernel::objects_touched), of
// the kinds it may have changed (Kernel::touched_object_kinds).
// Left to check_all: knlist membership, file reference counts and
// kq_ncallouts, which need every knote.
void check_touched(const Kernel& kernel, InvariantScratch& s, Report& out) {
  const auto& kqs = kernel.kqueues();
  for (KnoteRef ref : kernel.touched()) {
    if (ref.kq >= kqs.size() || ref.slot >= kqs[ref.kq].slot_bound()) {
      out.fail([&] { return where(ref.kq, ref.slot) + " was touched but does not exist"; });
      continue;
    }
    const Kqueue& kq = kqs[ref.kq];
    if (kq.closed() && kq.knote_count() != 0) out.fail([&] { return "closed kq#" + std::to_string(ref.kq) + " still has knotes"; });
    const Knote& kn = kq.knote(ref.slot);
    const bool in_queue = kq.queue().contains(ref.slot);
    if (in_queue && !kn.live) out.fail([&] { return where(ref.kq, ref.slot) + " is queued but freed"; });
    if (in_queue && !kq.queue().linked_consistently(ref.slot)) out.fail([&] { return where(ref.kq, ref.slot) + " is linked into its queue inconsistently"; });
    if (!kn.live) continue;
    if (in_queue && !kn.has_status(kn::kQueued)) out.fail([&] { return where(ref.kq, ref.slot) + " is in the queue without KN_QUEUED"; });
    if (!in_queue && kn.has_status(kn::kQueued)) out.fail([&] { return where(ref.kq, ref.slot) + " has KN_QUEUED but is not in the queue"; });
    check_knote(kernel, kq, ref.kq, ref.slot, out);
  }
  if (!kernel.objects_touched()) return;
  for (std::size_t i = 0; i < kqs.size(); ++i) {
    if (kqs[i].closed() && kqs[i].knote_count() != 0) out.fail([&] { return "closed kq#" + std::to_string(i) + " still has knotes"; });
  }
  check_objects(kernel, s, out, kernel.touched_object_kinds());
}

}  // namespace

std::vector<std::string> check_invariants(const Kernel& kernel) {
  std::vector<std::string> words;
  InvariantScratch scratch;
  Report report(&words);
  check_all(kernel, scratch, report);
  return words;
}

bool invariants_hold(const Kernel& kernel, InvariantScratch& scratch) {
  Report report(nullptr);
  check_all(kernel, scratch, report);
  return !report.failed();
}

}  // namespace kqsim::model

namespace kqsim::model {

std::vector<std::string> check_touched_invariants(const Kernel& kernel, InvariantScratch& scratch) {
  std::vector<std::string> words;
  Report report(&words);
  check_touched(kernel, scratch, report);
  return words;
}

}  // namespace kqsim::model

// A byte encoding of the whole kernel state, for the explorer's visited set:
// equal encodings mean equal states. Slot numbers are part of it (they order
// queues and lists), so two states that differ only in slot layout count as
// two; that costs reduction, never soundness.
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

// Every value as a LEB128 varint (signed ones zigzagged first): most fields
// are small or zero, so a state takes a quarter of the bytes a fixed-width
// encoding would, which the exact visited set stores and the fingerprint
// hashes. Varints delimit themselves and the field order is fixed, so the
// encoding stays injective. Written straight into the string's storage,
// which the explorer reuses from state to state.
class Writer {
 public:
  Writer(std::string& out, std::vector<std::uint32_t>* part_ends)
      : out_(out), part_ends_(part_ends), used_at_start_(out.size()) {
    Room r = grow(out_, used_at_start_, kSlack);
    base_ = r.base;
    cur_ = r.base + used_at_start_;
    end_ = r.end;
  }
  ~Writer() { out_.resize(static_cast<std::size_t>(cur_ - base_)); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // The write pointers live in this object, which never escapes encode()
  // once everything is inlined, so the compiler keeps them in registers
  // although every byte store could alias memory.
  [[gnu::always_inline]] void varint(std::uint64_t u) {
    if (end_ - cur_ < static_cast<std::ptrdiff_t>(kMaxVarint)) [[unlikely]] {
      const auto used = static_cast<std::size_t>(cur_ - base_);
      Room r = grow(out_, used, out_.size());
      base_ = r.base;
      cur_ = r.base + used;
      end_ = r.end;
    }
    char* p = cur_;
    while (u >= 0x80) {
      *p++ = static_cast<char>(u | 0x80);
      u >>= 7;
    }
    *p++ = static_cast<char>(u);
    cur_ = p;
  }

  // Ends a part of the encoding (Kernel::encode).
  void end_part() {
    if (part_ends_ != nullptr) part_ends_->push_back(static_cast<std::uint32_t>(cur_ - base_));
  }

  // A length, then the bytes.
  void text(std::string_view bytes) {
    varint(bytes.size());
    if (static_cast<std::size_t>(end_ - cur_) < bytes.size()) {
      const auto used = static_cast<std::size_t>(cur_ - base_);
      Room r = grow(out_, used, out_.size() + bytes.size());
      base_ = r.base;
      cur_ = r.base + used;
      end_ = r.end;
    }
    std::memcpy(cur_, bytes.data(), bytes.size());
    cur_ += bytes.size();
  }

 private:
  struct Room {
    char* base;
    char* end;
  };
  // Makes `more` bytes of room after the first `used`.
  [[gnu::noinline]] static Room grow(std::string& s, std::size_t used, std::size_t more) {
    s.resize(used + more);
    return {s.data(), s.data() + s.size()};
  }

  static constexpr std::size_t kMaxVarint = 10, kSlack = 512;
  std::string& out_;
  std::vector<std::uint32_t>* part_ends_;
  std::size_t used_at_start_;
  char* base_ = nullptr;
  char* cur_ = nullptr;
  char* end_ = nullptr;
};

template <typename T>
[[gnu::always_inline]] inline void put(Writer& out, const T& v) {
  if constexpr (std::is_enum_v<T>) {
    out.varint(static_cast<std::uint64_t>(v));
  } else if constexpr (std::is_signed_v<T>) {
    const auto x = static_cast<std::int64_t>(v);
    out.varint((static_cast<std::uint64_t>(x) << 1) ^ static_cast<std::uint64_t>(x >> 63));
  } else {
    static_assert(std::is_unsigned_v<T>);
    out.varint(static_cast<std::uint64_t>(v));
  }
}

// Several booleans as the bits of one varint (first argument lowest):
// injective like the rest, one byte instead of one each.
template <typename... Bools>
[[gnu::always_inline]] inline void put_bits(Writer& out, Bools... bits) {
  static_assert(sizeof...(bits) <= 7);
  unsigned v = 0, shift = 0;
  ((v |= static_cast<unsigned>(static_cast<bool>(bits)) << shift++), ...);
  out.varint(v);
}

[[gnu::always_inline]] inline void put_knote(Writer& out, const Knote& kn) {
  put(out, kn.kev.ident);
  put(out, kn.kev.filter);
  put(out, kn.kev.flags);
  put(out, kn.kev.fflags);
  put(out, kn.kev.data);
  put(out, kn.kev.udata);
  put(out, kn.sfflags);
  put(out, kn.sdata);
  put(out, kn.status);
  put(out, kn.kind);
  put(out, kn.file);
  put(out, kn.object);
  put_bits(out, kn.user_triggered, kn.proc_gone);
  put(out, kn.timer.deadline_ns);
  put(out, kn.timer.period_ns);
  put(out, kn.timer.next_ns);
}

[[gnu::always_inline]] inline void put_list(Writer& out, const KnoteList& list) {
  put(out, list.size());
  for (KnoteRef r : list.newest_first()) {
    put(out, r.kq);
    put(out, r.slot);
  }
}

// Only what differs from a fresh process: most signals keep their default
// disposition and are neither blocked nor pending.
void put_signal_state(Writer& out, const Process& p) {
  static constexpr decltype(Process::actions) kAllDefault{};  // value-initialised: kDefault everywhere
  static_assert(static_cast<int>(SignalAction::kDefault) == 0);
  const bool all_default = std::memcmp(p.actions.data(), kAllDefault.data(), sizeof kAllDefault) == 0;
  if (all_default && p.blocked.none() && p.pending.none()) {
    put(out, std::uint8_t{0xff});
    return;
  }
  for (std::size_t i = 0; i < p.actions.size(); ++i) {
    if (p.actions[i] == SignalAction::kDefault && !p.blocked.test(i) && !p.pending.test(i)) continue;
    put(out, static_cast<std::uint8_t>(i));
    put(out, p.actions[i]);
    put(out, static_cast<std::uint8_t>((p.blocked.test(i) ? 1 : 0) | (p.pending.test(i) ? 2 : 0)));
  }
  put(out, std::uint8_t{0xff});
}

[[gnu::always_inline]] inline void put_sockbuf(Writer& out, const SockBuf& sb) {
  put(out, sb.hiwat);
  put(out, sb.lowat);
  put(out, sb.data_bytes);
  put(out, sb.ctl_bytes);
  put(out, static_cast<std::uint8_t>((sb.cant_more ? 1 : 0) | (sb.knotes_unhooked ? 2 : 0)));
}

void put_socket(Writer& out, const Socket& so) {
  put(out, so.type);
  put(out, static_cast<std::uint8_t>((so.listening ? 1 : 0) | (so.connected ? 2 : 0) | (so.disconnected ? 4 : 0) |
                                     (so.closed ? 8 : 0)));
  put(out, so.peer);
  put(out, so.error);
  put(out, so.tcp_end);
  put(out, so.timewait_end_ns);
  out.text(so.name);
  put_sockbuf(out, so.rcv);
  put_sockbuf(out, so.snd);
  put(out, so.records.size());
  for (const Datagram& d : so.records) {
    put(out, d.data_bytes);
    put(out, d.addr_bytes);
  }
  put(out, so.disposed.data_bytes);
  put(out, so.disposed.addr_bytes);
  put(out, so.qlimit);
  put(out, so.completed.size());
  for (std::uint32_t c : so.completed) put(out, c);
  put(out, so.listener);
  put(out, so.domain);
  put(out, so.port);
  put(out, so.foreign_port);
  put(out, static_cast<std::uint8_t>((so.fin_pending ? 1 : 0) | (so.fd_gone ? 2 : 0) | (so.tcp_closing ? 4 : 0) |
                                     (so.reuseaddr ? 8 : 0)));
  put_list(out, so.rd_knotes);
  put_list(out, so.wr_knotes);
}

void put_vnode(Writer& out, const Vnode& v) {
  put(out, v.type);
  put(out, v.mode);
  put(out, v.nlink);
  put(out, v.size);
  put(out, v.parent);
  put(out, v.entries.size());
  for (const auto& [name, child] : v.entries) {
    out.text(name);
    put(out, child);
  }
  put_list(out, v.knotes);
  put(out, v.fifo_pipe);
  put(out, v.fifo_readers);
  put(out, v.fifo_writers);
  put(out, v.dead);
}

// A freed job is only its slot (nothing refers to it any more).
void put_aio_job(Writer& out, const AioJob& j) {
  put(out, j.live);
  if (!j.live) return;
  put(out, j.owner);
  put(out, j.ujob);
  put(out, j.fildes);
  put(out, j.opcode);
  put(out, j.offset);
  put(out, j.nbytes);
  put(out, j.file);
  put(out, j.finished);
  put(out, j.status);
  put(out, j.error);
  put(out, j.lio);
  put_list(out, j.knotes);
}

}  // namespace

// Parts: the clock and the number of processes; each process; the files and
// the number of kqueues; each kqueue; then pipes, sockets, process
// descriptors and vnodes one part each. A part's content fixes how many
// parts follow, so a sequence of parts decodes one way only.
void Kernel::encode(std::string& bytes, std::vector<std::uint32_t>* part_ends) const {
  Writer out(bytes, part_ends);
  put(out, now_ns_);
  put(out, callouts_);
  // Every variable-length part is preceded by its length.
  put(out, processes_.size());
  out.end_part();
  for (const Process& p : processes_) {
    put_bits(out, p.alive, p.reaped);
    put(out, p.parent);
    put(out, p.procdesc);
    put(out, p.fds.free_hint());
    const std::int32_t last_fd = p.fds.last_fd();
    put(out, last_fd + 1);
    for (std::int32_t fd = 0; fd <= last_fd; ++fd) {
      const FdEntry* e = p.fds.find(fd);
      put(out, e != nullptr ? e->file : kNoFile);
      put(out, e != nullptr && e->cloexec);
    }
    put(out, p.kqueues.size());
    for (std::uint32_t kq : p.kqueues) put(out, kq);
    put(out, p.exit_status);
    put(out, p.aio_info);
    put(out, p.aiocb_words.size());
    for (const AiocbWords& w : p.aiocb_words) {
      put(out, w.addr);
      put(out, w.status);
      put(out, w.error);
    }
    put_signal_state(out, p);
    put_list(out, p.klist);
    out.end_part();
  }
  put(out, files_.size());
  for (const File& f : files_) {
    put(out, f.type);
    put(out, f.object);
    put(out, f.refcount);
    put_bits(out, f.nonblock, f.closed, f.pd_nokill, f.readable, f.writable, f.append);
    put(out, f.vnode);
    put(out, f.offset);
    put(out, f.pipegen);
  }
  put(out, kqueues_.size());
  out.end_part();
  for (const Kqueue& kq : kqueues_) {
    put_bits(out, kq.closed(), kq.cponfork());
    // Slot order with each knote's older same-identity link: the same
    // information as the (ident, filter) order, without sorting.
    put(out, kq.knote_count());
    for (std::uint32_t slot = 0; slot < kq.slot_bound(); ++slot) {
      if (!kq.knote(slot).live) continue;
      put(out, slot);
      put(out, kq.older_same_identity(slot) + 1);
      put_knote(out, kq.knote(slot));
      // The chains' newest-first order is seen only when a fork copies the
      // kqueue (model/kqueue_fork.cpp): encoded there alone, so that every
      // other state keeps its encoding.
      if (kq.cponfork()) put(out, kq.knote(slot).attach_seq);
    }
    put(out, kq.queue().size());
    for (std::uint32_t slot : kq.queue().slots()) put(out, slot);
    put_list(out, kq.watchers());
    out.end_part();
  }
  put(out, pipes_.size());
  for (const PipePair& pp : pipes_) {
    for (const PipeEnd& e : pp.ends) {
      put(out, e.buffer_size);
      put(out, e.buffer_page);
      put_bits(out, e.mapped);
      put(out, e.buffered);
      put_bits(out, e.eof, e.active, e.named);
      put_list(out, e.knotes);
      put(out, e.wgen);
    }
  }
  put(out, pipe_map_.entries().size());
  // Objects by identity relative to the entries (the index of the first
  // entry holding the same object), so equal maps encode alike.
  const std::vector<PipeMapEntry>& map_entries = pipe_map_.entries();
  for (std::size_t i = 0; i < map_entries.size(); ++i) {
    const PipeMapEntry& e = map_entries[i];
    put(out, e.first);
    put(out, e.end);
    std::size_t same = i + 1;  // none
    if (e.object != 0) {
      same = 0;
      while (map_entries[same].object != e.object) ++same;
    }
    put(out, same);
    put(out, e.object != 0 ? e.offset : 0U);
  }
  out.end_part();
  put(out, sockets_.size());
  for (const Socket& so : sockets_) put_socket(out, so);
  put(out, socket_names_.size());
  for (const auto& [name, id] : socket_names_) {
    out.text(name);
    put(out, id);
  }
  out.end_part();
  put(out, procdescs_.size());
  for (const Procdesc& pd : procdescs_) {
    put(out, pd.pid);
    put(out, pd.has_process);
    put(out, pd.exited);
    put(out, pd.xstat);
    put(out, pd.fpcount);
    put(out, pd.last_child);
    put_list(out, pd.klist);
  }
  out.end_part();
  put(out, vnodes_.size());
  for (const Vnode& v : vnodes_) put_vnode(out, v);
  put(out, fs_unmounted_);
  out.end_part();
  put(out, aio_jobs_.size());
  for (const AioJob& j : aio_jobs_) put_aio_job(out, j);
  put(out, aio_lios_.size());
  for (const AioLio& lj : aio_lios_) {
    put(out, lj.live);
    if (!lj.live) continue;
    put(out, lj.owner);
    put(out, lj.uaddr);
    put(out, lj.count);
    put(out, lj.finished_count);
    put(out, lj.kevent);
    put(out, lj.kevent_posted);
    put_list(out, lj.knotes);
  }
  put(out, aio_queue_.size());
  for (std::uint32_t id : aio_queue_) put(out, id);
  out.end_part();
}

}  // namespace kqsim::model

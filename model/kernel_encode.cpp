// A byte encoding of the whole kernel state, for the explorer's visited set:
// equal encodings mean equal states. Slot numbers are part of it (they order
// queues and lists), so two states that differ only in slot layout count as
// two; that costs reduction, never soundness.
#include <cstring>

#include "model/kernel.hpp"

namespace kqsim::model {
namespace {

template <typename T>
void put(std::string& out, const T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

void put_knote(std::string& out, const Knote& kn) {
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
  put(out, kn.user_triggered);
  put(out, kn.proc_gone);
  put(out, kn.timer.deadline_ns);
  put(out, kn.timer.period_ns);
}

void put_list(std::string& out, const KnoteList& list) {
  put(out, list.refs().size());
  for (KnoteRef r : list.refs()) {
    put(out, r.kq);
    put(out, r.slot);
  }
}

// Only what differs from a fresh process: most signals keep their default
// disposition and are neither blocked nor pending.
void put_signal_state(std::string& out, const Process& p) {
  for (std::size_t i = 0; i < p.actions.size(); ++i) {
    if (p.actions[i] == SignalAction::kDefault && !p.blocked.test(i) && !p.pending.test(i)) continue;
    put(out, static_cast<std::uint8_t>(i));
    put(out, p.actions[i]);
    put(out, static_cast<std::uint8_t>((p.blocked.test(i) ? 1 : 0) | (p.pending.test(i) ? 2 : 0)));
  }
  put(out, std::uint8_t{0xff});
}

void put_sockbuf(std::string& out, const SockBuf& sb) {
  put(out, sb.hiwat);
  put(out, sb.lowat);
  put(out, sb.data_bytes);
  put(out, sb.ctl_bytes);
  put(out, sb.cant_more);
}

void put_socket(std::string& out, const Socket& so) {
  put(out, so.type);
  put(out, static_cast<std::uint8_t>((so.listening ? 1 : 0) | (so.connected ? 2 : 0) | (so.disconnected ? 4 : 0) |
                                     (so.closed ? 8 : 0)));
  put(out, so.peer);
  put(out, so.error);
  put(out, so.name.size());
  out.append(so.name);
  put_sockbuf(out, so.rcv);
  put_sockbuf(out, so.snd);
  put(out, so.records.size());
  for (const Datagram& d : so.records) {
    put(out, d.data_bytes);
    put(out, d.addr_bytes);
  }
  put(out, so.qlimit);
  put(out, so.completed.size());
  for (std::uint32_t c : so.completed) put(out, c);
  put(out, so.listener);
  put_list(out, so.rd_knotes);
  put_list(out, so.wr_knotes);
}

void put_vnode(std::string& out, const Vnode& v) {
  put(out, v.type);
  put(out, v.mode);
  put(out, v.nlink);
  put(out, v.size);
  put(out, v.parent);
  put(out, v.entries.size());
  for (const auto& [name, child] : v.entries) {
    put(out, name.size());
    out.append(name);
    put(out, child);
  }
  put_list(out, v.knotes);
  put(out, v.fifo_pipe);
  put(out, v.fifo_readers);
  put(out, v.fifo_writers);
}

}  // namespace

void Kernel::encode(std::string& out) const {
  put(out, now_ns_);
  put(out, callouts_);
  for (const Process& p : processes_) {
    put(out, p.alive);
    put(out, p.reaped);
    put(out, p.parent);
    put(out, p.procdesc);
    put(out, p.fds.free_hint());
    for (std::int32_t fd = 0; fd <= p.fds.last_fd(); ++fd) {
      const FdEntry* e = p.fds.find(fd);
      put(out, e != nullptr ? e->file : kNoFile);
      put(out, e != nullptr && e->cloexec);
    }
    put(out, std::int32_t{-1});
    for (std::uint32_t kq : p.kqueues) put(out, kq);
    put(out, p.exit_status);
    put_signal_state(out, p);
    put_list(out, p.klist);
  }
  for (const File& f : files_) {
    put(out, f.type);
    put(out, f.object);
    put(out, f.refcount);
    put(out, f.nonblock);
    put(out, f.closed);
    put(out, f.pd_nokill);
    put(out, f.vnode);
    put(out, f.readable);
    put(out, f.writable);
    put(out, f.append);
    put(out, f.offset);
    put(out, f.pipegen);
  }
  for (const Kqueue& kq : kqueues_) {
    put(out, kq.closed());
    for (std::uint32_t slot : kq.live_slots()) {
      put(out, slot);
      put_knote(out, kq.knote(slot));
    }
    put(out, kq.queue().size());
    for (std::uint32_t slot : kq.queue().slots()) put(out, slot);
    put_list(out, kq.watchers());
  }
  for (const PipePair& pp : pipes_) {
    for (const PipeEnd& e : pp.ends) {
      put(out, e.buffer_size);
      put(out, e.buffered);
      put(out, e.eof);
      put(out, e.active);
      put_list(out, e.knotes);
      put(out, e.named);
      put(out, e.wgen);
    }
  }
  for (const Socket& so : sockets_) put_socket(out, so);
  for (const auto& [name, id] : socket_names_) {
    out.append(name);
    put(out, id);
  }
  for (const Procdesc& pd : procdescs_) {
    put(out, pd.pid);
    put(out, pd.has_process);
    put(out, pd.exited);
    put(out, pd.xstat);
    put(out, pd.fpcount);
    put_list(out, pd.klist);
  }
  for (const Vnode& v : vnodes_) put_vnode(out, v);
}

}  // namespace kqsim::model

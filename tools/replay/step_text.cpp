#include "tools/replay/step_text.hpp"

#include <fmt/format.h>

#include "model/kevent_names.hpp"
#include "model/signals.hpp"
#include "sim/event_text.hpp"

namespace kqsim::replay {
namespace {

std::string ref_text(const traces::Ref& ref) {
  return ref.is_name() ? ref.name() : std::to_string(ref.number());
}

std::string change_text(const traces::Change& c) {
  std::string out = fmt::format("{{{} {} {}", ref_text(c.ident), model::filter_name(c.filter), model::flags_to_string(c.flags));
  if (c.fflags != 0) out += " fflags " + sim::fflags_text(c.filter, c.fflags);
  if (c.data != 0) out += fmt::format(" data {}", c.data);
  if (c.udata != 0) out += fmt::format(" udata {}", c.udata);
  return out + "}";
}

std::string kevent_text(const traces::Step& s) {
  std::string changes;
  for (const traces::Change& c : s.changes) changes += (changes.empty() ? "" : ", ") + change_text(c);
  std::string timeout = s.timeout ? fmt::format("{}.{:09}s", s.timeout->sec, s.timeout->nsec) : "forever";
  return fmt::format("kevent({}, [{}], nevents {}, timeout {})", ref_text(s.fd), changes, s.nevents, timeout);
}

std::string flags_suffix(const traces::Step& s) {
  if (s.nonblock && s.cloexec) return "|SOCK_NONBLOCK|SOCK_CLOEXEC";
  if (s.nonblock) return "|SOCK_NONBLOCK";
  return s.cloexec ? "|SOCK_CLOEXEC" : "";
}

std::string socket_text(const traces::Step& s) {
  const std::string type = std::string(model::socket_type_name(s.sock->type)) + flags_suffix(s);
  switch (s.op) {
    case traces::Op::kSocketpair: return fmt::format("[{}, {}] = socketpair(AF_UNIX, {})", s.as[0], s.as[1], type);
    case traces::Op::kSocket:
      return fmt::format("{} = socket({}, {})", s.as[0], s.sock->domain == model::SocketDomain::kInet ? "AF_INET" : "AF_UNIX", type);
    case traces::Op::kBind:
      if (s.sock->port) return fmt::format("bind({}, 127.0.0.1:{})", ref_text(s.fd), *s.sock->port);
      return fmt::format("bind({}, \"{}\")", ref_text(s.fd), s.sock->name);
    case traces::Op::kListen: return fmt::format("listen({}, {})", ref_text(s.fd), s.sock->backlog);
    case traces::Op::kConnect:
      if (s.sock->port) return fmt::format("connect({}, 127.0.0.1:{})", ref_text(s.fd), *s.sock->port);
      if (!s.sock->port_of.empty()) return fmt::format("connect({}, the address of {})", ref_text(s.fd), s.sock->port_of);
      return fmt::format("connect({}, \"{}\")", ref_text(s.fd), s.sock->name);
    case traces::Op::kGetsockname: return fmt::format("getsockname({})", ref_text(s.fd));
    case traces::Op::kRecv: return fmt::format("recv({}, {}, {:#x})", ref_text(s.fd), s.bytes, s.sock->msg_flags);
    case traces::Op::kSend: return fmt::format("send({}, {}, {:#x})", ref_text(s.fd), s.bytes, s.sock->msg_flags);
    case traces::Op::kPoll: return fmt::format("poll({}, events {:#x}, {} ms)", ref_text(s.fd), s.sock->poll_events, s.sock->timeout);
    case traces::Op::kSelect:
      return fmt::format("select({}{}{}{}, {} us)", ref_text(s.fd), (s.sock->select_sets & 1) != 0 ? " read" : "",
                         (s.sock->select_sets & 2) != 0 ? " write" : "", (s.sock->select_sets & 4) != 0 ? " except" : "", s.sock->timeout);
    case traces::Op::kPause: return "pause()";
    case traces::Op::kAccept: return fmt::format("{} = accept({})", s.as[0], ref_text(s.fd));
    case traces::Op::kShutdown: return fmt::format("shutdown({}, {})", ref_text(s.fd), model::shutdown_how_name(s.sock->how));
    default: return fmt::format("setsockopt({}, {}, {})", ref_text(s.fd), model::socket_option_name(s.sock->option), s.sock->value);
  }
}

std::string vfs_text(const traces::Step& s) {
  const model::VfsCall& c = *s.vfs;
  std::string flags;
  for (const std::string& f : model::open_flags_to_names(c.flags)) flags += (flags.empty() ? "" : "|") + f;
  switch (c.op) {
    case model::VfsOp::kOpen: return fmt::format("{} = open(\"{}\", {}, {:04o})", s.as[0], c.path, flags, c.mode);
    case model::VfsOp::kMkdir:
    case model::VfsOp::kMkfifo:
    case model::VfsOp::kChmod: return fmt::format("{}(\"{}\", {:04o})", model::vfs_op_name(c.op), c.path, c.mode);
    case model::VfsOp::kRmdir:
    case model::VfsOp::kRevoke:
    case model::VfsOp::kUtimes:
    case model::VfsOp::kUnlink: return fmt::format("{}(\"{}\")", model::vfs_op_name(c.op), c.path);
    case model::VfsOp::kUnmount:
      return fmt::format("unmount(\"{}\", {})", c.path, (c.flags & model::mntflag::kForce) != 0 ? "MNT_FORCE" : "0");
    case model::VfsOp::kRename:
    case model::VfsOp::kLink: return fmt::format("{}(\"{}\", \"{}\")", model::vfs_op_name(c.op), c.path, c.path2);
    case model::VfsOp::kTruncate: return fmt::format("truncate(\"{}\", {})", c.path, c.value);
    case model::VfsOp::kFtruncate: return fmt::format("ftruncate({}, {})", ref_text(s.fd), c.value);
    case model::VfsOp::kLseek: return fmt::format("lseek({}, {}, {})", ref_text(s.fd), c.value, model::whence_name(c.whence));
  }
  return "?";
}

std::string sigevent_text(const traces::AioSigevent& e) {
  if (e.notify != model::sigev::kKevent) return model::sigev_notify_name(e.notify);
  return fmt::format("SIGEV_KEVENT kq {} flags {} udata {}", ref_text(e.kq), model::flags_to_string(e.flags), e.udata);
}

std::string aiocb_text(const traces::AioRequest& q, bool with_opcode) {
  if (!q.aiocb) return "NULL";
  std::string op = with_opcode ? std::string(model::lio_opcode_name(q.opcode)) + " " : "";
  return fmt::format("&{} {{{}fd {} offset {} nbytes {} {}{}}}", ref_text(*q.aiocb), op, ref_text(q.fd), q.offset, q.bytes,
                     sigevent_text(q.sigevent), q.defer ? ", deferred" : "");
}

std::string aio_text(const traces::Step& s) {
  const traces::AioArgs& a = *s.aio;
  const auto op = *traces::aio_op_of(s.op);
  const std::string name = model::aio_op_name(op);
  switch (op) {
    case model::AioOp::kRead:
    case model::AioOp::kWrite: return fmt::format("{}({})", name, aiocb_text(a.cb, false));
    case model::AioOp::kError:
    case model::AioOp::kReturn: return fmt::format("{}(&{})", name, ref_text(*a.cb.aiocb));
    case model::AioOp::kCancel: return fmt::format("aio_cancel({}, {})", ref_text(a.cb.fd), a.cb.aiocb ? "&" + ref_text(*a.cb.aiocb) : "NULL");
    case model::AioOp::kRun: return a.cb.aiocb ? fmt::format("the aio daemons run {}", ref_text(*a.cb.aiocb)) : "the aio daemons run every queued request";
    case model::AioOp::kLioListio: {
      std::string entries;
      for (const traces::AioRequest& q : a.entries) entries += (entries.empty() ? "" : ", ") + aiocb_text(q, true);
      return fmt::format("lio_listio({}, {} = [{}], {})", a.mode == model::lio::kWait ? "LIO_WAIT" : "LIO_NOWAIT",
                         ref_text(a.list), entries, a.sig ? sigevent_text(*a.sig) : "NULL");
    }
  }
  return "?";
}

}  // namespace

std::string call_text(const traces::Step& s) {
  std::string who = s.proc == "main" ? "" : s.proc + ": ";
  switch (s.op) {
    case traces::Op::kKqueue:
      return who + (s.kqueue_flags == 0 ? fmt::format("{} = kqueue()", s.as[0])
                                        : fmt::format("{} = kqueuex({})", s.as[0], sim::kqueue_flags_text(s.kqueue_flags)));
    case traces::Op::kPipe: return who + fmt::format("[{}, {}] = pipe{}", s.as[0], s.as[1], s.nonblock ? "(O_NONBLOCK)" : "()");
    case traces::Op::kRead: return who + fmt::format("read({}, {} bytes)", ref_text(s.fd), s.bytes);
    case traces::Op::kWrite: return who + fmt::format("write({}, {} bytes)", ref_text(s.fd), s.bytes);
    case traces::Op::kClose: return who + fmt::format("close({})", ref_text(s.fd));
    case traces::Op::kDup: return who + fmt::format("{} = dup({})", s.as[0], ref_text(s.fd));
    case traces::Op::kDup2: return who + fmt::format("dup2({}, {})", ref_text(s.fd), ref_text(s.to));
    case traces::Op::kFcntl: return who + fmt::format("fcntl({}, {}, {})", ref_text(s.fd), s.fcntl_cmd, s.fcntl_arg);
    case traces::Op::kFork: return who + fmt::format("{} = fork()", s.as[0]);
    case traces::Op::kPdfork: return who + fmt::format("{} = pdfork(&{}, {:#x})", s.as[0], s.as[1], s.pd_flags);
    case traces::Op::kWait: return who + fmt::format("waitpid({}{})", s.target, s.nohang ? ", WNOHANG" : "");
    case traces::Op::kExec: return who + "exec()";
    case traces::Op::kExit: return who + "exit()";
    case traces::Op::kSleep: return who + fmt::format("sleep({})", sim::duration_text(s.sleep_ns));
    case traces::Op::kKevent: return who + kevent_text(s);
    case traces::Op::kKill: return who + fmt::format("kill({}, {})", s.target, model::signal_name(s.signo));
    case traces::Op::kSigaction:
      return who + fmt::format("sigaction({}, {})", model::signal_name(s.signo),
                               s.sig_action == 0 ? "SIG_DFL" : s.sig_action == 1 ? "SIG_IGN" : "handler");
    case traces::Op::kSigprocmask:
      return who + fmt::format("sigprocmask({}, {})", s.block ? "SIG_BLOCK" : "SIG_UNBLOCK", model::signal_name(s.signo));
    case traces::Op::kSocketpair:
    case traces::Op::kSocket:
    case traces::Op::kBind:
    case traces::Op::kListen:
    case traces::Op::kConnect:
    case traces::Op::kAccept:
    case traces::Op::kShutdown:
    case traces::Op::kSetsockopt:
    case traces::Op::kGetsockname:
    case traces::Op::kRecv:
    case traces::Op::kSend:
    case traces::Op::kPoll:
    case traces::Op::kSelect:
    case traces::Op::kPause: return who + socket_text(s);
    case traces::Op::kOpen: case traces::Op::kMkdir: case traces::Op::kRmdir: case traces::Op::kMkfifo:
    case traces::Op::kUnlink: case traces::Op::kRename: case traces::Op::kLink: case traces::Op::kChmod:
    case traces::Op::kTruncate: case traces::Op::kFtruncate: case traces::Op::kLseek: case traces::Op::kRevoke:
    case traces::Op::kUnmount:
    case traces::Op::kUtimes: return who + vfs_text(s);
    case traces::Op::kAioRead: case traces::Op::kAioWrite: case traces::Op::kAioError: case traces::Op::kAioReturn:
    case traces::Op::kAioCancel: case traces::Op::kLioListio: case traces::Op::kAioRun: return who + aio_text(s);
  }
  return who + "?";
}

std::string value_text(const traces::IntExpect& e) {
  if (!e.pid_of.empty()) return "pid of " + e.pid_of;
  return e.exact() ? std::to_string(e.min) : fmt::format("[{}, {}]", e.min, e.max);
}

std::string result_text(const traces::Observed& o) {
  std::string out = "= " + value_text(o.ret);
  if (o.errno_name) out += " " + *o.errno_name;
  for (const traces::ExpectedEvent& e : o.events) {
    const std::string data = e.data.exact() && e.data.pid_of.empty() ? sim::data_text(e.flags, e.data.min, e.filter) : value_text(e.data);
    out += fmt::format("\n      {{{} {} {} fflags {} data {} udata {}}}", ref_text(e.ident), model::filter_name(e.filter),
                       model::flags_to_string(e.flags), sim::fflags_text(e.filter, e.fflags, e.flags), data, e.udata);
  }
  return out;
}

std::string divergence_text(const traces::Divergence& d) {
  if (d.kind == traces::DivergenceKind::kUnsupported) {
    return fmt::format("unsupported: the trace says {}, the model {}", d.expected == "made" ? "the call was made" : "\"" + d.expected + "\"",
                       d.actual == "made" ? "makes it" : "cannot: " + d.actual);
  }
  std::string what = d.detail.empty() ? "" : " (" + d.detail + ")";
  return fmt::format("{}: trace {}, model {}{}", traces::divergence_kind_name(d.kind), d.expected, d.actual, what);
}

}  // namespace kqsim::replay

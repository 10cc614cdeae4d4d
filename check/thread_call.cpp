#include "check/thread_call.hpp"

namespace kqsim::check {

bool is_thread_op(traces::Op op) {
  return op == traces::Op::kKevent || op == traces::Op::kRead || op == traces::Op::kWrite || op == traces::Op::kClose ||
         op == traces::Op::kDup2;
}

std::optional<ResolvedStep> resolve_thread_call(const traces::Step& st, const DescriptorLookup& fd_of) {
  if (!is_thread_op(st.op)) return std::nullopt;
  ResolvedStep r;
  r.op = st.op;
  r.bytes = st.bytes;
  if (st.op == traces::Op::kKevent) {
    for (const traces::Change& c : st.changes) {
      std::uint64_t ident = c.ident.is_name() ? static_cast<std::uint64_t>(fd_of(c.ident, "ident")) : c.ident.number();
      r.changes.push_back({ident, c.filter, c.flags, c.fflags, c.data, c.udata});
    }
    r.nevents = st.nevents;
    r.waits_forever = !st.timeout.has_value();
  }
  if (st.op == traces::Op::kDup2) r.to = fd_of(st.to, "to");
  r.fd = fd_of(st.fd, "fd");
  return r;
}

std::optional<model::KeventResult> make_thread_call(model::Kernel& k, const ResolvedStep& st) {
  const model::Pid pid = st.pid;
  model::KeventResult r;
  switch (st.op) {
    case traces::Op::kKevent: {
      // Other timeouts are explored as polls: no virtual time passes.
      auto timeout = st.waits_forever ? std::nullopt : std::optional<model::Timespec>(model::Timespec{0, 0});
      r = k.kevent(pid, st.fd, st.changes, st.nevents, timeout);
      break;
    }
    case traces::Op::kWrite: r.sys = k.write(pid, st.fd, st.bytes); break;
    case traces::Op::kRead: r.sys = k.read(pid, st.fd, st.bytes); break;
    case traces::Op::kClose: r.sys = k.close(pid, st.fd); break;
    case traces::Op::kDup2: r.sys = k.dup2(pid, st.fd, st.to); break;
    default: break;  // resolve_thread_call refused every other op
  }
  if (r.sys.completion == model::Completion::kBlockedForever) return std::nullopt;
  return r;
}

}  // namespace kqsim::check

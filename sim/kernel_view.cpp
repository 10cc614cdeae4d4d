#include "sim/kernel_view.hpp"

#include <fmt/format.h>

#include <climits>

#include "model/kevent_names.hpp"
#include "sim/event_text.hpp"

namespace kqsim::sim {
namespace {

using model::Kernel;
using model::Knote;
using model::Kqueue;

std::optional<std::int32_t> fd_of_file(const Kernel& k, model::Pid pid, model::FileIndex file) {
  const model::Process* p = k.process(pid);
  if (p == nullptr) return std::nullopt;
  for (std::int32_t fd = 0; fd <= p->fds.last_fd(); ++fd) {
    if (const auto* e = p->fds.find(fd); e != nullptr && e->file == file) return fd;
  }
  return std::nullopt;
}

}  // namespace

std::string addr_text(std::uint64_t addr, const AddrNamer& addr_name) {
  auto name = addr_name ? addr_name(addr) : std::nullopt;
  return name ? fmt::format("{} ({:#x})", *name, addr) : fmt::format("{:#x}", addr);
}

std::string proc_text(model::Pid pid, const ProcNamer& proc_name) {
  auto name = proc_name ? proc_name(pid) : std::nullopt;
  return name ? fmt::format("{} (pid {})", *name, pid) : fmt::format("pid {}", pid);
}

std::string ident_text(const Knote& kn, model::Pid owner, const FdNamer& name_of, const ProcNamer& proc_name,
                       const AddrNamer& addr_name) {
  if (kn.kev.filter == model::filt::kProc && kn.kev.ident <= static_cast<std::uint64_t>(INT32_MAX)) {
    return proc_text(static_cast<model::Pid>(kn.kev.ident), proc_name);
  }
  if (kn.kev.filter == model::filt::kAio || kn.kev.filter == model::filt::kLio) return addr_text(kn.kev.ident, addr_name);
  if (!model::filter_is_fd_based(kn.kev.filter)) return std::to_string(kn.kev.ident);
  auto name = name_of(owner, static_cast<std::int64_t>(kn.kev.ident));
  return name ? fmt::format("{} (fd {})", *name, kn.kev.ident) : fmt::format("fd {}", kn.kev.ident);
}

namespace {

std::string timer_text(const Knote& kn, std::int64_t now_ns) {
  if (kn.kind != model::FilterKind::kTimer) return "";
  if (kn.timer.deadline_ns < 0) return "      timer: not armed\n";
  std::string period = kn.timer.period_ns > 0 ? ", period " + duration_text(kn.timer.period_ns) : "";
  return fmt::format("      timer: due in {}{}\n", duration_text(kn.timer.deadline_ns - now_ns), period);
}

// Two lines per knote, to fit 100 columns: who it is and its state, then
// the saved input (sfflags/sdata) and the output image kqueue_scan copies
// out (fflags/data/udata).
std::string knote_text(const Knote& kn, const std::string& ident) {
  const model::FilterId f = kn.kev.filter;
  return fmt::format("    {:<14} {:<13} flags {:<18} status {}\n      in: fflags {} data {};  out: fflags {} data {} udata {}\n",
                     ident, model::filter_name(f), model::flags_to_string(kn.kev.flags), knote_status_text(kn.status),
                     fflags_text(f, kn.sfflags), kn.sdata, fflags_text(f, kn.kev.fflags, kn.kev.flags),
                     data_text(kn.kev.flags, kn.kev.data, f), kn.kev.udata);
}

void describe_one(const Kernel& k, std::size_t index, const FdNamer& name_of, const ProcNamer& proc_name,
                  const AddrNamer& addr_name, std::string& out) {
  const Kqueue& kq = k.kqueues()[index];
  auto fd = fd_of_file(k, kq.owner(), kq.file());
  auto name = fd ? name_of(kq.owner(), *fd) : std::nullopt;
  out += fmt::format("  kqueue {} (pid {}, {}): {} knote(s), {} pending\n", name.value_or("?"), kq.owner(),
                     fd ? fmt::format("fd {}", *fd) : std::string("no descriptor"), kq.knote_count(),
                     kq.pending_count());
  for (std::uint32_t slot : kq.live_slots()) {
    const Knote& kn = kq.knote(slot);
    out += knote_text(kn, ident_text(kn, kq.owner(), name_of, proc_name, addr_name));
    out += timer_text(kn, k.now_ns());
  }
  std::string queue;
  for (std::uint32_t slot : kq.queue().slots()) {
    const Knote& kn = kq.knote(slot);
    if (!queue.empty()) queue += ", ";
    queue += ident_text(kn, kq.owner(), name_of, proc_name, addr_name) + "/" + model::filter_name(kn.kev.filter);
  }
  out += fmt::format("    activation queue: [{}]\n", queue);
}

// Running, zombie (exited, status kept until waited for) or reaped.
std::string process_state_text(const model::Process& p) {
  if (p.alive) return "running";
  return fmt::format("{} status {}", p.reaped ? "reaped" : "zombie", p.exit_status);
}

// The signals whose state differs from a fresh process's (every action the
// default but SIGPIPE's, ignored: kernel_fd.cpp): "SIGUSR1 caught blocked
// pending, SIGCHLD ignored, SIGPIPE default". Empty when none does.
std::string signal_state_text(const model::Process& p) {
  std::string out;
  for (int signo = 1; signo <= model::sig::kMax; ++signo) {
    const auto i = static_cast<std::size_t>(signo);
    const model::SignalAction a = p.actions[i];
    const model::SignalAction fresh = signo == model::sig::kPipe ? model::SignalAction::kIgnore : model::SignalAction::kDefault;
    if (a == fresh && !p.blocked.test(i) && !p.pending.test(i)) continue;
    out += (out.empty() ? "" : ", ") + model::signal_name(signo);
    if (a == model::SignalAction::kDefault && a != fresh) out += " default";
    if (a == model::SignalAction::kIgnore && a != fresh) out += " ignored";
    if (a == model::SignalAction::kCatch) out += " caught";
    if (p.blocked.test(i)) out += " blocked";
    if (p.pending.test(i)) out += " pending";
  }
  return out;
}

// Each process whose signal state is not a fresh one's, when the program
// has a single process (describe_processes shows it otherwise).
void describe_signal_states(const Kernel& k, const ProcNamer& proc_name, std::string& out) {
  for (const model::Process& p : k.processes()) {
    const std::string signals = signal_state_text(p);
    if (!signals.empty()) out += fmt::format("  process {} signals: {}\n", proc_text(p.pid, proc_name), signals);
  }
}

void describe_processes(const Kernel& k, const ProcNamer& proc_name, std::string& out) {
  for (const model::Process& p : k.processes()) {
    std::string parent = p.parent == 0 ? "outside the program (the reaper)" : proc_text(p.parent, proc_name);
    out += fmt::format("  process {}: {}, parent {}", proc_text(p.pid, proc_name), process_state_text(p), parent);
    if (p.procdesc >= 0) out += ", has a process descriptor";
    out += fmt::format(", {} knote(s) watching", p.klist.size());
    const std::string signals = signal_state_text(p);
    out += signals.empty() ? "\n" : "; signals: " + signals + "\n";
  }
}

}  // namespace

std::string knote_status_text(std::uint16_t status) {
  std::string out;
  auto add = [&](std::uint16_t bit, const char* name) {
    if ((status & bit) == 0) return;
    if (!out.empty()) out += '|';
    out += name;
  };
  add(model::kn::kActive, "ACTIVE");
  add(model::kn::kQueued, "QUEUED");
  add(model::kn::kDisabled, "DISABLED");
  add(model::kn::kDetached, "DETACHED");
  add(model::kn::kKqueue, "KQUEUE");
  return out.empty() ? "-" : out;
}

std::string describe_kqueues(const Kernel& k, const FdNamer& name_of, const ProcNamer& proc_name, const AddrNamer& addr_name) {
  std::string out = fmt::format("  clock: {}\n", duration_text(k.now_ns()));
  if (proc_name && k.processes().size() > 1) describe_processes(k, proc_name, out);
  else describe_signal_states(k, proc_name, out);
  bool any = false;
  for (std::size_t i = 0; i < k.kqueues().size(); ++i) {
    if (k.kqueues()[i].closed()) continue;
    describe_one(k, i, name_of, proc_name, addr_name, out);
    any = true;
  }
  if (!any) out += "  (no open kqueue)\n";
  out += describe_pipes(k, name_of);
  out += describe_sockets(k, name_of);
  out += describe_vfs(k);
  out += describe_aio(k, addr_name, proc_name);
  return out;
}

}  // namespace kqsim::sim

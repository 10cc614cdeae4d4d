// GeneratorOptions::with_tcp (kqcheck --with-tcp): loopback TCP listeners
// and clients join the programs on request only, never on a Linux host; a
// client connects by port to a TCP listener no client connected to before
// (else to no port: EADDRNOTAVAIL), and every step through a TCP socket that
// may send a segment (also through a name dup2 made one's, or one that may
// share its number with another, and an exit, exec or kill that may drop a
// socket's last reference) is followed by a sleep, so a real host's lo0 has
// carried it before the next step, and writes to one stay below its send
// buffer. With tcp_clients_per_listener, up to that many clients connect to
// one listener by its port. The programs run clean on every dialect.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "check/trace_runs.hpp"
#include "model/dialect_profile.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"

namespace kqsim::check {
namespace {

using traces::Op;

constexpr std::int64_t kSettleNs = 50'000'000;

GeneratorOptions with_tcp() {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_extra_calls = true;
  o.with_tcp = true;
  return o;
}

std::size_t inet_sockets(const GeneratorOptions& o) {
  std::size_t n = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    for (const traces::Step& s : generate_program(trace_seed(21, i), o).steps) {
      n += s.op == Op::kSocket && s.sock->domain == model::SocketDomain::kInet ? 1 : 0;
    }
  }
  return n;
}

TEST(TcpPrograms, OffByDefault) { EXPECT_EQ(inet_sockets(for_real_host(GeneratorOptions{})), 0U); }

TEST(TcpPrograms, OnRequest) { EXPECT_GT(inet_sockets(with_tcp()), 150U); }

TEST(TcpPrograms, NeverOnLinux) { EXPECT_EQ(inet_sockets(*restrict_to_host_os(with_tcp(), "linux")), 0U); }

bool settled(const traces::Trace& t, std::size_t i) {
  return i + 1 < t.steps.size() && t.steps[i + 1].op == Op::kSleep && t.steps[i + 1].sleep_ns == kSettleNs;
}

// A connect names a TCP listener with nothing queued, or the client itself;
// it and every sending step through a TCP name are followed by the sleep.
TEST(TcpPrograms, ConnectsByPortAndSettles) {
  std::size_t connects = 0, settles = 0, tcp_dup2s = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    const traces::Trace t = generate_program(trace_seed(21, i), with_tcp());
    std::set<std::string> tcp, listeners;
    for (std::size_t k = 0; k < t.steps.size(); ++k) {
      const traces::Step& s = t.steps[k];
      if (s.op == Op::kSocket && s.sock->domain == model::SocketDomain::kInet) tcp.insert(s.as[0]);
      if (s.op == Op::kListen && tcp.contains(s.fd.name())) listeners.insert(s.fd.name());
      if (s.op == Op::kAccept && tcp.contains(s.fd.name())) tcp.insert(s.as[0]);
      if (s.op == Op::kConnect && s.fd.is_name() && tcp.contains(s.fd.name())) {
        ++connects;
        const bool first = listeners.erase(s.sock->port_of) == 1;  // a listener's one client
        EXPECT_TRUE(first || s.sock->port_of == s.fd.name()) << t.name << " step " << k;
        EXPECT_TRUE(k + 1 == t.steps.size() || settled(t, k)) << t.name << " step " << k;
      }
      // Once a TCP socket exists any name may reach one (a closed name's
      // number is reused): every write stays below the send buffer.
      if ((s.op == Op::kWrite || s.op == Op::kSend) && !tcp.empty()) {
        EXPECT_LE(s.bytes, 20000) << t.name << " step " << k;
      }
      // MSG_WAITALL short of data sleeps on TCP (R34): never through a TCP name.
      if (s.op == Op::kRecv && s.fd.is_name() && tcp.contains(s.fd.name())) {
        EXPECT_EQ(s.sock->msg_flags & model::msgflag::kWaitall, 0U) << t.name << " step " << k;
      }
      const bool sends = s.op == Op::kWrite || s.op == Op::kSend || s.op == Op::kRead || s.op == Op::kRecv ||
                         s.op == Op::kShutdown || s.op == Op::kClose;
      if (sends && s.fd.is_name() && tcp.contains(s.fd.name())) {
        EXPECT_TRUE(k + 1 == t.steps.size() || settled(t, k)) << t.name << " step " << k << " " << traces::op_name(s.op);
        // Below the send buffer: how much more a real host takes is a race.
        if (s.op == Op::kWrite || s.op == Op::kSend) {
          EXPECT_LE(s.bytes, 20000) << t.name << " step " << k;
        }
        ++settles;
      }
      // A name that ever named a TCP socket may still (a failed dup2 over
      // it, a child's copy): dup and dup2 of one make their target one.
      if (s.op == Op::kDup && s.fd.is_name() && tcp.contains(s.fd.name())) tcp.insert(s.as[0]);
      if (s.op == Op::kDup2 && s.fd.is_name() && s.to.is_name() && s.fd.name() != s.to.name() &&
          tcp.contains(s.fd.name())) {
        tcp.insert(s.to.name());
        ++tcp_dup2s;
        EXPECT_TRUE(k + 1 == t.steps.size() || settled(t, k)) << t.name << " step " << k;
      }
    }
  }
  EXPECT_GT(connects, 30U);
  EXPECT_GT(settles, 100U);
  EXPECT_GT(tcp_dup2s, 2U);
}

// What lo0 has carried, as far as the model's loopback TCP sockets show it:
// a step that changes any of this made a segment cross (or dropped a
// connection's last reference) and must be settled on a real host.
using TcpState = std::tuple<bool, bool, bool, std::uint32_t, std::uint32_t, std::uint32_t, bool, bool, bool, bool,
                            model::TcpEnd, model::Errno, std::size_t>;
std::vector<TcpState> tcp_state(const model::Kernel& k) {
  std::vector<TcpState> v;
  for (const model::Socket& s : k.sockets()) {
    if (s.domain != model::SocketDomain::kInet) continue;
    v.emplace_back(s.connected, s.disconnected, s.closed, s.peer, s.rcv.data_bytes, s.snd.data_bytes, s.rcv.cant_more,
                   s.snd.cant_more, s.fin_pending, s.fd_gone, s.tcp_end, s.error, s.completed.size());
  }
  return v;
}

// Whether `ref`, in the process that makes `step`, names a TCP socket in
// the model's descriptor table right now.
bool names_tcp_socket(const sim::Interpreter& interp, const model::Kernel& kernel, const traces::Step& step,
                      const traces::Ref& ref) {
  if (!ref.is_name() || !interp.proc_alive(step.proc)) return false;
  const std::optional<std::int64_t> fd = interp.names(step.proc).lookup(ref.name());
  const model::Process* p = kernel.process(static_cast<model::Pid>(interp.proc_id(step.proc)));
  if (!fd || *fd < 0 || p == nullptr) return false;
  const model::FdEntry* e = p->fds.find(static_cast<std::int32_t>(*fd));
  if (e == nullptr) return false;
  const model::File& f = kernel.files()[e->file];
  return f.type == model::FileType::kSocket && kernel.sockets()[f.object].domain == model::SocketDomain::kInet;
}

// The same rule checked against the model itself as the campaigns'
// programs run (150 steps, four clients a listener): every step that
// changes a TCP socket's state is settled, whatever name it used - also a
// name that reaches the socket through a number main closed and a later call
// took (15.1 seed 40 p00285: a dup of a closed file's name, whose number a
// TCP client held, wrote 512 bytes unsettled), and a step that drops a
// socket's last reference through no name of it (a child's exit, an exec,
// the close of a process descriptor). Not checked: socket, listen and
// accept (no segment), kevent, and the sleeps themselves (TIME_WAIT ends).
struct SettleCounts {
  std::size_t moved = 0, through_other_names = 0, through_no_name = 0;
  std::size_t tcp_shutdowns_done = 0;  // shutdowns that succeeded on a TCP socket
};

SettleCounts check_every_move_settles(bool tcp_teardown) {
  GeneratorOptions o = with_tcp();
  o.tcp_clients_per_listener = 4;
  o.tcp_teardown = tcp_teardown;
  o.steps = 150;
  SettleCounts n;
  std::size_t& moved = n.moved;
  std::size_t& through_other_names = n.through_other_names;
  std::size_t& through_no_name = n.through_no_name;
  for (std::uint64_t i = 0; i < 300; ++i) {
    traces::Trace t = generate_program(trace_seed(40, i), o);
    t.dialect = "freebsd-15.1";
    sim::ModelBackend backend(*model::find_profile(t.dialect));
    sim::Interpreter interp(t, backend);
    std::set<std::string> tcp;  // names the generator made TCP sockets with, for the counts only
    for (std::size_t k = 0; k < t.steps.size(); ++k) {
      const traces::Step& s = t.steps[k];
      const bool by_name = names_tcp_socket(interp, backend.kernel(), s, s.fd) ||
                           (s.op == Op::kDup2 && names_tcp_socket(interp, backend.kernel(), s, s.to));
      const std::vector<TcpState> before = tcp_state(backend.kernel());
      bool done = false;
      if (!interp.run_next(s, [&](const sim::StepOutcome& out) { done = !out.skipped && out.actual.err == model::Errno::kNone; })) break;
      n.tcp_shutdowns_done += s.op == Op::kShutdown && by_name && done ? 1 : 0;
      if (s.op == Op::kSocket && s.sock->domain == model::SocketDomain::kInet) tcp.insert(s.as[0]);
      if ((s.op == Op::kAccept || s.op == Op::kDup) && s.fd.is_name() && tcp.contains(s.fd.name())) tcp.insert(s.as[0]);
      const bool exempt = s.op == Op::kSocket || s.op == Op::kListen || s.op == Op::kAccept || s.op == Op::kKevent ||
                          s.op == Op::kSleep;
      std::vector<TcpState> after = tcp_state(backend.kernel());
      after.resize(before.size());  // a socket made by this step is not a segment
      if (exempt || after == before) continue;
      EXPECT_TRUE(k + 1 == t.steps.size() || settled(t, k))
          << "program " << i << " (" << t.name << ") step " << k << " " << traces::op_name(s.op);
      ++moved;
      through_other_names += by_name && s.fd.is_name() && !tcp.contains(s.fd.name()) ? 1 : 0;
      through_no_name += by_name ? 0 : 1;
    }
  }
  return n;
}

TEST(TcpPrograms, EveryStepThatMovesATcpSocketSettles) {
  const SettleCounts n = check_every_move_settles(false);
  // The cases this test is for occur (291, 37 and 9 when written).
  EXPECT_GT(n.moved, 200U);
  EXPECT_GT(n.through_other_names, 5U);
  EXPECT_GT(n.through_no_name, 3U);
}

// GeneratorOptions::tcp_teardown (kqcheck --tcp-teardown): the same rule
// holds when shutdowns, closes and I/O aim at TCP connections, and far more
// shutdowns then reach one.
TEST(TcpPrograms, TeardownSettlesAndReachesTcpShutdowns) {
  const SettleCounts off = check_every_move_settles(false);
  const SettleCounts on = check_every_move_settles(true);
  EXPECT_GT(on.moved, off.moved);
  EXPECT_GT(on.tcp_shutdowns_done, 2 * off.tcp_shutdowns_done + 10);  // 45 and 13 when written
}

// GeneratorOptions::tcp_clients_per_listener (kqcheck --tcp-clients): a
// listener may take a later client by its port too, up to the limit, never
// past it; the default of one is the test above.
TEST(TcpPrograms, LaterClientsUpToTheLimit) {
  GeneratorOptions o = with_tcp();
  o.tcp_clients_per_listener = 3;
  o.steps = 150;  // as the VM campaigns: a listener rarely meets a second client in fifty steps
  std::size_t later = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    const traces::Trace t = generate_program(trace_seed(21, i), o);
    std::set<std::string> tcp;
    std::map<std::string, std::size_t> clients;
    for (std::size_t k = 0; k < t.steps.size(); ++k) {
      const traces::Step& s = t.steps[k];
      if (s.op == Op::kSocket && s.sock->domain == model::SocketDomain::kInet) tcp.insert(s.as[0]);
      if (s.op != Op::kConnect || !s.fd.is_name() || !tcp.contains(s.fd.name()) || s.sock->port_of == s.fd.name()) continue;
      const std::size_t n = ++clients[s.sock->port_of];
      EXPECT_LE(n, 3U) << t.name << " step " << k;
      later += n > 1 ? 1 : 0;
    }
  }
  EXPECT_GT(later, 20U);
}

// Every program runs on each dialect with its invariants and properties
// (the first runs found a listener's close that kept its unaccepted
// connection's data: regressions/tcp-listener-close-frees-unaccepted-data).
TEST(TcpPrograms, RunCleanOnTheModel) {
  for (const model::DialectProfile& profile : model::all_profiles()) {
    ModelUnderTest m;
    m.profile = &profile;
    GeneratorOptions o = with_tcp();
    o.recv_waitall = !profile.unix_stream_receive_generic;  // as kqcheck: R27's sleep on 13.2
    for (std::uint64_t i = 0; i < 300; ++i) {
      o.tcp_clients_per_listener = i % 2 == 0 ? 1 : 4;  // later clients meet full queues (R38)
      traces::Trace t = generate_program(trace_seed(7, i), o);
      t.dialect = profile.name;
      const auto failure = run_with_properties(t, m);
      EXPECT_FALSE(failure.has_value()) << profile.name << " program " << i << ": " << failure->message;
    }
  }
}

}  // namespace
}  // namespace kqsim::check

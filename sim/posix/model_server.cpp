// The model server's connections: every thread of every process of the
// program has its own, so calls never share a socket. The server answers
// them one at a time (the model is a sequential kernel). In Blocking::kWait
// a call the model cannot complete yet is parked and answered once another
// connection's call completes it - the way a sleeping thread is woken -
// so which waiter wakes first is decided by the model, never by timing.
#include "sim/posix/model_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "model/dialect_profile.hpp"
#include "sim/posix/fd_passing.hpp"
#include "sim/posix/model_rpc.hpp"
#include "sim/posix/model_service.hpp"

namespace kqsim::posix {
namespace {

using Clock = std::chrono::steady_clock;

struct Connection {
  int fd = -1;
  std::int32_t pid = -1;  // the model process it speaks for
  bool call = false;      // a thread's call connection; false: a process's root
  bool dead = false;
  bool parked = false;
  std::uint64_t park_order = 0;
  RpcRequest parked_call;        // a kevent's changes already applied
  std::int64_t deadline_ns = -1; // timed kevent: virtual deadline; -1 infinite wait
  Clock::time_point give_up;     // the real-time bound of the wait
};

// How long a parked call may wait in real time (KQSIM_WAIT_MS, default 10 s).
std::chrono::milliseconds wait_bound() {
  static const long ms = [] {
    const char* v = std::getenv("KQSIM_WAIT_MS");
    return v != nullptr && std::atol(v) > 0 ? std::atol(v) : 10'000L;
  }();
  return std::chrono::milliseconds(ms);
}

bool is_timed_wait(const RpcRequest& q) {
  return q.op == RpcOp::kKevent && q.nevents > 0 && q.has_timeout && (q.timeout_sec != 0 || q.timeout_nsec != 0) &&
         q.timeout_sec >= 0 && q.timeout_sec <= INT32_MAX && q.timeout_nsec >= 0 && q.timeout_nsec < 1'000'000'000;
}

bool blocked(const RpcReply& r) { return r.completion == static_cast<std::uint8_t>(model::Completion::kBlockedForever); }

class Server {
 public:
  Server(int fd, const model::DialectProfile& profile, Blocking blocking) : service_(profile, blocking == Blocking::kWait), blocking_(blocking) {
    auto first = std::make_unique<Connection>();
    first->fd = fd;
    conns_.push_back(std::move(first));
  }

  [[noreturn]] void run() {
    while (!conns_.empty()) {
      poll_once();
      bury_dead();
      settle();
    }
    service_.finish();
    _exit(0);
  }

 private:
  void poll_once() {
    std::vector<pollfd> fds;
    for (const auto& c : conns_) fds.push_back({c->fd, static_cast<short>(c->parked ? 0 : POLLIN), 0});
    if (poll(fds.data(), fds.size(), poll_timeout_ms()) <= 0) return;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if ((fds[i].revents & POLLIN) != 0) {
        receive(*conns_[i]);
      } else if ((fds[i].revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
        conns_[i]->dead = true;
      }
    }
  }

  int poll_timeout_ms() const {
    std::optional<Clock::time_point> next;
    for (const auto& c : conns_) {
      if (c->parked && (!next || c->give_up < *next)) next = c->give_up;
    }
    if (!next) return -1;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
  }

  void receive(Connection& c) {
    auto q = std::make_unique<RpcRequest>();
    if (recv(c.fd, q.get(), sizeof *q, 0) != static_cast<ssize_t>(sizeof *q)) {
      c.dead = true;
      return;
    }
    if (c.pid < 0) c.pid = q->pid;
    if (q->op == RpcOp::kConnect) return connect(c, *q);
    if (blocking_ == Blocking::kReport) return reply(c, service_.answer(*q));
    start_call(c, *q);
  }

  // A new connection for a thread (or a forked child's root); its client end
  // travels back in the reply.
  void connect(Connection& c, const RpcRequest& q) {
    int sv[2];
    RpcReply r;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
      r.ret = -1;
      return reply(c, r);
    }
    auto n = std::make_unique<Connection>();
    n->fd = sv[0];
    n->pid = static_cast<std::int32_t>(q.a);
    n->call = q.b != 0;
    conns_.push_back(std::move(n));
    if (!send_with_fd(c.fd, &r, sizeof r, sv[1])) c.dead = true;
    close(sv[1]);
  }

  void reply(Connection& c, const RpcReply& r) {
    if (send(c.fd, &r, sizeof r, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof r)) c.dead = true;
  }

  // kqueue_scan sleeping with a timeout: while another thread or process
  // could still act, the wait is parked instead of jumping the clock.
  void start_call(Connection& c, RpcRequest& q) {
    if (is_timed_wait(q) && others_running(&c)) {
      RpcReply would = service_.try_answer(q);
      if (!blocked(would) && would.ret == 0 && would.nevents == 0) {
        RpcRequest poll_now = q;
        poll_now.timeout_sec = poll_now.timeout_nsec = 0;
        RpcReply now = service_.answer(poll_now);
        if (now.ret != 0 || blocked(now)) return reply(c, now);
        const std::int64_t wait_ns = q.timeout_sec * 1'000'000'000 + q.timeout_nsec;
        return park(c, q, service_.now_ns() + wait_ns, std::min<Clock::duration>(std::chrono::nanoseconds(wait_ns), wait_bound()));
      }
    }
    RpcReply r = service_.answer(q);
    if (blocked(r)) return park(c, q, -1, wait_bound());
    reply(c, r);
  }

  void park(Connection& c, const RpcRequest& q, std::int64_t deadline_ns, Clock::duration bound) {
    c.parked = true;
    c.park_order = next_park_++;
    c.parked_call = q;
    c.parked_call.nchanges = 0;  // applied when the call began
    c.deadline_ns = deadline_ns;
    c.give_up = Clock::now() + bound;
  }

  void finish(Connection& c, const RpcReply& r) {
    c.parked = false;
    reply(c, r);
  }

  // Whether a connection other than `self` could still make a call: a thread
  // not waiting, or a forked child that has not spoken yet.
  bool others_running(const Connection* self) const {
    for (const auto& c : conns_) {
      if (c.get() == self || c->dead || c->parked || c->pid < 0 || !service_.alive(c->pid)) continue;
      if (c->call || !has_call_connection(c->pid)) return true;
    }
    return false;
  }

  bool has_call_connection(std::int32_t pid) const {
    return std::any_of(conns_.begin(), conns_.end(), [&](const auto& c) { return c->call && !c->dead && c->pid == pid; });
  }

  std::vector<Connection*> parked_in_order() {
    std::vector<Connection*> out;
    for (const auto& c : conns_) {
      if (c->parked && !c->dead) out.push_back(c.get());
    }
    std::sort(out.begin(), out.end(), [](const Connection* a, const Connection* b) { return a->park_order < b->park_order; });
    return out;
  }

  // The oldest parked call the model can now complete completes.
  bool wake_one() {
    for (Connection* c : parked_in_order()) {
      if (c->deadline_ns >= 0) {
        RpcRequest poll_now = c->parked_call;
        poll_now.timeout_sec = poll_now.timeout_nsec = 0;
        // Tried on a copy first: a poll that finds nothing is not a call
        // the program made (nor a step of its trace).
        RpcReply would = service_.try_answer(poll_now);
        if (would.ret != 0 || blocked(would)) return finish(*c, service_.answer(poll_now)), true;
        continue;
      }
      RpcReply r = service_.answer(c->parked_call);
      if (!blocked(r)) return finish(*c, r), true;
    }
    return false;
  }

  // The rest of a timed wait on the model's clock.
  void finish_timed(Connection& c) {
    RpcRequest q = c.parked_call;
    const std::int64_t left = std::max<std::int64_t>(0, c.deadline_ns - service_.now_ns());
    q.timeout_sec = left / 1'000'000'000;
    q.timeout_nsec = left % 1'000'000'000;
    finish(c, service_.answer(q));
  }

  bool give_up_overdue() {
    const auto now = Clock::now();
    for (Connection* c : parked_in_order()) {
      if (c->give_up > now) continue;
      if (c->deadline_ns >= 0) {
        finish_timed(*c);
      } else {
        finish(*c, service_.answer(c->parked_call));  // still blocked: reported so
      }
      return true;
    }
    return false;
  }

  // Everyone waits: the timed wait due first on the model's clock ends (the
  // clock jumps there); with none, no call can ever wake the others.
  bool nobody_running() {
    std::vector<Connection*> parked = parked_in_order();
    if (parked.empty() || others_running(nullptr)) return false;
    Connection* first = nullptr;
    for (Connection* c : parked) {
      if (c->deadline_ns >= 0 && (first == nullptr || c->deadline_ns < first->deadline_ns)) first = c;
    }
    if (first != nullptr) {
      finish_timed(*first);
      return true;
    }
    for (Connection* c : parked) finish(*c, service_.answer(c->parked_call));
    return true;
  }

  void settle() {
    while (wake_one() || give_up_overdue() || nobody_running()) bury_dead();
    bury_dead();
  }

  // A process whose every connection closed without exit(2) is gone.
  void bury_dead() {
    std::vector<std::int32_t> gone;
    for (auto it = conns_.begin(); it != conns_.end();) {
      if (!(*it)->dead) {
        ++it;
        continue;
      }
      close((*it)->fd);
      gone.push_back((*it)->pid);
      it = conns_.erase(it);
    }
    for (std::int32_t pid : gone) {
      bool left = std::any_of(conns_.begin(), conns_.end(), [&](const auto& c) { return c->pid == pid; });
      if (!left && pid >= 0 && blocking_ == Blocking::kWait) service_.vanished(pid);
    }
  }

  std::vector<std::unique_ptr<Connection>> conns_;
  ModelService service_;
  Blocking blocking_;
  std::uint64_t next_park_ = 0;
};

}  // namespace

ModelServer start_model_server(const std::string& dialect, Blocking blocking) {
  const model::DialectProfile* profile = model::find_profile(dialect);
  if (profile == nullptr) return {};
  active_deviations();  // a bad KQSIM_DEVIATIONS ends the caller here, not the server silently
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) return {};
  pid_t pid = fork();
  if (pid < 0) return {};
  if (pid == 0) {
    // Holding the caller's descriptors would keep its pipes and channels open.
    for (int fd = 0; fd < 4096; ++fd) {
      if (fd != sv[1]) close(fd);
    }
    Server(sv[1], *profile, blocking).run();
  }
  close(sv[1]);
  return {sv[0], pid};
}

}  // namespace kqsim::posix

#include "check/program_generator.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "check/aio_steps.hpp"
#include "check/fs_steps.hpp"
#include "check/prng.hpp"
#include "check/tcp_settling.hpp"
#include "model/kevent_constants.hpp"
#include "model/kqueue.hpp"
#include "model/net_constants.hpp"

namespace kqsim::check {
namespace {

using traces::Change;
using traces::Op;
using traces::Ref;
using traces::Step;

namespace ev = model::ev;
namespace filt = model::filt;
namespace note = model::note;

struct Weighted {
  std::uint32_t weight;
  Op op;
};

// kOpen stands for every file-system action (fs_steps.cpp), kAioRead for
// every aio action (aio_steps.cpp).
constexpr std::array<Weighted, 22> kOps{{
    {5, Op::kKqueue}, {6, Op::kPipe},     {12, Op::kWrite}, {8, Op::kRead}, {5, Op::kClose},
    {3, Op::kDup},    {2, Op::kDup2},     {40, Op::kKevent}, {4, Op::kSleep}, {3, Op::kFork},
    {1, Op::kExec},   {3, Op::kKill},     {2, Op::kSigaction}, {1, Op::kWait},
    {4, Op::kSocketpair}, {1, Op::kListen}, {2, Op::kConnect}, {2, Op::kAccept}, {2, Op::kShutdown},
    {2, Op::kSetsockopt}, {14, Op::kOpen}, {8, Op::kAioRead},
}};

// With GeneratorOptions::with_extra_calls, drawn from beside kOps.
constexpr std::array<Weighted, 6> kExtraOps{{
    {3, Op::kPoll}, {2, Op::kSelect}, {3, Op::kFcntl}, {2, Op::kRecv}, {2, Op::kSend}, {1, Op::kUtimes},
}};

template <std::size_t N>
constexpr std::uint32_t total_weight(const std::array<Weighted, N>& ops) {
  std::uint32_t total = 0;
  for (const Weighted& w : ops) total += w.weight;
  return total;
}
constexpr std::uint32_t kOpWeights = total_weight(kOps);
constexpr std::uint32_t kExtraOpWeights = total_weight(kExtraOps);

// Ops laid out by draw: draw r picks the op whose weight's range holds r.
template <std::size_t kDraws, std::size_t N>
constexpr void lay_out(std::array<Op, kDraws>& ops, std::size_t& r, const std::array<Weighted, N>& table) {
  for (const Weighted& w : table) {
    for (std::uint32_t i = 0; i < w.weight; ++i) ops[r++] = w.op;
  }
}
constexpr std::array<Op, kOpWeights> kOpByDraw = [] {
  std::array<Op, kOpWeights> ops{};
  std::size_t r = 0;
  lay_out(ops, r, kOps);
  return ops;
}();
constexpr std::array<Op, kOpWeights + kExtraOpWeights> kOpByDrawWithExtras = [] {
  std::array<Op, kOpWeights + kExtraOpWeights> ops{};
  std::size_t r = 0;
  lay_out(ops, r, kOps);
  lay_out(ops, r, kExtraOps);
  return ops;
}();

constexpr std::array<std::uint32_t, 6> kProcNotes{
    note::kExit, note::kExit | note::kFork, note::kFork | note::kExec, note::kTrack | note::kFork | note::kExit,
    note::kTrack, 0,
};

constexpr std::array<std::int32_t, 2> kSignals{30, 31};  // SIGUSR1, SIGUSR2

constexpr std::array<model::EventFlags, 12> kFlagChoices{
    ev::kAdd, ev::kAdd | ev::kClear, ev::kAdd | ev::kOneshot, ev::kAdd | ev::kDispatch, ev::kDelete, ev::kEnable,
    ev::kDisable, ev::kForceOneshot, ev::kAdd | ev::kReceipt, ev::kAdd | ev::kDisable, ev::kAdd | ev::kDelete, 0,
};

constexpr std::array<std::int64_t, 7> kWriteSizes{1, 3, 100, 512, 4096, 20000, 70000};
// Without the host OS's corners: writes that never fill a pipe (16 KiB on
// FreeBSD before it grows) nor an AF_UNIX socket (8 KiB on FreeBSD, far more on Linux).
constexpr std::size_t kSmallWriteSizes = 4;
constexpr std::array<std::int64_t, 4> kReadSizes{1, 10, 512, 65536};
// The most steps one action appends: a TCP client bound to a fixed port
// (socket, setsockopt, bind, connect, settling sleep: five); opening a
// directory (open, dup2, close) and watching it, laying out the file system
// (four).
constexpr std::size_t kLongestAction = 5;

class Generator {
 public:
  Generator(std::uint64_t seed, const GeneratorOptions& o) : rng_(seed), options_(o), tcp_(o.with_tcp) {
    if (!o.freebsd_extensions) fs_.without_revoke_and_unmount();
    if (!o.host_os_corners) fs_.without_fifo_truncate();
    if (!o.with_unmount) fs_.without_unmount();
    if (!o.with_aio_run) aio_.without_aio_run();
    if (o.with_existing_files) fs_.with_existing_files();
    if (o.with_forced_unmounts) fs_.with_forced_unmounts();
    if (o.with_reopens) fs_.with_reopens();
    if (o.with_aio_sigevent_fds) aio_.with_sigevent_fds();
    // Room for the names a fifty-step program usually holds at once: the
    // pools would otherwise reallocate as they fill (issue 14).
    fds_.reserve(16);
    connected_fds_.reserve(8);
  }

  traces::Trace run(std::uint64_t seed) {
    traces::Trace t = program_header(seed);
    // Steps are built in place: an action of several steps (a listener, a
    // directory's open, an aio request) appends them all, and what runs
    // past the program's length is cut at the end. Room for the longest
    // action is reserved so that a step being filled never moves.
    t.steps.reserve(options_.steps + kLongestAction);
    out_ = &t.steps;
    while (t.steps.size() < options_.steps) {
      [[maybe_unused]] const std::size_t before = t.steps.size();
      next_step();
      assert(t.steps.size() <= before + kLongestAction && "Generator: an action longer than kLongestAction");
    }
    t.steps.erase(t.steps.begin() + static_cast<std::ptrdiff_t>(options_.steps), t.steps.end());
    for (std::size_t i = 0; i < t.steps.size(); ++i) t.steps[i].index = i;
    return t;
  }

  // run()'s steps handed out one action at a time: an action's steps are
  // final once next_step returns (nothing later looks back at them), so the
  // program is never held whole.
  void stream(const std::function<bool(const Step&)>& take) {
    // More room than the longest action, as run() has: a step being filled
    // never moves even if an action outgrew kLongestAction by a step.
    std::vector<Step> action;
    action.reserve(2 * kLongestAction);
    out_ = &action;
    std::size_t index = 0;
    while (index < options_.steps) {
      action.clear();
      next_step();
      assert(action.size() <= kLongestAction && "Generator: an action longer than kLongestAction");
      for (Step& s : action) {
        if (index == options_.steps) break;  // cut at the program's length, as run() does
        s.index = index++;
        if (!take(s)) return;
      }
    }
  }

 private:
  // An op by weight: one draw below the total, looked up in kOpByDraw.
  Op pick_op() {
    if (options_.with_extra_calls) return kOpByDrawWithExtras[rng_.below(kOpByDrawWithExtras.size())];
    return kOpByDraw[rng_.below(kOpByDraw.size())];
  }

  const std::string& pick(const std::vector<std::string>& pool) { return pool[rng_.below(pool.size())]; }
  // A new step at the end of the program, filled in place.
  Step& new_step() { return out_->emplace_back(); }
  Ref any_fd() {
    if (!fds_.empty()) return Ref{pick(fds_)};
    return Ref{std::uint64_t{(options_.low_descriptor_numbers ? 3 : 100) + rng_.below(6)}};
  }
  std::size_t write_sizes() const { return options_.host_os_corners ? kWriteSizes.size() : kSmallWriteSizes; }
  static void erase_name(std::vector<std::string>& pool, const std::string& name) {
    pool.erase(std::remove(pool.begin(), pool.end(), name), pool.end());
  }
  static bool among(const std::vector<std::string>& pool, const std::string& name) {
    return std::find(pool.begin(), pool.end(), name) != pool.end();
  }
  // A descriptor to read or write: with one-way pipes, never a pipe's wrong
  // end; without the host OS's corners, never a listening socket.
  Ref io_fd(const std::vector<std::string>& wrong_ends) {
    if (options_.two_way_pipes && options_.host_os_corners) return any_fd();
    auto fits = [&](const std::string& fd) {
      const bool wrong = !options_.two_way_pipes && among(wrong_ends, fd);
      return !wrong && (options_.host_os_corners || !among(listeners_, fd));
    };
    // The same draw as picking from a vector of the names that fit, without
    // copying them (issue 14: a read or write step's cost).
    const auto fitting = static_cast<std::size_t>(std::count_if(fds_.begin(), fds_.end(), fits));
    if (fitting == 0) return Ref{std::uint64_t{100 + rng_.below(6)}};
    std::size_t skip = rng_.below(fitting);
    for (const std::string& fd : fds_) {
      if (fits(fd) && skip-- == 0) return Ref{fd};
    }
    assert(false && "io_fd: fewer fitting names than counted");
    return Ref{std::uint64_t{100}};
  }

  // Without low descriptor numbers a closed name is never used again: its
  // number may hold one of the implementation's own descriptors by then.
  void forget(const std::string& name) {
    // What each name was (a pipe's end, a listener: ever_listeners_) stays
    // known: a child that forked before the close still holds its copy.
    for (std::vector<std::string>* pool : {&fds_, &kqs_, &listeners_, &connected_fds_, &cloexec_, &cponfork_kqs_, &tcp_connections_}) {
      erase_name(*pool, name);
    }
    fs_.forget(name);
  }
  void forget_cloexec() {
    const std::vector<std::string> gone = cloexec_;
    for (const std::string& name : gone) forget(name);
  }
  // dup2(from, to): `to` is now what `from` is (a pipe's read or write end).
  void retarget(const Ref& from, const Ref& to) {
    if (!to.is_name() || (from.is_name() && from.name() == to.name())) return;
    const std::string name = to.name();
    const bool read_end = from.is_name() && among(read_ends_, from.name());
    const bool write_end = from.is_name() && among(write_ends_, from.name());
    if (!from.is_name()) return;  // a number above any open: EBADF, `to` unchanged
    retargeted_.push_back(name);  // a child's copy of `to` is still the old file
    for (std::vector<std::string>* pool : {&read_ends_, &write_ends_}) {
      pool->erase(std::remove(pool->begin(), pool->end(), name), pool->end());
    }
    if (read_end) read_ends_.push_back(name);
    if (write_end) write_ends_.push_back(name);
  }

  // Appends one action's steps (one step, or up to kLongestAction).
  void next_step() {
    Step& s = new_step();
    s.op = pick_op();
    if (!pending_exits_.empty() && rng_.chance(20)) return grandchild_exit(s);
    // Children, once forked, sometimes act: close, write or leave.
    if (!children_.empty() && rng_.chance(12)) {
      child_step(s);
      if (options_.with_tcp) settle_tcp(s);
      settle_timers();
      return;
    }
    switch (s.op) {
      case Op::kKqueue: make_kqueue(s); break;
      case Op::kPipe: make_pipe(s); break;
      case Op::kWrite:
        s.fd = io_fd(read_ends_);
        s.bytes = kWriteSizes[rng_.below(write_sizes())];
        aim_at_tcp(s, 20);
        break;
      case Op::kRead:
        s.fd = io_fd(write_ends_);
        s.bytes = kReadSizes[rng_.below(kReadSizes.size())];
        aim_at_tcp(s, 40);
        break;
      case Op::kClose:
        s.fd = rng_.chance(25) && !kqs_.empty() ? Ref{pick(kqs_)} : any_fd();
        aim_at_tcp(s, 10);
        if (s.fd.is_name()) erase_name(tcp_connections_, s.fd.name());  // taken down: aim elsewhere
        if (!options_.low_descriptor_numbers && s.fd.is_name()) forget(s.fd.name());
        if (s.fd.is_name()) {
          tcp_.number_freed(s.fd.name());
        } else {
          tcp_.numbers_freed();  // a number a name not in fds_ (a kqueue's) may hold
        }
        break;
      case Op::kDup: make_dup(s); break;
      case Op::kDup2:
        s.fd = any_fd();
        s.to = any_fd();
        if (!options_.two_way_pipes) retarget(s.fd, s.to);
        break;
      case Op::kKevent: make_kevent(s); break;
      case Op::kSleep: s.sleep_ns = rng_.between(0, 30) * 1'000'000 + rng_.between(0, 999); break;
      case Op::kFork: make_fork(s); break;
      case Op::kExec:
        for (SignalState& st : signals_) st.caught = false;  // execsigs: handlers go
        for (const std::string& name : cloexec_) tcp_.number_freed(name);
        tcp_.numbers_freed();  // and numbers F_SETFD marked through no name
        if (!options_.low_descriptor_numbers) forget_cloexec();
        break;
      case Op::kKill: make_kill(s); break;
      case Op::kSigaction: make_sigaction(s); break;
      case Op::kSocketpair:
        // tcp_teardown: more TCP connections to take down.
        if (options_.tcp_teardown && rng_.chance(50)) {
          make_connect(s);
        } else {
          make_socketpair(s);
        }
        break;
      case Op::kListen: make_listener(s); break;
      case Op::kConnect: make_connect(s); break;
      case Op::kAccept: make_accept(s); break;
      case Op::kShutdown: make_shutdown(s); break;
      case Op::kSetsockopt: make_setsockopt(s); break;
      case Op::kOpen: return make_fs(s);
      case Op::kAioRead: return make_aio(s);
      case Op::kWait: make_wait(s); break;
      case Op::kPoll: make_poll(s); break;
      case Op::kSelect: make_select(s); break;
      case Op::kFcntl: make_fcntl(s); break;
      case Op::kRecv: make_recv(s); break;
      case Op::kSend: make_send(s); break;
      case Op::kUtimes: return make_utimes(s);
      default: break;
    }
    if (options_.with_tcp) settle_tcp(s);
    settle_timers();
  }

  // GeneratorOptions::with_kevent_corners: a sleep after a step that may arm
  // an epoch NOTE_ABSTIME timer (make_abstime_timer), or copy one into a
  // child (a fork with KQUEUE_CPONFORK: filt_timercopy re-arms a fired
  // timer's copy in the past). 20 ms: many ticks, even in a loaded VM.
  void settle_timers() {
    if (!settle_timer_) return;
    settle_timer_ = false;
    Step& sleep = new_step();
    sleep.op = Op::kSleep;
    sleep.sleep_ns = 20'000'000;
  }

  // GeneratorOptions::with_tcp: a settling sleep after a step that may move
  // a TCP socket's state (check/tcp_settling.hpp). `s` is the action's only
  // step here.
  void settle_tcp(Step& s) {
    if (tcp_.settle_after(s, pds_)) new_step_sleep();  // may move the steps: `s` is not used after it
  }

  // GeneratorOptions::tcp_teardown: `s` goes through a TCP connection's name
  // `percent` % of the time.
  void aim_at_tcp(Step& s, std::uint32_t percent) {
    if (options_.tcp_teardown && !tcp_connections_.empty() && rng_.chance(percent)) s.fd = Ref{pick(tcp_connections_)};
  }

  void new_step_sleep() {
    Step& sleep = new_step();
    sleep.op = Op::kSleep;
    sleep.sleep_ns = kTcpSettleNs;
  }

  // The extra calls (GeneratorOptions::with_extra_calls). A zero timeout:
  // poll and select never wait. A kqueue is polled often: kqueue_poll
  // answers from kq_count, knotes queued whether or not still true.
  Ref poll_target() {
    if (!kqs_.empty() && rng_.chance(40)) return Ref{pick(kqs_)};
    if (!dirs_.empty() && rng_.chance(10)) return Ref{pick(dirs_)};
    return any_fd();
  }
  void make_poll(Step& s) {
    namespace pb = model::pollbit;
    static constexpr std::array<std::int16_t, 8> kEvents{
        pb::kIn, pb::kOut, pb::kIn | pb::kOut, pb::kIn | pb::kRdnorm | pb::kOut, pb::kIn | pb::kRdhup,
        pb::kPri | pb::kRdband, pb::kIn | pb::kIgnEof, pb::kWrband};
    s.fd = poll_target();
    s.sock->poll_events = kEvents[rng_.below(kEvents.size())];
    s.sock->timeout = 0;
    if (options_.with_poll_waits) let_poll_wait(s, 1);  // poll's timeout: ms
  }
  void make_select(Step& s) {
    s.fd = poll_target();
    s.sock->select_sets = static_cast<std::uint8_t>(1 + rng_.below(7));  // read 1, write 2, except 4
    s.sock->timeout = 0;
    if (options_.with_poll_waits) let_poll_wait(s, 1000);  // select's timeout: µs
  }
  // GeneratorOptions::with_poll_waits: the poll or select `s` (the action's
  // only step) waits 1 to 20 ms, or a timer wakes it (wake_poll_by_timer).
  void let_poll_wait(Step& s, std::int64_t units_per_ms) {
    const std::uint64_t draw = rng_.below(100);
    if (draw < 15 && wake_poll_by_timer(s, units_per_ms)) return;
    if (draw < 45) s.sock->timeout = static_cast<std::int64_t>(rng_.between(1, 20)) * units_per_ms;
  }
  // `s` becomes a kevent arming a 5 ms one-shot timer on a kqueue, then the
  // poll or select waits on that kqueue for reading (200 ms at most), then a
  // sleep lets the timer fire if the poll did not wait for it. Not on a
  // kqueue named KQUEUE_CPONFORK: a fork would copy the armed timer
  // (filt_timercopy), to fire in the child at a time no step settles.
  bool wake_poll_by_timer(Step& s, std::int64_t units_per_ms) {
    const auto plain = [&](const std::string& kq) { return !among(cponfork_kqs_, kq); };
    const auto n = static_cast<std::size_t>(std::count_if(kqs_.begin(), kqs_.end(), plain));
    if (n == 0) return false;
    std::size_t skip = rng_.below(n);
    const auto kq = std::find_if(kqs_.begin(), kqs_.end(), [&](const std::string& k) { return plain(k) && skip-- == 0; });
    Step wait = s;
    wait.fd = Ref{*kq};
    if (wait.op == Op::kPoll) wait.sock->poll_events |= model::pollbit::kIn;
    if (wait.op == Op::kSelect) wait.sock->select_sets |= 1U;  // the read set
    wait.sock->timeout = 200 * units_per_ms;
    s = Step{};
    s.op = Op::kKevent;
    s.fd = Ref{*kq};
    s.changes.push_back(Change{Ref{kPollWakeTimerIdent}, filt::kTimer, ev::kAdd | ev::kOneshot, 0, 5, 0});
    s.nevents = 0;
    s.timeout = model::Timespec{0, 0};
    // The fired one-shot stays queued: a fork may copy it into a child
    // (the name may by now be a KQUEUE_CPONFORK kqueue's number, after a
    // close or dup2), where filt_timercopy fires it again at once (R46):
    // such forks are settled as for epoch timers (make_fork).
    epoch_timers_ = true;
    out_->push_back(std::move(wait));  // room was reserved: `s` stays where it is
    Step& sleep = new_step();
    sleep.op = Op::kSleep;
    sleep.sleep_ns = 20'000'000;
    return true;
  }
  // F_SETFD decides what a later exec closes (fdcloseexec).
  void make_fcntl(Step& s) {
    s.fd = !kqs_.empty() && rng_.chance(25) ? Ref{pick(kqs_)} : any_fd();
    const bool set = rng_.chance(60);
    s.fcntl_cmd = set ? "F_SETFD" : "F_GETFD";
    s.fcntl_arg = set ? static_cast<std::int32_t>(rng_.below(2)) : 0;
    if (!set || !s.fd.is_name()) return;
    const std::string& name = s.fd.name();
    cloexec_.erase(std::remove(cloexec_.begin(), cloexec_.end(), name), cloexec_.end());
    if (s.fcntl_arg == 1) cloexec_.push_back(name);
  }
  Ref socket_or_any_fd() {
    return connected_fds_.empty() || rng_.chance(15) ? any_fd() : Ref{pick(connected_fds_)};
  }
  // Every socket is non-blocking; MSG_WAITALL only where that keeps it from
  // waiting too (GeneratorOptions::recv_waitall).
  void make_recv(Step& s) {
    namespace mf = model::msgflag;
    static constexpr std::array<std::uint32_t, 5> kFlags{0, mf::kPeek, mf::kDontwait, mf::kPeek | mf::kDontwait, mf::kWaitall};
    s.fd = socket_or_any_fd();
    s.bytes = kReadSizes[rng_.below(kReadSizes.size())];
    aim_at_tcp(s, 40);
    // Nor once a TCP socket exists (any descriptor may then be one: a closed
    // name's number is reused, as for TcpSettling's write cap): on TCP,
    // MSG_WAITALL short of data sleeps on every release (R34), which a real
    // host's recorder waits out to its step timeout, ending the program.
    const bool maybe_tcp = tcp_.any_socket();
    s.sock->msg_flags = kFlags[rng_.below(options_.recv_waitall && !maybe_tcp ? kFlags.size() : kFlags.size() - 1)];
  }
  void make_send(Step& s) {
    namespace mf = model::msgflag;
    static constexpr std::array<std::uint32_t, 4> kFlags{0, mf::kDontwait, mf::kNosignal, mf::kDontwait | mf::kNosignal};
    s.fd = socket_or_any_fd();
    s.bytes = kWriteSizes[rng_.below(write_sizes())];
    s.sock->msg_flags = kFlags[rng_.below(kFlags.size())];
  }
  // utimes(2) of a name in the file system: NOTE_ATTRIB. Its step replaces `s`.
  void make_utimes(Step& s) {
    if (!options_.with_files || fs_.unmounted()) return make_pipe(s);
    out_->pop_back();
    fs_.make_utimes(rng_, *out_);
  }

  // One file-system action: its steps replace `s`, the program's last.
  void make_fs(Step& s) {
    if (!options_.with_files) return make_pipe(s);
    out_->pop_back();
    const std::size_t files = fs_.opened().size();
    const std::size_t dirs = dirs_.size();
    fs_.make(rng_, [this](const char* prefix) { return fresh(prefix); }, fds_, dirs_, *out_);
    // Often watch what was just opened, so vnode knotes meet the hints that follow.
    if (fs_.opened().size() + dirs_.size() > files + dirs && !kqs_.empty() && rng_.chance(60)) {
      const bool dir = dirs_.size() > dirs;
      watch_new_vnode(new_step(), dir ? dirs_.back() : fs_.opened().back(), dir);
    }
  }

  // One aio action: its steps replace `s`, the program's last.
  void make_aio(Step& s) {
    // Every aio action opens its file by name: none after a forced unmount.
    if (!options_.with_aio || !options_.with_files || fs_.unmounted()) return make_pipe(s);
    out_->pop_back();
    aio_.make(rng_, [this](const char* prefix) { return fresh(prefix); }, kqs_, *out_);
  }

  // Sockets are non-blocking so no call can wait; accepted sockets inherit it.
  void make_socketpair(Step& s) {
    if (!options_.with_sockets) return make_pipe(s);
    s.op = Op::kSocketpair;
    // Without the host OS's corners no datagram pairs: Linux's AF_UNIX
    // datagram errnos once the peer is gone are its own (ECONNREFUSED, EPIPE).
    const bool dgram = rng_.chance(30);
    s.sock->type = dgram && options_.host_os_corners ? model::SocketType::kDgram : model::SocketType::kStream;
    s.nonblock = true;
    bind_pair(s, "sa", "sb", connected_fds_, connected_fds_);
  }

  // socket + bind + listen, spread over three steps; a TCP listener is
  // bound by listen(2) itself, to an ephemeral port (in_pcbbind).
  void make_listener(Step& s) {
    if (!options_.with_sockets || listeners_.size() >= 2) return make_socketpair(s);
    s.op = Op::kSocket;
    s.sock->type = model::SocketType::kStream;
    s.nonblock = true;
    const bool tcp = options_.with_tcp && rng_.chance(50);
    s.as = {fresh(tcp ? "t" : "l")};
    fds_.push_back(s.as[0]);
    listeners_.push_back(s.as[0]);
    ever_listeners_.push_back(s.as[0]);
    if (tcp) {
      s.sock->domain = model::SocketDomain::kInet;
      tcp_.socket_made(s.as[0]);
      if (options_.with_fixed_ports && rng_.chance(50)) fixed_ports_[s.as[0]] = bind_fixed_port(new_step(), s.as[0], 0);
      Step& listen = new_step();
      listen.op = Op::kListen;
      listen.fd = Ref{s.as[0]};
      listen.sock->backlog = static_cast<std::int32_t>(rng_.below(3));
      return;
    }
    Step& bind = new_step();  // room was reserved: `s` stays where it is
    bind.op = Op::kBind;
    bind.fd = Ref{s.as[0]};
    bind.sock->name = "kqcheck-" + s.as[0] + ".sock";
    Step& listen = new_step();
    listen.op = Op::kListen;
    listen.fd = Ref{s.as[0]};
    listen.sock->backlog = static_cast<std::int32_t>(rng_.below(3));
  }

  // A fresh client socket, then connect to some listener's name (or none).
  void make_connect(Step& s) {
    if (!options_.with_sockets || listeners_.empty()) return make_listener(s);
    s.op = Op::kSocket;
    s.sock->type = model::SocketType::kStream;  // connecting datagram sockets is not modelled
    s.nonblock = true;
    s.as = {fresh("c")};
    fds_.push_back(s.as[0]);
    connected_fds_.push_back(s.as[0]);
    Step& connect = new_step();
    connect.op = Op::kConnect;
    connect.fd = Ref{s.as[0]};
    const bool to_nobody = rng_.chance(10);
    const std::string listener = to_nobody ? "" : pick_listener();
    if (tcp_.is_socket(listener)) return connect_tcp(s, connect, listener);
    // Without the host OS's corners a listener holds one unaccepted
    // connection at most: how many more a backlog admits is the OS's arithmetic.
    const bool full = !options_.host_os_corners && !to_nobody && unaccepted_[listener] > 0;
    const bool nobody = to_nobody || full;
    connect.sock->name = nobody ? "kqcheck-nobody.sock" : "kqcheck-" + listener + ".sock";
    if (!nobody) ++unaccepted_[listener];
  }

  // A listener to connect to or accept from; with tcp_teardown 70 % of the
  // time a TCP one that may still take a client (connect_tcp: a listener past
  // its clients is a client naming its own port, EADDRNOTAVAIL).
  const std::string& pick_listener() {
    if (!options_.tcp_teardown || !rng_.chance(70)) return pick(listeners_);
    auto open_tcp = [&](const std::string& l) {
      return tcp_.is_socket(l) && tcp_clients_[l] < options_.tcp_clients_per_listener;
    };
    const auto tcp = static_cast<std::size_t>(std::count_if(listeners_.begin(), listeners_.end(), open_tcp));
    if (tcp == 0) return pick(listeners_);
    std::size_t skip = rng_.below(tcp);
    for (const std::string& l : listeners_) {
      if (open_tcp(l) && skip-- == 0) return l;
    }
    return pick(listeners_);
  }

  // The client of a TCP listener, by the port listen(2) gave it, then time
  // for the handshake's last ACK to reach the listener on a real host.
  // A TCP listener takes GeneratorOptions::tcp_clients_per_listener clients
  // in its life (by default one); whether a later one finds the queue full
  // and is reset (R38) is the model's to say, from the backlog and the
  // accepts before it. Clients past the limit name their own port, none:
  // port 0, EADDRNOTAVAIL (in_pcbconnect_setup).
  void connect_tcp(Step& socket, Step& connect, const std::string& listener) {
    socket.sock->domain = model::SocketDomain::kInet;
    tcp_.socket_made(socket.as[0]);
    const bool taken = ++tcp_clients_[listener] > options_.tcp_clients_per_listener;
    // GeneratorOptions::with_fixed_ports: a client of a listener that asked
    // for a fixed port may bind another fixed port and connect to the
    // listener's by number. Never by port_of: the listener's name may by
    // then be a number the client itself holds (the listener closed), whose
    // port would be the client's own - TCP's simultaneous open with itself,
    // which connects (recorded on 15.1, campaign seed 54), and which the
    // model does not model. A client past the limit stays unbound.
    const auto fixed = fixed_ports_.find(listener);
    if (!taken && fixed != fixed_ports_.end() && rng_.chance(50)) {
      bind_fixed_port(connect, socket.as[0], fixed->second);  // `connect` becomes the bind
      Step& by_number = new_step();
      by_number.op = Op::kConnect;
      by_number.fd = Ref{socket.as[0]};
      by_number.sock->port = fixed->second;
      tcp_connections_.push_back(socket.as[0]);
      return new_step_sleep();
    }
    connect.sock->port_of = taken ? socket.as[0] : listener;
    if (!taken) tcp_connections_.push_back(socket.as[0]);
    new_step_sleep();
  }

  // GeneratorOptions::with_fixed_ports: `slot` (the action's last step)
  // becomes bind(2) of the TCP socket `name` to one of the program's fixed
  // ports, after setsockopt(SO_REUSEADDR) 40 % of the time (`slot` is then
  // that, and the bind follows): in_pcbbind_setup's wildcard lookup without
  // it, the exact one with it (R48).
  // Returns the port: never `not_port` (0: any of the program's).
  std::uint16_t bind_fixed_port(Step& slot, const std::string& name, std::uint16_t not_port) {
    Step* bind = &slot;
    if (rng_.chance(40)) {
      slot.op = Op::kSetsockopt;
      slot.fd = Ref{name};
      slot.sock->option = model::SocketOption::kReuseAddr;
      slot.sock->value = 1;
      bind = &new_step();
    }
    bind->op = Op::kBind;
    bind->fd = Ref{name};
    constexpr std::uint16_t kPorts = GeneratorOptions::kFixedPortsPerProgram;
    auto port = static_cast<std::uint16_t>(options_.fixed_port_base + rng_.below(not_port == 0 ? kPorts : kPorts - 1));
    if (not_port != 0 && port >= not_port) ++port;  // the draw skips `not_port`
    bind->sock->port = port;
    return port;
  }

  void make_accept(Step& s) {
    if (!options_.with_sockets || listeners_.empty()) return make_listener(s);
    s.fd = Ref{pick_listener()};
    if (unaccepted_[s.fd.name()] > 0) --unaccepted_[s.fd.name()];
    s.as = {fresh("a")};
    if (tcp_.is_socket(s.fd.name())) {
      tcp_.socket_made(s.as[0]);
      tcp_connections_.push_back(s.as[0]);
    }
    fds_.push_back(s.as[0]);
    connected_fds_.push_back(s.as[0]);
  }

  void make_shutdown(Step& s) {
    if (!options_.with_sockets) return make_pipe(s);
    static constexpr std::array<model::ShutdownHow, 3> kHows{model::ShutdownHow::kRead, model::ShutdownHow::kWrite,
                                                             model::ShutdownHow::kReadWrite};
    s.fd = any_fd();
    s.sock->how = kHows[rng_.below(kHows.size())];
    aim_at_tcp(s, 60);
  }

  void make_setsockopt(Step& s) {
    if (!options_.with_sockets || !options_.low_water_and_revoke) return make_pipe(s);
    s.fd = connected_fds_.empty() || rng_.chance(10) ? any_fd() : Ref{pick(connected_fds_)};
    s.sock->option = rng_.chance(50) ? model::SocketOption::kRcvLowat : model::SocketOption::kSndLowat;
    static constexpr std::array<std::int64_t, 5> kValues{0, 1, 3, 100, 70000};
    s.sock->value = kValues[rng_.below(kValues.size())];
  }

  // A child knows the names its parent had when it forked. It may also
  // exec or fork a grandchild (which only ever exits), for EVFILT_PROC.
  void child_step(Step& s) {
    std::size_t i = rng_.below(children_.size());
    s.proc = children_[i];
    if (!child_kqs_[i].empty() && rng_.chance(40)) return child_kevent(s, i);
    const std::vector<std::string>& inherited = child_fds_[i];
    Ref fd = inherited.empty() ? Ref{std::uint64_t{options_.low_descriptor_numbers ? 3U : 100U}} : Ref{pick(inherited)};
    std::uint64_t what = rng_.below(5);
    if (what == 3) {
      s.op = Op::kExec;
    } else if (what == 4 && all_procs_.size() < 6) {
      s.op = Op::kFork;
      s.as = {fresh("g")};
      all_procs_.push_back(s.as[0]);
      pending_exits_.push_back(s.as[0]);
    } else if (what == 0) {
      s.op = Op::kClose;
      s.fd = fd;
    } else if (what == 1) {
      s.op = Op::kWrite;
      s.fd = fd;
      const bool wrong_end = fd.is_name() && std::find(read_ends_.begin(), read_ends_.end(), fd.name()) != read_ends_.end();
      const bool listener = fd.is_name() && among(ever_listeners_, fd.name());
      const bool moved = fd.is_name() && among(retargeted_, fd.name());
      if ((!options_.two_way_pipes && (wrong_end || moved)) || (!options_.host_os_corners && listener)) s.op = Op::kClose;
      s.bytes = kWriteSizes[rng_.below(3)];
    } else {
      s.op = Op::kExit;
      s.exit_status = exit_status();
      forget_child(i);
    }
  }

  // A child that exited or was killed: no step may name it as its process.
  void forget_child(std::size_t i) {
    children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
    child_fds_.erase(child_fds_.begin() + static_cast<std::ptrdiff_t>(i));
    child_kqs_.erase(child_kqs_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  // GeneratorOptions::with_process_deaths: half the exits carry a status
  // (exit1's W_EXITCODE, which NOTE_EXIT reports); 0 otherwise.
  std::int32_t exit_status() {
    static constexpr std::array<std::int32_t, 3> kStatuses{1, 3, 255};
    if (!options_.with_process_deaths || rng_.chance(50)) return 0;
    return kStatuses[rng_.below(kStatuses.size())];
  }

  // A grandchild's one step: it exits.
  void grandchild_exit(Step& s) {
    s.op = Op::kExit;
    s.proc = pending_exits_.back();
    s.exit_status = exit_status();
    pending_exits_.pop_back();
    if (options_.with_tcp) settle_tcp(s);
  }

  // waitpid with WNOHANG only: a blocking wait on a running child would
  // never return in a sequential program.
  void make_wait(Step& s) {
    if (all_procs_.size() < 2) return make_fork(s);
    s.target = pick(all_procs_);
    if (s.target == "main") s.target = all_procs_.back();
    s.nohang = true;
  }

  std::string fresh(const char* prefix) {
    std::string name = prefix + std::to_string(next_name_++);
    tcp_.name_made(name);
    return name;
  }

  // EVFILT_READ on a directory is not modelled: directories get EVFILT_VNODE only.
  void watch_new_vnode(Step& s, const std::string& name, bool dir) {
    s.op = Op::kKevent;
    s.fd = Ref{pick(kqs_)};
    Change c;
    c.ident = Ref{name};
    c.filter = filt::kVnode;
    static constexpr std::array<model::EventFlags, 4> kAdd{ev::kAdd, ev::kAdd | ev::kClear, ev::kAdd | ev::kOneshot,
                                                           ev::kAdd | ev::kDispatch};
    c.flags = kAdd[rng_.below(kAdd.size())];
    c.fflags = FsStepMaker::vnode_fflags(rng_, options_.freebsd_extensions, options_.low_water_and_revoke,
                                         options_.with_reopens);
    s.changes.reserve(2);
    s.changes.push_back(c);
    if (!dir && rng_.chance(50)) {
      c.filter = rng_.chance(70) ? filt::kRead : filt::kWrite;
      c.fflags = options_.freebsd_extensions && rng_.chance(20) ? note::kFilePoll : 0;
      s.changes.push_back(c);
    }
    s.nevents = static_cast<std::int32_t>(rng_.below(4));
    s.timeout = model::Timespec{0, 0};
  }

  void make_kqueue(Step& s) {
    if (kqs_.size() >= 3) return make_pipe(s);
    s.op = Op::kKqueue;
    s.as = {fresh("kq")};
    if (options_.with_kqueuex && rng_.chance(10)) s.kqueue_flags = model::kqflag::kCloexec;
    if (s.kqueue_flags & model::kqflag::kCloexec) cloexec_.push_back(s.as[0]);
    if (options_.with_cponfork && options_.with_kqueuex && rng_.chance(50)) {
      s.kqueue_flags |= model::kqflag::kCponfork;
      cponfork_kqs_.push_back(s.as[0]);
    }
    kqs_.push_back(s.as[0]);
  }

  // A dup of a pipe's end is that end too, and a dup of a TCP socket a TCP
  // name (TcpSettling::copied).
  void make_dup(Step& s) {
    s.fd = any_fd();
    s.as = {fresh("d")};
    fds_.push_back(s.as[0]);
    if (!s.fd.is_name()) return;
    for (std::vector<std::string>* ends : {&read_ends_, &write_ends_}) {
      if (std::find(ends->begin(), ends->end(), s.fd.name()) != ends->end()) ends->push_back(s.as[0]);
    }
    tcp_.copied(s.fd, Ref{s.as[0]});
  }

  void make_pipe(Step& s) {
    s.op = Op::kPipe;
    s.nonblock = true;  // a blocking pipe call could wait forever
    bind_pair(s, "r", "w", read_ends_, write_ends_);
  }

  // A call that returns two descriptors (pipe, socketpair): fresh names for
  // both, close-on-exec one time in ten, appended to `first` and `second`.
  void bind_pair(Step& s, const char* a, const char* b, std::vector<std::string>& first, std::vector<std::string>& second) {
    s.cloexec = rng_.chance(10);
    s.as = {fresh(a), fresh(b)};
    if (s.cloexec) cloexec_.insert(cloexec_.end(), {s.as[0], s.as[1]});
    fds_.push_back(s.as[0]);
    fds_.push_back(s.as[1]);
    first.push_back(s.as[0]);
    second.push_back(s.as[1]);
  }

  // Signals go to main only once main catches, ignores or blocks them, so a
  // default action never ends the process the rest of the program runs in.
  void make_sigaction(Step& s) {
    if (!options_.with_signals) return make_pipe(s);
    s.signo = kSignals[rng_.below(kSignals.size())];
    if (rng_.chance(30)) {
      s.op = Op::kSigprocmask;
      s.block = true;
    } else {
      s.op = Op::kSigaction;
      s.sig_action = rng_.chance(50) ? 1 : 2;  // ignore or catch, never back to default
    }
    SignalState& st = signals_[s.signo == kSignals[0] ? 0 : 1];
    if (s.op == Op::kSigprocmask) {
      st.blocked = true;
    } else {
      st.ignored = s.sig_action == 1;
      st.caught = s.sig_action == 2;
    }
  }

  void make_kill(Step& s) {
    if (!options_.with_signals) return make_pipe(s);
    if (options_.with_process_deaths && !children_.empty() && rng_.chance(40)) return kill_child(s);
    if (options_.with_pdfork_deaths && !pd_children_.empty() && rng_.chance(40)) return kill_pdfork_child(s);
    std::vector<std::int32_t> safe;
    for (std::size_t i = 0; i < kSignals.size(); ++i) {
      if (signals_[i].blocked || signals_[i].ignored || signals_[i].caught) safe.push_back(kSignals[i]);
    }
    if (safe.empty()) return make_sigaction(s);
    s.target = "main";
    s.signo = safe[rng_.below(safe.size())];
  }

  // GeneratorOptions::with_process_deaths: main kills a fork child with a
  // signal whose default action ends it (no program step changes SIGTERM's
  // or SIGKILL's disposition), so exit1 runs with the signal for status.
  void kill_child(Step& s) {
    static constexpr std::array<std::int32_t, 2> kDeadly{15, 9};  // SIGTERM, SIGKILL
    const std::size_t i = rng_.below(children_.size());
    s.target = children_[i];
    s.signo = kDeadly[rng_.below(kDeadly.size())];
    forget_child(i);
  }
  // GeneratorOptions::with_pdfork_deaths: the same for a pdfork child, which
  // runs no step of its own, so nothing later acts in it; its name stays for
  // EVFILT_PROC and waitpid.
  void kill_pdfork_child(Step& s) {
    static constexpr std::array<std::int32_t, 2> kDeadly{15, 9};  // SIGTERM, SIGKILL
    const std::size_t i = rng_.below(pd_children_.size());
    s.target = pd_children_[i];
    s.signo = kDeadly[rng_.below(kDeadly.size())];
    pd_children_.erase(pd_children_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  void make_fork(Step& s) {
    if (!options_.with_fork || children_.size() >= 2 || all_procs_.size() >= 6) {
      s.op = Op::kSleep;
      s.sleep_ns = 1'000'000;
      return;
    }
    if (options_.freebsd_extensions && rng_.chance(30)) return make_pdfork(s);
    s.op = Op::kFork;
    s.as = {fresh("child")};
    children_.push_back(s.as[0]);
    if (epoch_timers_ && !cponfork_kqs_.empty()) settle_timer_ = true;
    child_fds_.push_back(fds_);
    child_kqs_.push_back(cponfork_kqs_);  // the child's copies (model/kqueue_fork.cpp)
    all_procs_.push_back(s.as[0]);
  }

  // A pdfork child never acts itself: closing its descriptor (close, dup2,
  // exec) may kill it at any point, and a step of a dead process is an
  // error in a trace.
  void make_pdfork(Step& s) {
    s.op = Op::kPdfork;
    s.as = {fresh("p"), fresh("pd")};
    if (rng_.chance(20)) s.pd_flags = model::pdflag::kDaemon;
    if (rng_.chance(10)) s.pd_flags |= model::pdflag::kCloexec;
    if (s.pd_flags & model::pdflag::kCloexec) cloexec_.push_back(s.as[1]);
    all_procs_.push_back(s.as[0]);
    if (options_.with_pdfork_deaths) pd_children_.push_back(s.as[0]);
    fds_.push_back(s.as[1]);
    pds_.push_back(s.as[1]);
  }

  Change make_change() {
    Change c;
    static constexpr std::array<model::FilterId, 15> kFilters{
        filt::kRead,  filt::kWrite, filt::kUser, filt::kTimer,    filt::kRead,  filt::kUser,  filt::kEmpty,
        filt::kSignal, filt::kProc, filt::kProcdesc, filt::kVnode, filt::kVnode, filt::kVnode, filt::kAio, -100};
    c.filter = rng_.chance(2) ? model::FilterId{0} : kFilters[rng_.below(kFilters.size())];
    if (c.filter == filt::kSignal && !options_.with_signals) c.filter = filt::kUser;
    if ((c.filter == filt::kProc || c.filter == filt::kProcdesc) && !options_.with_fork) c.filter = filt::kUser;
    if (c.filter == filt::kVnode && !options_.with_files) c.filter = filt::kRead;
    if (c.filter == filt::kAio && aio_.aiocbs().empty()) c.filter = filt::kUser;
    if (!options_.freebsd_extensions && (c.filter == filt::kProcdesc || c.filter == filt::kEmpty)) c.filter = filt::kRead;
    const bool fd_based = c.filter == filt::kRead || c.filter == filt::kWrite || c.filter == filt::kEmpty;
    if (c.filter == filt::kProc) {
      c.ident = rng_.chance(5) ? Ref{std::uint64_t{999999}} : Ref{pick(all_procs_)};
    } else if (c.filter == filt::kProcdesc) {
      c.ident = !pds_.empty() && rng_.chance(80) ? Ref{pick(pds_)} : any_fd();
    } else if (c.filter == filt::kVnode) {
      if (!dirs_.empty() && rng_.chance(35)) {
        c.ident = Ref{pick(dirs_)};
      } else {
        c.ident = !fs_.opened().empty() && rng_.chance(80) ? Ref{pick(fs_.opened())} : any_fd();
      }
    } else if (fd_based) {
      c.ident = (c.filter == filt::kRead && !kqs_.empty() && rng_.chance(15)) ? Ref{pick(kqs_)} : any_fd();
      if (!fs_.opened().empty() && rng_.chance(25)) c.ident = Ref{pick(fs_.opened())};
    } else if (c.filter == filt::kAio) {
      // An aiocb's knote can be modified or deleted; a new one is EPERM.
      c.ident = Ref{pick(aio_.aiocbs())};
    } else if (c.filter == filt::kSignal) {
      c.ident = Ref{static_cast<std::uint64_t>(rng_.chance(90) ? kSignals[rng_.below(2)] : 0)};
      if (options_.with_process_deaths && rng_.chance(25)) c.ident = Ref{std::uint64_t{20}};  // SIGCHLD
    } else {
      c.ident = Ref{std::uint64_t{1 + rng_.below(3)}};
    }
    c.flags = kFlagChoices[rng_.below(kFlagChoices.size())];
    if (rng_.chance(5)) c.flags = static_cast<model::EventFlags>(rng_.next() & 0xC3FF);
    // EV_FORCEONESHOT (0x100) and EV_KEEPUDATA (0x200) are FreeBSD's alone.
    if (!options_.freebsd_extensions) c.flags &= static_cast<model::EventFlags>(~(ev::kForceOneshot | ev::kKeepUdata));
    c.fflags = make_fflags(c.filter);
    c.data = c.filter == filt::kTimer ? rng_.between(-1, 25) : rng_.between(0, 4);
    if (options_.stable_timers && c.filter == filt::kTimer && c.data >= 0) c.data = stable_timer_period(c.fflags, c.data);
    c.udata = rng_.below(4);
    if (options_.with_kevent_corners) add_kevent_corner(c);
    return c;
  }

  // GeneratorOptions::with_kevent_corners, drawn after everything else so
  // that the rest of the change is what it would have been.
  void add_kevent_corner(Change& c) {
    if (c.filter == filt::kTimer && rng_.chance(35)) make_abstime_timer(c);
    if (c.filter == filt::kSignal && rng_.chance(20)) c.ident = Ref{std::uint64_t{13}};  // SIGPIPE
    if (!options_.freebsd_extensions) return;
    if (rng_.chance(8)) {
      static constexpr std::array<model::EventFlags, 4> kKeep{
          ev::kAdd | ev::kKeepUdata, ev::kEnable | ev::kKeepUdata, ev::kAdd | ev::kClear | ev::kKeepUdata,
          ev::kAdd | ev::kDispatch | ev::kKeepUdata};
      c.flags = kKeep[rng_.below(kKeep.size())];
    }
    if (rng_.chance(4)) {
      // EVFILT_JAIL names a prison by jid (0: the caller's own); EVFILT_JAILDESC a jail descriptor.
      const bool jail = rng_.chance(60);
      c.filter = jail ? filt::kJail : filt::kJaildesc;
      c.ident = jail ? Ref{std::uint64_t{rng_.chance(70) ? 0U : 1 + rng_.below(3)}} : any_fd();
      c.fflags = 0;
    }
  }

  // NOTE_ABSTIME in one unit (or none: milliseconds). At the epoch (data 0
  // to 25 units) the deadline has passed: filt_timerstart arms an absolute
  // callout that runs at once, asynchronously (R45), so the kevent scans
  // nothing, holds it last (one_epoch_timer_last) and a sleep follows
  // (settle_timer_). Far in the future it never fires: 2e9 s
  // (2033) converts exactly, 4e9 s saturates to SBT_MAX (2038).
  void make_abstime_timer(Change& c) {
    static constexpr std::array<std::uint32_t, 5> kUnits{0, note::kSeconds, note::kMseconds, note::kUseconds,
                                                         note::kNseconds};
    c.fflags = note::kAbstime | kUnits[rng_.below(kUnits.size())];
    if (rng_.chance(60)) {
      c.data = rng_.between(0, kEpochUnits);
      settle_timer_ = true;
      epoch_timers_ = true;
    } else {
      c.data = (rng_.chance(50) ? 2'000'000'000 : 4'000'000'000) * per_second(c.fflags);
    }
  }
  static constexpr std::int64_t kEpochUnits = 25;
  // timer2sbintime's units: milliseconds when no unit bit is set.
  static std::int64_t per_second(std::uint32_t fflags) {
    switch (fflags & note::kTimerPrecMask) {
      case note::kSeconds: return 1;
      case note::kUseconds: return 1'000'000;
      case note::kNseconds: return 1'000'000'000;
      default: return 1'000;
    }
  }

  // GeneratorOptions::stable_timers: a period of 600 + `draw` seconds in the
  // unit `fflags` names (timer2sbintime: milliseconds when none). Two units
  // at once stay as drawn: EINVAL whatever the period.
  static std::int64_t stable_timer_period(std::uint32_t fflags, std::int64_t draw) {
    const std::uint32_t unit = fflags & note::kTimerPrecMask;
    if ((unit & (unit - 1)) != 0) return draw;
    return (600 + draw) * per_second(fflags);
  }

  std::uint32_t make_fflags(model::FilterId filter) {
    if (filter == filt::kUser) {
      static constexpr std::array<std::uint32_t, 6> kUser{0, note::kTrigger, note::kTrigger | note::kFfor | 0x3,
                                                          note::kFfand | 0xf, note::kFfcopy | 0x12, note::kFfor | 0x40};
      return kUser[rng_.below(kUser.size())];
    }
    if (filter == filt::kVnode) {
      return FsStepMaker::vnode_fflags(rng_, options_.freebsd_extensions, options_.low_water_and_revoke,
                                       options_.with_reopens);
    }
    if (filter == filt::kTimer) {
      static constexpr std::array<std::uint32_t, 5> kTimer{0, 0, note::kUseconds, note::kNseconds, note::kSeconds | note::kUseconds};
      return kTimer[rng_.below(kTimer.size())];
    }
    if (filter == filt::kProcdesc) {
      // Main's NOTE_FORK / NOTE_PDSIGCHLD (sys_procdesc.c); older profiles never post them.
      static constexpr std::array<std::uint32_t, 6> kPd{
          note::kExit, note::kExit | note::kFork, note::kFork, note::kPdsigchld, note::kExit | note::kFork | note::kPdsigchld, 0};
      return kPd[rng_.below(kPd.size())];
    }
    if (filter == filt::kProc) return kProcNotes[rng_.below(kProcNotes.size())];
    // Bit 0x1 on a signal knote is NOTE_TRACK to knote_fork, a corner the
    // model reports as unsupported.
    if (filter == filt::kSignal) return 0;
    return options_.low_water_and_revoke && rng_.chance(10) ? note::kLowat : 0;
  }

  void make_kevent(Step& s) {
    if (kqs_.empty()) return make_kqueue(s);
    fill_kevent(s, Ref{pick(kqs_)});
  }
  // GeneratorOptions::with_cponfork: child `i`'s kevent on its copy of a
  // KQUEUE_CPONFORK kqueue (`s.proc` is the child). A change on a
  // descriptor names one the child had at its fork: a name made later is
  // none of the child's.
  void child_kevent(Step& s, std::size_t i) {
    s.op = Op::kKevent;
    fill_kevent(s, Ref{pick(child_kqs_[i])});
    const std::vector<std::string>& inherited = child_fds_[i];
    for (Change& c : s.changes) {
      if (!model::filter_is_fd_based(c.filter) || !c.ident.is_name() || among(inherited, c.ident.name())) continue;
      c.ident = inherited.empty() ? Ref{std::uint64_t{100}} : Ref{pick(inherited)};
    }
  }
  void fill_kevent(Step& s, Ref kq) {
    s.fd = std::move(kq);
    std::size_t n = rng_.below(4);
    s.changes.reserve(n);
    for (std::size_t i = 0; i < n; ++i) s.changes.push_back(make_change());
    s.nevents = rng_.chance(5) ? -1 : static_cast<std::int32_t>(rng_.below(7));
    s.timeout = rng_.chance(75) ? model::Timespec{0, 0} : model::Timespec{0, rng_.between(1, 20) * 1'000'000};
    if (!options_.with_kevent_corners) return;
    if (rng_.chance(5)) {
      // kqueue_scan's timespecvalid_interval, after the changes (never a
      // tv_sec past INT32_MAX: that is an infinite wait).
      static constexpr std::array<model::Timespec, 4> kInvalid{
          model::Timespec{-1, 0}, model::Timespec{0, -1}, model::Timespec{0, 1'000'000'000}, model::Timespec{-5, 500}};
      s.timeout = kInvalid[rng_.below(kInvalid.size())];
    }
    if (settle_timer_) {
      s.nevents = 0;  // an epoch timer may be armed: see make_abstime_timer
      one_epoch_timer_last(s.changes);
    }
  }

  // A real kernel fires an epoch timer from a callout that may preempt the
  // same call's later changes (15.1 seed 49 p00109: the timer queued before
  // an EVFILT_USER trigger that came after it in the list), and two such
  // callouts in one wheel bucket run in either order; the model fires them
  // after the call. So one epoch timer a call, as its last change: the others
  // move far into the future (2e9 s, in their unit).
  static void one_epoch_timer_last(std::vector<Change>& changes) {
    auto epoch = [](const Change& c) {
      return c.filter == filt::kTimer && (c.fflags & note::kAbstime) != 0 && c.data >= 0 && c.data <= kEpochUnits;
    };
    const auto first = std::find_if(changes.begin(), changes.end(), epoch);
    if (first == changes.end()) return;
    std::rotate(first, first + 1, changes.end());
    for (auto c = changes.begin(); c + 1 < changes.end(); ++c) {
      if (epoch(*c)) c->data = 2'000'000'000 * per_second(c->fflags);
    }
  }

  Prng rng_;
  GeneratorOptions options_;
  std::vector<std::string> listeners_;
  std::map<std::string, std::size_t> unaccepted_;  // connections a listener may hold, as far as the program knows
  std::vector<std::string> connected_fds_;  // sockets that never listen (stream or datagram): socketpair ends, clients, accepted
  std::vector<Step>* out_ = nullptr;  // the program being generated
  std::vector<std::string> kqs_, fds_, children_, pds_;
  std::vector<std::string> tcp_connections_;  // TCP clients and accepted sockets (tcp_teardown)
  // pdfork children main has not killed (with_pdfork_deaths). Not pruned when
  // a descriptor's close kills one: the kill then finds the zombie (the
  // program's process is the reaper) and returns 0, on a host and the model.
  std::vector<std::string> pd_children_;
  bool settle_timer_ = false;  // the action's steps may arm an epoch NOTE_ABSTIME timer
  bool epoch_timers_ = false;  // some step may have armed one, or queued a fired one-shot (a fork may copy it)
  std::vector<std::string> read_ends_, write_ends_;  // pipes' ends, for hosts with one-way pipes
  std::vector<std::string> cloexec_;                 // descriptors exec closes
  std::vector<std::string> ever_listeners_;          // every listener, closed ones included
  std::map<std::string, std::size_t> tcp_clients_;  // clients that connected to each TCP listener by its port
  std::map<std::string, std::uint16_t> fixed_ports_;  // the fixed port each TCP listener asked bind(2) for
  std::vector<std::string> retargeted_;              // dup2 targets, whose children's copies differ
  std::vector<std::string> all_procs_{"main"};  // every process ever named, for EVFILT_PROC and waitpid
  std::vector<std::string> pending_exits_;     // grandchildren, whose only step is to exit
  std::vector<std::vector<std::string>> child_fds_;
  std::vector<std::vector<std::string>> child_kqs_;  // per child: its copies of KQUEUE_CPONFORK kqueues
  std::vector<std::string> cponfork_kqs_;            // main's KQUEUE_CPONFORK kqueues
  std::vector<std::int32_t> handled_;  // signals main catches, ignores or blocks
  std::vector<std::string> dirs_;      // directory descriptors (200 and up), for EVFILT_VNODE only
  FsStepMaker fs_;
  AioStepMaker aio_;
  TcpSettling tcp_;
  // What main does with each of kSignals: a kill must never end it. Blocking
  // and ignoring survive exec; a handler does not.
  struct SignalState {
    bool blocked = false, ignored = false, caught = false;
  };
  std::array<SignalState, kSignals.size()> signals_{};
  std::uint64_t next_name_ = 0;
};

}  // namespace

traces::Trace program_header(std::uint64_t seed) {
  traces::Trace t;
  t.name = "random-" + std::to_string(seed);
  t.description = "Generated by kqcheck from seed " + std::to_string(seed) + ".";
  return t;
}

traces::Trace generate_program(std::uint64_t seed, const GeneratorOptions& options) {
  return Generator(seed, options).run(seed);
}

void generate_program_steps(std::uint64_t seed, const GeneratorOptions& options,
                            const std::function<bool(const traces::Step&)>& take) {
  Generator(seed, options).stream(take);
}

GeneratorOptions for_program_index(GeneratorOptions options, std::uint64_t index) {
  constexpr std::uint64_t kProgramsWithOwnPorts = 2600;  // ports 2000 to 9799
  const std::uint64_t base = GeneratorOptions::kFirstFixedPort + (index % kProgramsWithOwnPorts) * GeneratorOptions::kFixedPortsPerProgram;
  static_assert(GeneratorOptions::kFirstFixedPort + kProgramsWithOwnPorts * GeneratorOptions::kFixedPortsPerProgram <= 10000,
                "fixed ports stay below FreeBSD's ephemeral range");
  options.fixed_port_base = static_cast<std::uint16_t>(base);
  return options;
}

GeneratorOptions for_real_host(GeneratorOptions options) {
  options.with_aio_run = false;
  options.with_unmount = false;
  return options;
}

std::optional<GeneratorOptions> restrict_to_host_os(GeneratorOptions options, const std::string& os) {
  if (os == "freebsd") return options;
  if (os != "linux") return std::nullopt;
  options.freebsd_extensions = false;
  options.two_way_pipes = false;
  options.low_descriptor_numbers = false;
  options.with_aio = false;      // SIGEV_KEVENT is FreeBSD's
  options.with_kqueuex = false;  // FreeBSD 14.0 and later
  options.low_water_and_revoke = false;
  options.host_os_corners = false;
  options.with_extra_calls = false;  // poll, select, fcntl, recv, send: Linux's answers
  options.with_tcp = false;          // loopback TCP: Linux's buffers and timers
  return options;
}

}  // namespace kqsim::check

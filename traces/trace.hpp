// A trace in memory: the program (steps over named descriptors) and, per
// step, what a host observed or what a source says it must observe. The
// JSON form is docs/trace-format.md; this is its parsed, validated shape.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/aio.hpp"
#include "model/kevent_constants.hpp"
#include "model/socket.hpp"
#include "model/sys_result.hpp"
#include "model/vfs.hpp"
#include "traces/rare_text.hpp"
#include "traces/step_part.hpp"

namespace kqsim::traces {

inline constexpr const char* kFormatVersion = "kqsim-trace/1";
// read/write sizes above this are refused: buffers that size are real on a host.
inline constexpr std::int64_t kMaxTransferBytes = 16 * 1024 * 1024;

// A descriptor or ident as the program names it: a bound name or a raw number.
struct Ref {
  std::variant<std::string, std::uint64_t> value;
  [[nodiscard]] bool is_name() const { return std::holds_alternative<std::string>(value); }
  [[nodiscard]] const std::string& name() const { return std::get<std::string>(value); }
  [[nodiscard]] std::uint64_t number() const { return std::get<std::uint64_t>(value); }
};

struct Change {
  Ref ident;
  model::FilterId filter = 0;
  model::EventFlags flags = 0;
  std::uint32_t fflags = 0;
  std::int64_t data = 0;
  std::uint64_t udata = 0;
};

// An integer an observation must equal, or lie within (timing-dependent
// fields such as a timer's expiration count). A process name instead of a
// number means that process's pid, which differs from host to host.
struct IntExpect {
  IntExpect() = default;
  IntExpect(std::int64_t lo, std::int64_t hi) : min(lo), max(hi) {}
  static IntExpect pid(std::string process) {
    IntExpect e;
    e.pid_of = std::move(process);
    return e;
  }

  std::int64_t min = 0;
  std::int64_t max = 0;
  std::string pid_of;  // non-empty: the value is this process's pid
  [[nodiscard]] bool in_range(std::int64_t v) const { return v >= min && v <= max; }
  [[nodiscard]] bool exact() const { return min == max; }
};

struct ExpectedEvent {
  Ref ident;
  model::FilterId filter = 0;
  model::EventFlags flags = 0;
  std::uint32_t fflags = 0;
  IntExpect data;
  std::uint64_t udata = 0;
};

enum class EventOrder : std::uint8_t { kExact, kAny };

struct Observed {
  IntExpect ret;                    // for fork: any positive pid unless given
  std::optional<std::string> errno_name;
  std::vector<ExpectedEvent> events;
  EventOrder order = EventOrder::kExact;
  // The host could not make this call (e.g. a flag name its <sys/event.h>
  // lacks); the recorder's words. Such a step had no effect on the host.
  RareText unsupported;
  // The implementation under test failed at this call instead of answering
  // (recorders only; nothing after such a step was run). crash: the process
  // died of this signal during the call ("SIGSEGV"; an abort is "SIGABRT").
  // hang: the call did not return within the recorder's step timeout.
  RareText crash;
  RareText hang;
  // How long the call took on the host (virtual time on the model).
  // Informational: recorded to help choose ranges, never compared.
  std::optional<std::int64_t> elapsed_ns;
};

enum class Op : std::uint8_t {
  kKqueue, kPipe, kRead, kWrite, kClose, kDup, kDup2, kFcntl, kFork, kExec, kExit, kSleep, kKevent,
  kKill, kSigaction, kSigprocmask, kPdfork, kWait,
  kSocketpair, kSocket, kBind, kListen, kConnect, kAccept, kShutdown, kSetsockopt,
  kGetsockname, kRecv, kSend, kPoll, kSelect, kPause,  // traces/socket_steps.cpp too
  // The simulated file system: one VfsCall each (traces/vfs_step_json.cpp).
  kOpen, kMkdir, kRmdir, kMkfifo, kUnlink, kRename, kLink, kChmod, kTruncate, kFtruncate, kLseek,
  kRevoke, kUnmount,
  // POSIX aio: one AioCall each (traces/aio_step_json.cpp).
  kAioRead, kAioWrite, kAioError, kAioReturn, kAioCancel, kLioListio, kAioRun,
  kUtimes,  // a file-system op (traces/vfs_step_json.cpp)
};

// The fields of the socket steps (traces/socket_steps.cpp).
struct SocketArgs {
  model::SocketType type = model::SocketType::kStream;  // socketpair, socket
  std::string name;                                     // bind, connect: a path in the simulated namespace
  std::int32_t backlog = 0;                             // listen
  model::ShutdownHow how = model::ShutdownHow::kReadWrite;
  model::SocketOption option = model::SocketOption::kRcvLowat;
  std::int64_t value = 0;                               // setsockopt
  model::SocketDomain domain = model::SocketDomain::kUnix;  // socket: "unix" or "inet"
  std::optional<std::uint16_t> port;                    // bind, connect (inet): 127.0.0.1:port
  std::string port_of;                                  // connect (inet): the port the named socket is bound to
  std::uint32_t msg_flags = 0;                          // recv, send: MSG_* (FreeBSD's numbers)
  std::int16_t poll_events = 0;                         // poll: POLL* (FreeBSD's numbers)
  std::uint8_t select_sets = 0;                         // select: 1 read, 2 write, 4 except
  std::int64_t timeout = -1;                            // poll: ms (-1 INFTIM); select: µs (-1 none)
};

// A struct sigevent of an aio step: "kq" names the kqueue descriptor.
struct AioSigevent {
  std::int32_t notify = model::sigev::kNone;
  Ref kq{std::uint64_t{0}};
  bool has_kq = false;
  std::uint16_t flags = 0;   // sigev_notify_kevent_flags
  std::uint64_t udata = 0;   // sigev_value
  std::int32_t signo = 0;
};

// A user struct aiocb, named like a descriptor: the interpreter gives each
// name a fixed fake address (its EVFILT_AIO ident).
struct AioRequest {
  std::optional<Ref> aiocb;  // nullopt: a NULL entry of a lio_listio list
  Ref fd{std::uint64_t{0}};
  std::int64_t offset = 0;
  std::int64_t bytes = 0;
  std::int32_t opcode = model::lio::kNop;  // lio_listio entries
  AioSigevent sigevent;
  bool defer = false;        // the daemons run it later (model only)
};

struct AioArgs {
  AioRequest cb;             // aio_read/aio_write; aio_error/aio_return/aio_cancel/aio_run: cb.aiocb (and cancel's fd)
  bool has_fd = false;       // aio_cancel
  std::int32_t mode = model::lio::kNowait;  // lio_listio
  Ref list{std::uint64_t{0}};               // lio_listio: the list's name
  std::vector<AioRequest> entries;
  std::optional<AioSigevent> sig;
};

// The aio ops and the call each one makes.
[[nodiscard]] std::optional<model::AioOp> aio_op_of(Op op);

// The file-system ops and the call each one makes.
[[nodiscard]] std::optional<model::VfsOp> vfs_op_of(Op op);

// wait's target other than a process name: any child (waitpid(-1), wait)
// and any child in the caller's process group (waitpid(0)).
inline constexpr const char* kAnyChild = "*";
inline constexpr const char* kGroupChild = "*group";

struct Step {
  std::size_t index = 0;          // position in the trace, from 0
  Op op = Op::kKevent;
  std::string proc = "main";      // the process that makes the call
  std::vector<std::string> as;    // names this step binds (result descriptors, child process; pdfork: both)
  Ref fd;                         // read/write/close/dup/dup2/fcntl; kevent: the kqueue
  Ref to;                         // dup2 target
  std::int64_t bytes = 0;         // read/write
  bool nonblock = false;          // pipe, socketpair, socket
  bool cloexec = false;           // pipe, socketpair, socket
  std::uint32_t kqueue_flags = 0; // kqueue: kqueuex flags
  std::string fcntl_cmd;          // "F_GETFD" or "F_SETFD"
  std::int32_t fcntl_arg = 0;
  std::int64_t sleep_ns = 0;
  std::string target;             // kill: the process signalled; wait: the child waited for, or kAnyChild / kGroupChild
  std::int32_t signo = 0;         // kill / sigaction / sigprocmask
  std::int32_t sig_action = 0;    // sigaction: 0 default, 1 ignore, 2 catch
  bool block = false;             // sigprocmask
  StepPart<SocketArgs> sock;      // socket steps
  std::uint32_t pd_flags = 0;     // pdfork: PD_DAEMON / PD_CLOEXEC
  bool nohang = false;            // wait: WNOHANG
  std::int32_t exit_status = 0;   // exit: _exit's status (0 to 255)
  StepPart<model::VfsCall> vfs;   // file-system ops; ftruncate/lseek take their descriptor from `fd`
  StepPart<AioArgs> aio;          // aio ops
  std::vector<Change> changes;
  std::int32_t nevents = 0;
  std::optional<model::Timespec> timeout;  // nullopt: wait forever
  std::optional<Observed> observed;
  std::string note;
};

struct SourceRef {
  std::string kind;  // kernel-source, man-page, freebsd-test, recording, observed-real-kernels
  std::string ref;
};

struct HostInfo {
  std::string os, release, machine, date, recorder;
  std::string kqueue;  // the kqueue implementation and its version: "libkqueue 2.7.0", "FreeBSD kernel 13.2-RELEASE"
};

// A bound on the events returned for one (ident, filter), over the whole
// run: the explorer's scenario property, carried by its counterexamples.
struct DeliveryBound {
  std::uint64_t ident = 0;
  model::FilterId filter = 0;
  std::uint32_t max = 1;
};

// What kqcheck checked after every step when it found the failure a
// counterexample trace shows, so kqreplay checks the same
// (check/trace_properties.hpp). The model's invariants are always checked.
struct TraceProperties {
  bool step_properties = false;              // check/step_properties.hpp (kqcheck random)
  std::vector<DeliveryBound> max_deliveries;  // a scenario's bounds (kqcheck explore)
  // A deadlock kqcheck explore found: the next call of each unfinished
  // thread, which waits forever once the trace's steps have run. A
  // sequential trace cannot make them; kqreplay checks that each would
  // still wait forever in the final state (the "deadlock" property).
  std::vector<Step> deadlock_waiters;
};

struct Trace {
  std::string path;  // where it was read from, for messages
  std::string name;
  std::string description;
  std::string dialect = "freebsd-main";
  std::vector<SourceRef> sources;
  std::optional<HostInfo> host;
  std::map<std::string, std::int64_t> constants;  // what a recorder measured on the host
  // A deliberate model bug (model/mutations.hpp) the trace runs on: a
  // counterexample kqcheck --mutate found. "" is the faithful model.
  std::string mutation;
  std::optional<TraceProperties> properties;
  std::vector<Step> steps;
};

const char* op_name(Op op);

}  // namespace kqsim::traces

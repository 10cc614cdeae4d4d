// POSIX asynchronous I/O (sys/kern/vfs_aio.c): struct kaiocb (one request),
// struct aioliojob (one lio_listio batch), the parts of the user's struct
// aiocb the kernel reads and writes, and the requests aio_read(2),
// aio_write(2), aio_error(2), aio_return(2), aio_cancel(2) and
// lio_listio(2) make. The requests' knotes (EVFILT_AIO, EVFILT_LIO) hang on
// the job's and the batch's knote lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "model/errno_code.hpp"
#include "model/knote.hpp"
#include "model/knote_list.hpp"

namespace kqsim::model {

inline constexpr std::uint32_t kNoLio = UINT32_MAX;

// aio_lio_opcode (sys/aio.h).
namespace lio {
inline constexpr std::int32_t kNop = 0x0;
inline constexpr std::int32_t kWrite = 0x1;
inline constexpr std::int32_t kRead = 0x2;
inline constexpr std::int32_t kSync = 0x3;   // not modelled (aio_fsync)
inline constexpr std::int32_t kMlock = 0x4;  // not modelled (aio_mlock)
inline constexpr std::int32_t kWritev = 0x5; // not modelled (aio_writev)
inline constexpr std::int32_t kReadv = 0x6;  // not modelled (aio_readv)
// lio_listio(2) modes.
inline constexpr std::int32_t kNowait = 0x0;
inline constexpr std::int32_t kWait = 0x1;
}  // namespace lio

// aio_cancel(2) results.
namespace aiocancel {
inline constexpr std::int64_t kCanceled = 0x1;
inline constexpr std::int64_t kNotCanceled = 0x2;
inline constexpr std::int64_t kAllDone = 0x3;
}  // namespace aiocancel

// sigev_notify (sys/signal.h).
namespace sigev {
inline constexpr std::int32_t kNone = 0;
inline constexpr std::int32_t kSignal = 1;
inline constexpr std::int32_t kThread = 2;
inline constexpr std::int32_t kKevent = 3;
inline constexpr std::int32_t kThreadId = 4;
}  // namespace sigev

// struct sigevent as aio reads it.
struct SigEvent {
  std::int32_t notify = sigev::kNone;
  std::int32_t kqueue = -1;          // sigev_notify_kqueue
  std::uint16_t kevent_flags = 0;    // sigev_notify_kevent_flags
  std::uint64_t value = 0;           // sigev_value: the knote's udata
  std::int32_t signo = 0;            // sigev_signo (SIGEV_SIGNAL: not modelled)
};

// A user struct aiocb: its address names it (the EVFILT_AIO ident).
struct AioCb {
  std::uint64_t addr = 0;            // 0: a NULL entry of a lio_listio list
  std::int32_t fildes = -1;
  std::int64_t offset = 0;
  std::int64_t nbytes = 0;
  std::int32_t lio_opcode = lio::kNop;  // lio_listio entries; aio_read/aio_write set it
  SigEvent sigevent;
  // The simulated kernel's choice, not a field of struct aiocb: leave the
  // job queued for the aio daemons (EINPROGRESS) instead of running it
  // before the call returns. See Kernel::aio_daemons_run.
  bool defer = false;
};

enum class AioOp : std::uint8_t { kRead, kWrite, kError, kReturn, kCancel, kLioListio, kRun };

// One aio system call, as a trace step or the C API asks for it.
struct AioCall {
  AioOp op = AioOp::kRead;
  AioCb cb;                    // read/write: the request; error/return: cb.addr; cancel: cb.fildes, cb.addr (0 = all)
  std::int32_t mode = lio::kNowait;   // lio_listio
  std::uint64_t list_addr = 0;        // lio_listio: the list's address (the EVFILT_LIO ident)
  std::vector<AioCb> list;            // lio_listio entries
  std::optional<SigEvent> sig;        // lio_listio's sig argument (nullopt: NULL)
  // kRun: the aio daemons run the queued job of this aiocb (0: every queued job).
};

// struct _aiocb_private of one user aiocb, as the kernel last stored it
// (aio_aqueue stores status -1 / error; aio_return stores the result).
// aio_error reads it back for an aiocb the kernel no longer knows.
struct AiocbWords {
  std::uint64_t addr = 0;
  std::int64_t status = 0;
  std::int32_t error = 0;
};

// struct kaiocb: one request, from aio_aqueue to aio_free_entry. The
// kernel's table of them is append-only, so index order is submission
// order (kaio_all).
struct AioJob {
  bool live = false;
  std::int32_t owner = 0;            // userproc's pid
  std::uint64_t ujob = 0;            // the user aiocb's address
  std::int32_t fildes = -1;          // uaiocb.aio_fildes (aio_cancel matches on it)
  std::int32_t opcode = lio::kRead;  // LIO_READ or LIO_WRITE
  std::int64_t offset = 0;
  std::int64_t nbytes = 0;
  FileIndex file = kNoFile;          // fd_file: a reference held until the job is freed
  bool finished = false;             // KAIOCB_FINISHED
  std::int64_t status = -1;          // uaiocb._aiocb_private.status
  Errno error = Errno::kNone;        // uaiocb._aiocb_private.error (EINPROGRESS while queued)
  std::uint32_t lio = kNoLio;        // job->lio
  KnoteList knotes;                  // job->klist: its EVFILT_AIO knotes
};

// struct aioliojob: a lio_listio batch, alive while it has jobs (and during the call).
struct AioLio {
  bool live = false;
  std::int32_t owner = 0;
  std::uint64_t uaddr = 0;           // the list's address: the EVFILT_LIO ident
  std::uint32_t count = 0;           // lioj_count
  std::uint32_t finished_count = 0;  // lioj_finished_count
  bool kevent = false;               // lioj_signal.sigev_notify == SIGEV_KEVENT
  bool kevent_posted = false;        // LIOJ_KEVENT_POSTED
  KnoteList knotes;                  // lj->klist: its EVFILT_LIO knote
};

// Names (aio_names.cpp).
const char* aio_op_name(AioOp op);
std::optional<std::int32_t> lio_opcode_from_name(std::string_view name);
const char* lio_opcode_name(std::int32_t opcode);
std::optional<std::int32_t> sigev_notify_from_name(std::string_view name);
const char* sigev_notify_name(std::int32_t notify);

}  // namespace kqsim::model

// The aio calls of the kqueue C API on the model: each struct kqsim_aiocb is
// read into one request; its address is what the model knows it by.
#include <cerrno>
#include <cstdint>

#include "kqsim/posix.h"
#include "sim/posix/posix_call.hpp"

namespace {

using kqsim::model::AioCall;
using kqsim::model::AioCb;
using kqsim::model::AioOp;
using kqsim::model::SigEvent;

std::uint64_t addr_of(const void* p) { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)); }

SigEvent sigevent_of(const kqsim_sigevent& s) {
  return SigEvent{s.sigev_notify, s.sigev_notify_kqueue, s.sigev_notify_kevent_flags, addr_of(s.sigev_value),
                  s.sigev_signo};
}

AioCb aiocb_of(const kqsim_aiocb* cb) {
  AioCb c;
  c.addr = addr_of(cb);
  if (cb == nullptr) return c;
  c.fildes = cb->aio_fildes;
  c.offset = cb->aio_offset;
  c.nbytes = static_cast<std::int64_t>(cb->aio_nbytes);
  c.lio_opcode = cb->aio_lio_opcode;
  c.sigevent = sigevent_of(cb->aio_sigevent);
  c.defer = cb->kqsim_defer != 0;
  return c;
}

std::int64_t aio_call(const AioCall& c) {
  kqsim::posix::RpcRequest q;
  q.op = kqsim::posix::RpcOp::kAio;
  if (!kqsim::sim::to_wire(c, q.aio)) return kqsim::posix::unsupported_call("lio_listio of more than 64 entries (a kqsim message limit)");
  kqsim::posix::RpcReply r;
  return kqsim::posix::rpc_call(q, r);
}

AioCall call_of(AioOp op, const kqsim_aiocb* cb) {
  AioCall c;
  c.op = op;
  c.cb = aiocb_of(cb);
  return c;
}

}  // namespace

extern "C" {

int kqsim_aio_read(struct kqsim_aiocb* cb) { return static_cast<int>(aio_call(call_of(AioOp::kRead, cb))); }
int kqsim_aio_write(struct kqsim_aiocb* cb) { return static_cast<int>(aio_call(call_of(AioOp::kWrite, cb))); }

int kqsim_aio_error(const struct kqsim_aiocb* cb) {
  const std::int64_t r = aio_call(call_of(AioOp::kError, cb));
  return r > 0 ? kqsim::posix::host_errno_value(static_cast<std::int32_t>(r)) : static_cast<int>(r);
}

ssize_t kqsim_aio_return(struct kqsim_aiocb* cb) { return static_cast<ssize_t>(aio_call(call_of(AioOp::kReturn, cb))); }

int kqsim_aio_cancel(int fd, struct kqsim_aiocb* cb) {
  AioCall c = call_of(AioOp::kCancel, cb);
  c.cb.fildes = fd;
  return static_cast<int>(aio_call(c));
}

int kqsim_lio_listio(int mode, struct kqsim_aiocb* const list[], int nent, struct kqsim_sigevent* sig) {
  AioCall c;
  c.op = AioOp::kLioListio;
  c.mode = mode;
  c.list_addr = addr_of(list);
  if (nent < 0) {
    errno = EINVAL;
    return -1;
  }
  for (int i = 0; i < nent; ++i) c.list.push_back(aiocb_of(list[i]));
  if (sig != nullptr) c.sig = sigevent_of(*sig);
  return static_cast<int>(aio_call(c));
}

int kqsim_aio_run(const struct kqsim_aiocb* cb) {
  AioCall c;
  c.op = AioOp::kRun;
  c.cb.addr = addr_of(cb);
  return static_cast<int>(aio_call(c));
}

}  // extern "C"

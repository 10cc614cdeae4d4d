// poll(2) and select(2) of the C API on the model: the host's pollfd and
// fd_set in, one request with every descriptor to the model server out.
#include <poll.h>
#include <sys/select.h>
#include <sys/time.h>

#include <cerrno>

#include "kqsim/posix.h"
#include "model/net_constants.hpp"
#include "sim/posix/model_rpc.hpp"
#include "sim/posix/posix_call.hpp"

namespace {

namespace pb = kqsim::model::pollbit;

struct BitPair {
  short host;
  std::int16_t model;
};
constexpr BitPair kBits[] = {{POLLIN, pb::kIn},     {POLLPRI, pb::kPri},       {POLLOUT, pb::kOut},
                             {POLLERR, pb::kErr},   {POLLHUP, pb::kHup},       {POLLNVAL, pb::kNval},
                             {POLLRDNORM, pb::kRdnorm}, {POLLRDBAND, pb::kRdband}, {POLLWRBAND, pb::kWrband}};

// The bits only some hosts name: POLLRDHUP (Linux with _GNU_SOURCE, and
// FreeBSD) and POLLINIGNEOF (FreeBSD; KQSIM_POLLINIGNEOF elsewhere).
// Without them a program asking for POLLRDHUP on Linux had it dropped, so
// the model answered as if never asked.
constexpr BitPair kHostOnlyBits[] = {
#ifdef POLLRDHUP
    {POLLRDHUP, pb::kRdhup},
#endif
    {KQSIM_POLLINIGNEOF, pb::kIgnEof}};
static_assert(KQSIM_POLLINIGNEOF != POLLIN && KQSIM_POLLINIGNEOF != POLLPRI && KQSIM_POLLINIGNEOF != POLLOUT &&
              KQSIM_POLLINIGNEOF != POLLERR && KQSIM_POLLINIGNEOF != POLLHUP && KQSIM_POLLINIGNEOF != POLLNVAL &&
              KQSIM_POLLINIGNEOF != POLLRDNORM && KQSIM_POLLINIGNEOF != POLLRDBAND && KQSIM_POLLINIGNEOF != POLLWRBAND
#ifdef POLLRDHUP
              && KQSIM_POLLINIGNEOF != POLLRDHUP
#endif
              , "KQSIM_POLLINIGNEOF must be a bit the host's <poll.h> leaves free");

std::int16_t to_model(short host) {
  std::int16_t out = 0;
  for (const BitPair& b : kBits) {
    if ((host & b.host) != 0) out = static_cast<std::int16_t>(out | b.model);
  }
  for (const BitPair& b : kHostOnlyBits) {
    if ((host & b.host) != 0) out = static_cast<std::int16_t>(out | b.model);
  }
  return out;
}

short to_host(std::uint32_t model) {
  short out = 0;
  for (const BitPair& b : kBits) {
    if ((model & static_cast<std::uint16_t>(b.model)) != 0) out = static_cast<short>(out | b.host);
  }
  for (const BitPair& b : kHostOnlyBits) {
    if ((model & static_cast<std::uint16_t>(b.model)) != 0) out = static_cast<short>(out | b.host);
  }
  return out;
}

}  // namespace

extern "C" {

int kqsim_poll(struct pollfd* fds, unsigned long nfds, int timeout) {
  if (nfds > kqsim::posix::kMaxRecords) return kqsim::posix::unsupported_call("poll() of more descriptors than one request carries (256)");
  if (nfds > 0 && fds == nullptr) {
    errno = EFAULT;
    return -1;
  }
  kqsim::posix::RpcRequest q;
  q.op = kqsim::posix::RpcOp::kPoll;
  q.nchanges = static_cast<std::int32_t>(nfds);
  q.a = timeout;
  for (unsigned long i = 0; i < nfds; ++i) {
    q.changes[i].ident = static_cast<std::uint64_t>(static_cast<std::int64_t>(fds[i].fd));
    q.changes[i].filter = to_model(fds[i].events);
  }
  kqsim::posix::RpcReply r;
  const std::int64_t ret = kqsim::posix::rpc_call(q, r);
  if (ret < 0) return -1;
  for (unsigned long i = 0; i < nfds && i < static_cast<unsigned long>(r.nevents); ++i) fds[i].revents = to_host(r.events[i].fflags);
  return static_cast<int>(ret);
}

int kqsim_select(int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds, struct timeval* timeout) {
  if (nfds < 0) {
    errno = EINVAL;  // kern_select
    return -1;
  }
  if (nfds > FD_SETSIZE) nfds = FD_SETSIZE;
  kqsim::posix::RpcRequest q;
  q.op = kqsim::posix::RpcOp::kSelect;
  for (int fd = 0; fd < nfds; ++fd) {
    std::uint32_t sets = (readfds != nullptr && FD_ISSET(fd, readfds) ? 1U : 0U) |
                         (writefds != nullptr && FD_ISSET(fd, writefds) ? 2U : 0U) |
                         (exceptfds != nullptr && FD_ISSET(fd, exceptfds) ? 4U : 0U);
    if (sets == 0) continue;
    if (q.nchanges == static_cast<std::int32_t>(kqsim::posix::kMaxRecords)) {
      return kqsim::posix::unsupported_call("select() of more descriptors than one request carries (256)");
    }
    q.changes[q.nchanges].ident = static_cast<std::uint64_t>(fd);
    q.changes[q.nchanges].fflags = sets;
    ++q.nchanges;
  }
  if (timeout != nullptr) {
    q.has_timeout = true;
    q.timeout_sec = timeout->tv_sec;
    q.timeout_nsec = timeout->tv_usec;  // select's timeval: microseconds (model_rpc.hpp kSelect)
  }
  kqsim::posix::RpcReply r;
  const std::int64_t ret = kqsim::posix::rpc_call(q, r);
  if (ret < 0) return -1;
  if (readfds != nullptr) FD_ZERO(readfds);
  if (writefds != nullptr) FD_ZERO(writefds);
  if (exceptfds != nullptr) FD_ZERO(exceptfds);
  for (std::int32_t i = 0; i < r.nevents; ++i) {
    const int fd = static_cast<int>(r.events[i].ident);
    if ((r.events[i].fflags & 1U) != 0) FD_SET(fd, readfds);
    if ((r.events[i].fflags & 2U) != 0) FD_SET(fd, writefds);
    if ((r.events[i].fflags & 4U) != 0) FD_SET(fd, exceptfds);
  }
  return static_cast<int>(ret);
}

}  // extern "C"

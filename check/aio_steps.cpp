#include "check/aio_steps.hpp"

#include <array>

#include "model/aio.hpp"
#include "model/kevent_constants.hpp"
#include "model/vfs.hpp"

namespace kqsim::check {
namespace {

using traces::Op;
using traces::Ref;
using traces::Step;
namespace ev = model::ev;

constexpr std::array<const char*, 2> kFiles{"aio1", "aio2"};
constexpr std::uint64_t kNeverOpen = 150;  // above every descriptor a generated program opens
constexpr std::array<std::int64_t, 5> kOffsets{0, 0, 3, 100, -1};
constexpr std::array<std::int64_t, 4> kSizes{0, 1, 10, 512};
// sigev_notify_kevent_flags: the allowed three, none, and an invalid bit.
constexpr std::array<std::uint16_t, 6> kKeventFlags{0, ev::kOneshot, ev::kClear, ev::kDispatch, ev::kClear | ev::kOneshot,
                                                    ev::kAdd};

template <typename T>
const T& pick(Prng& rng, const std::vector<T>& pool) {
  return pool[rng.below(pool.size())];
}

// A new step at the end of `out`, filled in place (fs_steps.cpp's fs_step).
Step& aio_step(std::vector<Step>& out, Op op) {
  Step& s = out.emplace_back();
  s.op = op;
  return s;
}

}  // namespace

// The descriptor a request goes to: mostly a regular file just opened,
// sometimes a pipe (EOPNOTSUPP) or a number that is never open (EBADF).
void AioStepMaker::open_target(Prng& rng, const NameMaker& fresh, Ref& fd, Step& s) {
  if (rng.chance(10)) {
    s.op = Op::kPipe;
    s.nonblock = true;
    s.as = {fresh("ar"), fresh("aw")};
    fd = Ref{s.as[rng.below(2)]};
    return;
  }
  s.op = Op::kOpen;
  s.vfs->op = model::VfsOp::kOpen;
  s.vfs->path = kFiles[rng.below(kFiles.size())];
  s.vfs->flags = model::oflag::kRdwr | model::oflag::kCreat | model::oflag::kNonblock;
  if (rng.chance(10)) s.vfs->flags = model::oflag::kRdonly | model::oflag::kCreat;  // aio_write: EBADF
  if (rng.chance(10)) s.vfs->flags |= model::oflag::kAppend;
  s.vfs->mode = 0644;
  s.as = {fresh("af")};
  files_.push_back(s.as[0]);
  fd = rng.chance(5) ? Ref{kNeverOpen} : Ref{s.as[0]};
}

traces::AioRequest AioStepMaker::request(Prng& rng, const NameMaker& fresh, const std::vector<std::string>& kqs,
                                         const Ref& fd) {
  traces::AioRequest q;
  q.aiocb = Ref{fresh("cb")};
  aiocbs_.push_back(q.aiocb->name());
  q.fd = fd;
  q.offset = kOffsets[rng.below(kOffsets.size())];
  q.bytes = kSizes[rng.below(kSizes.size())];
  q.defer = rng.chance(50) && aio_run_;
  if (!kqs.empty() && rng.chance(75)) {
    q.sigevent.notify = model::sigev::kKevent;
    q.sigevent.has_kq = true;
    q.sigevent.kq = rng.chance(5) ? Ref{kNeverOpen} : sigevent_kq(rng, kqs, fd);
    q.sigevent.flags = kKeventFlags[rng.below(kKeventFlags.size())];
    q.sigevent.udata = rng.below(4);
  }
  return q;
}

Ref AioStepMaker::sigevent_kq(Prng& rng, const std::vector<std::string>& kqs, const Ref& fd) {
  if (!sigevent_fds_ || !rng.chance(15)) return Ref{pick(rng, kqs)};
  if (fd.is_name() && (files_.empty() || rng.chance(70))) return fd;
  return files_.empty() ? Ref{pick(rng, kqs)} : Ref{pick(rng, files_)};
}

void AioStepMaker::make(Prng& rng, const NameMaker& fresh, const std::vector<std::string>& kqs, std::vector<Step>& out) {
  const std::uint64_t what = aiocbs_.empty() ? 0 : rng.below(10);
  if (what <= 2) {  // aio_read / aio_write, sometimes closing the descriptor at once
    Ref fd{std::uint64_t{0}};
    open_target(rng, fresh, fd, out.emplace_back());
    Step& s = aio_step(out, rng.chance(50) ? Op::kAioRead : Op::kAioWrite);
    s.aio->cb = request(rng, fresh, kqs, fd);
    if (fd.is_name() && rng.chance(20)) {
      Step& close = out.emplace_back();
      close.op = Op::kClose;
      close.fd = fd;
    }
  } else if (what == 3) {  // lio_listio
    Ref fd{std::uint64_t{0}};
    open_target(rng, fresh, fd, out.emplace_back());
    Step& s = aio_step(out, Op::kLioListio);
    s.aio->mode = rng.chance(15) ? model::lio::kWait : model::lio::kNowait;
    s.aio->list = Ref{fresh("list")};
    aiocbs_.push_back(s.aio->list.name());
    const std::uint64_t n = rng.below(4);
    for (std::uint64_t i = 0; i < n; ++i) {
      if (rng.chance(10)) {
        s.aio->entries.emplace_back();  // NULL
        continue;
      }
      traces::AioRequest q = request(rng, fresh, kqs, fd);
      static constexpr std::array<std::int32_t, 4> kOpcodes{model::lio::kRead, model::lio::kWrite, model::lio::kWrite,
                                                            model::lio::kNop};
      q.opcode = kOpcodes[rng.below(kOpcodes.size())];
      s.aio->entries.push_back(std::move(q));
    }
    if (!kqs.empty() && rng.chance(70)) {
      traces::AioSigevent sig;
      sig.notify = model::sigev::kKevent;
      sig.has_kq = true;
      sig.kq = sigevent_kq(rng, kqs, fd);
      sig.udata = rng.below(4);
      s.aio->sig = sig;
    }
  } else if (what <= 5 || (!aio_run_ && !(what == 6 && !files_.empty()))) {  // without aio_run: its share too
    Step& s = aio_step(out, rng.chance(50) ? Op::kAioError : Op::kAioReturn);
    s.aio->cb.aiocb = Ref{pick(rng, aiocbs_)};
  } else if (what == 6 && !files_.empty()) {
    Step& s = aio_step(out, Op::kAioCancel);
    s.aio->cb.fd = Ref{pick(rng, files_)};
    s.aio->has_fd = true;
    if (rng.chance(50)) s.aio->cb.aiocb = Ref{pick(rng, aiocbs_)};
  } else {
    Step& s = aio_step(out, Op::kAioRun);
    if (rng.chance(50)) s.aio->cb.aiocb = Ref{pick(rng, aiocbs_)};
  }
}

}  // namespace kqsim::check

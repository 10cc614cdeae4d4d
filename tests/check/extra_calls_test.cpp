// GeneratorOptions::with_extra_calls (kqcheck --with-extra-calls): poll,
// select, fcntl, recv, send and utimes join the programs on request only,
// never wait, and never on a Linux host, whose answers would be its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "check/prng.hpp"
#include "check/program_generator.hpp"
#include "model/net_constants.hpp"

namespace kqsim::check {
namespace {

using traces::Op;

constexpr std::array<Op, 6> kExtra{Op::kPoll, Op::kSelect, Op::kFcntl, Op::kRecv, Op::kSend, Op::kUtimes};

std::map<Op, std::size_t> count_ops(const GeneratorOptions& options) {
  std::map<Op, std::size_t> n;
  for (std::uint64_t i = 0; i < 400; ++i) {
    for (const traces::Step& s : generate_program(trace_seed(13, i), options).steps) ++n[s.op];
  }
  return n;
}

GeneratorOptions with_extras() {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_extra_calls = true;
  return o;
}

TEST(ExtraCalls, OffByDefault) {
  auto n = count_ops(for_real_host(GeneratorOptions{}));
  for (Op op : kExtra) EXPECT_EQ(n[op], 0U) << traces::op_name(op);
}

TEST(ExtraCalls, EachOnRequest) {
  auto n = count_ops(with_extras());
  for (Op op : kExtra) EXPECT_GT(n[op], 40U) << traces::op_name(op);
}

TEST(ExtraCalls, NeverOnLinux) {
  auto n = count_ops(*restrict_to_host_os(with_extras(), "linux"));
  for (Op op : kExtra) EXPECT_EQ(n[op], 0U) << traces::op_name(op);
}

// A zero timeout: nothing can wait. Kqueues are polled (kqueue_poll); the
// flags are ones the model and every FreeBSD take.
TEST(ExtraCalls, PollsNeverWaitAndReachKqueues) {
  std::size_t kqueue_polls = 0;
  for (std::uint64_t i = 0; i < 400; ++i) {
    const traces::Trace t = generate_program(trace_seed(13, i), with_extras());
    std::set<std::string> kqs;
    for (const traces::Step& s : t.steps) {
      if (s.op == Op::kKqueue) kqs.insert(s.as.begin(), s.as.end());
      if (s.op == Op::kPoll || s.op == Op::kSelect) {
        EXPECT_EQ(s.sock->timeout, 0) << "program " << i << " step " << s.index;
        if (s.fd.is_name() && kqs.count(s.fd.name()) != 0) ++kqueue_polls;
      }
      if (s.op == Op::kSelect) {
        EXPECT_NE(s.sock->select_sets, 0) << "program " << i;
      }
      if (s.op == Op::kRecv || s.op == Op::kSend) {
        EXPECT_EQ(s.sock->msg_flags & model::msgflag::kOob, 0U);
      }
      if (s.op == Op::kSend) {
        EXPECT_EQ(s.sock->msg_flags & (model::msgflag::kPeek | model::msgflag::kWaitall), 0U);
      }
    }
  }
  EXPECT_GT(kqueue_polls, 40U);
}

// Where MSG_WAITALL can sleep on a non-blocking socket (13.2), no recv asks
// for it; elsewhere some do.
TEST(ExtraCalls, WaitallOnlyWhereItCannotSleep) {
  GeneratorOptions o = with_extras();
  std::size_t waitall = 0;
  for (const bool allowed : {true, false}) {
    o.recv_waitall = allowed;
    waitall = 0;
    for (std::uint64_t i = 0; i < 400; ++i) {
      for (const traces::Step& s : generate_program(trace_seed(13, i), o).steps) {
        if (s.op == Op::kRecv && (s.sock->msg_flags & model::msgflag::kWaitall) != 0) ++waitall;
      }
    }
    if (allowed) {
      EXPECT_GT(waitall, 10U);
    } else {
      EXPECT_EQ(waitall, 0U);
    }
  }
}

// Without low descriptor numbers a name is never used once an exec closed
// it: a name F_SETFD made close-on-exec is forgotten at main's exec, and
// one F_SETFD cleared again is not; nor a KQUEUE_CLOEXEC kqueue or a
// PD_CLOEXEC process descriptor.
TEST(ExtraCalls, CloseOnExecNamesForgottenAtExec) {
  GeneratorOptions o = with_extras();
  o.low_descriptor_numbers = false;
  std::size_t forgotten = 0;
  for (std::uint64_t i = 0; i < 400; ++i) {
    const traces::Trace t = generate_program(trace_seed(13, i), o);
    std::set<std::string> cloexec, closed;
    for (const traces::Step& s : t.steps) {
      if (s.proc != "main") continue;
      if (s.fd.is_name()) {
        EXPECT_EQ(closed.count(s.fd.name()), 0U) << "program " << i << " step " << s.index;
      }
      if (s.op == Op::kFcntl && s.fcntl_cmd == "F_SETFD" && s.fd.is_name()) {
        if (s.fcntl_arg == 1) cloexec.insert(s.fd.name());
        else cloexec.erase(s.fd.name());
      }
      if ((s.op == Op::kPipe || s.op == Op::kSocketpair || s.op == Op::kKqueue) && s.cloexec) {
        cloexec.insert(s.as.begin(), s.as.end());
      }
      // kqueuex(KQUEUE_CLOEXEC) and pdfork(PD_CLOEXEC) too (forgotten since 2026-12-06).
      if (s.op == Op::kKqueue && (s.kqueue_flags & model::kqflag::kCloexec) != 0) cloexec.insert(s.as[0]);
      if (s.op == Op::kPdfork && (s.pd_flags & model::pdflag::kCloexec) != 0) cloexec.insert(s.as[1]);
      if (s.op == Op::kExec) {
        forgotten += cloexec.size();
        closed.insert(cloexec.begin(), cloexec.end());
        cloexec.clear();
      }
    }
  }
  EXPECT_GT(forgotten, 0U);
}

}  // namespace
}  // namespace kqsim::check

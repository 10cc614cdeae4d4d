// TcpSettling's rules one at a time (check/tcp_settling.hpp); the whole
// generator's programs are checked against the model by tcp_programs_test.
#include "check/tcp_settling.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kqsim::check {
namespace {

using traces::Op;
using traces::Ref;
using traces::Step;

const std::vector<std::string> kNoPds;

Step step(Op op, Ref fd, Ref to = Ref{}) {
  Step s;
  s.op = op;
  s.fd = std::move(fd);
  s.to = std::move(to);
  return s;
}

TEST(TcpSettling, NothingSettlesBeforeATcpSocketExists) {
  TcpSettling tcp(true);
  tcp.number_freed("p1");
  Step write = step(Op::kWrite, Ref{"p1"});
  write.bytes = 70'000;
  EXPECT_FALSE(tcp.settle_after(write, kNoPds));
  EXPECT_EQ(write.bytes, 70'000);  // no cap either: no TCP socket to fill
  Step exit = step(Op::kExit, Ref{});
  EXPECT_FALSE(tcp.settle_after(exit, kNoPds));
}

TEST(TcpSettling, SendingStepsThroughASocketSettleOthersDoNot) {
  TcpSettling tcp(true);
  tcp.socket_made("c1");
  for (Op op : {Op::kConnect, Op::kWrite, Op::kSend, Op::kRead, Op::kRecv, Op::kShutdown, Op::kClose}) {
    Step s = step(op, Ref{"c1"});
    EXPECT_TRUE(tcp.settle_after(s, kNoPds)) << static_cast<int>(op);
  }
  Step kevent = step(Op::kKevent, Ref{"c1"});
  EXPECT_FALSE(tcp.settle_after(kevent, kNoPds));  // registers, sends nothing
}

TEST(TcpSettling, NamesMadeBeforeAnyCloseAreNeverShared) {
  TcpSettling tcp(true);
  tcp.name_made("p2");  // no number freed yet
  tcp.socket_made("c3");
  tcp.number_freed("p9");  // a later close does not make p2 shared
  Step other = step(Op::kWrite, Ref{"p2"});
  EXPECT_FALSE(tcp.settle_after(other, kNoPds));
}

TEST(TcpSettling, WritesAreCappedOnceASocketExistsThroughAnyName) {
  TcpSettling tcp(true);
  tcp.socket_made("t0");
  Step write = step(Op::kWrite, Ref{"p2"});
  write.bytes = 70'000;
  (void)tcp.settle_after(write, kNoPds);
  EXPECT_EQ(write.bytes, kTcpWriteMaxBytes);
  Step small = step(Op::kSend, Ref{"p2"});
  small.bytes = 512;
  (void)tcp.settle_after(small, kNoPds);
  EXPECT_EQ(small.bytes, 512);
}

TEST(TcpSettling, AClosedNumberAndNamesMadeAfterItMayReachASocket) {
  TcpSettling tcp(true);
  tcp.name_made("f0");  // before any close
  tcp.number_freed("f8");
  tcp.name_made("c10");
  tcp.socket_made("c10");  // took f8's number, say
  Step through_closed = step(Op::kWrite, Ref{"f8"});
  EXPECT_TRUE(tcp.settle_after(through_closed, kNoPds));
  tcp.name_made("d13");
  Step through_later = step(Op::kWrite, Ref{"d13"});
  EXPECT_TRUE(tcp.settle_after(through_later, kNoPds));
  Step through_earlier = step(Op::kWrite, Ref{"f0"});
  EXPECT_FALSE(tcp.settle_after(through_earlier, kNoPds));
}

TEST(TcpSettling, ABareNumberClosedMakesLaterNamesShared) {
  TcpSettling tcp(true);
  tcp.socket_made("t0");
  tcp.numbers_freed();
  tcp.name_made("p3");
  Step s = step(Op::kRead, Ref{"p3"});
  EXPECT_TRUE(tcp.settle_after(s, kNoPds));
}

TEST(TcpSettling, Dup2TargetsFollowTheirSource) {
  TcpSettling tcp(true);
  tcp.socket_made("c1");
  Step dup2 = step(Op::kDup2, Ref{"c1"}, Ref{"p2"});
  EXPECT_TRUE(tcp.settle_after(dup2, kNoPds));
  Step send = step(Op::kSend, Ref{"p2"});
  EXPECT_TRUE(tcp.settle_after(send, kNoPds));
  // A dup2 from a bare number copies nothing.
  Step bare = step(Op::kDup2, Ref{std::uint64_t{5}}, Ref{"p5"});
  EXPECT_FALSE(tcp.settle_after(bare, kNoPds));
  Step later = step(Op::kWrite, Ref{"p5"});
  EXPECT_FALSE(tcp.settle_after(later, kNoPds));
}

TEST(TcpSettling, Dup2OfANameThatMayShareANumberSharesItToo) {
  TcpSettling tcp(true);
  tcp.name_made("p0");     // before any close: not shared
  tcp.number_freed("f8");  // f8's number may now hold anything
  tcp.socket_made("t0");
  Step dup2 = step(Op::kDup2, Ref{"f8"}, Ref{"p0"});
  EXPECT_TRUE(tcp.settle_after(dup2, kNoPds));
  Step write = step(Op::kWrite, Ref{"p0"});
  EXPECT_TRUE(tcp.settle_after(write, kNoPds));
}

TEST(TcpSettling, ExitsExecsKillsAndProcessDescriptorsClosesSettle) {
  TcpSettling tcp(true);
  tcp.socket_made("t0");
  for (Op op : {Op::kExit, Op::kExec, Op::kKill}) {
    Step s = step(op, Ref{});
    EXPECT_TRUE(tcp.settle_after(s, kNoPds)) << static_cast<int>(op);
  }
  const std::vector<std::string> pds{"pd7"};
  Step close_pd = step(Op::kClose, Ref{"pd7"});
  EXPECT_TRUE(tcp.settle_after(close_pd, pds));
  Step dup2_onto_pd = step(Op::kDup2, Ref{"p1"}, Ref{"pd7"});
  EXPECT_TRUE(tcp.settle_after(dup2_onto_pd, pds));
  Step close_other = step(Op::kClose, Ref{"p1"});
  EXPECT_FALSE(tcp.settle_after(close_other, pds));
}

TEST(TcpSettling, DisabledItFollowsNoClosedNumber) {
  TcpSettling tcp(false);
  tcp.number_freed("f1");
  tcp.numbers_freed();
  tcp.name_made("c2");
  tcp.socket_made("c3");
  Step through_closed = step(Op::kWrite, Ref{"f1"});
  EXPECT_FALSE(tcp.settle_after(through_closed, kNoPds));
  Step through_later = step(Op::kWrite, Ref{"c2"});
  EXPECT_FALSE(tcp.settle_after(through_later, kNoPds));
}

}  // namespace
}  // namespace kqsim::check

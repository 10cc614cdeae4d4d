// A kernel test with loopback TCP helpers: sockets on 127.0.0.1 named by
// port, a listener, a connected pair, poll(2) of one descriptor.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <tuple>

#include "tests/model/kernel_fixture.hpp"

namespace kqsim::model::testing {

class NetTest : public KernelTest {
 protected:
  using KernelTest::KernelTest;
  int tcp(bool nonblock = false) {
    SysResult r = k.socket(pid, SocketType::kStream, nonblock, false, SocketDomain::kInet);
    EXPECT_EQ(r.err, Errno::kNone);
    return static_cast<int>(r.ret);
  }
  std::uint16_t port_of(int fd) { return static_cast<std::uint16_t>(k.getsockname(pid, fd).ret); }
  // A connected pair: client c and accepted server s.
  std::array<int, 2> connection(int listener) {
    int c = tcp();
    EXPECT_EQ(k.connect_port(pid, c, port_of(listener)).ret, 0);
    SysResult s = k.accept(pid, listener);
    EXPECT_EQ(s.err, Errno::kNone);
    return {c, static_cast<int>(s.ret)};
  }
  // A connection left on its listener's port once the listener closed:
  // {port, client, accepted end}.
  std::tuple<std::uint16_t, int, int> connection_without_listener() {
    int l = listener();
    const std::uint16_t port = port_of(l);
    auto [c, s] = connection(l);
    EXPECT_EQ(k.close(pid, l).ret, 0);
    return {port, c, s};
  }
  int listener() {
    int l = tcp();
    EXPECT_EQ(k.listen(pid, l, 8).ret, 0);
    return l;
  }
  std::int16_t poll1(int fd, std::int16_t events, std::int64_t timeout_ms = 0) {
    PollFd p{fd, events, 0};
    SysResult r = k.poll(pid, std::span<PollFd>(&p, 1), timeout_ms);
    EXPECT_TRUE(r.done());
    return p.revents;
  }
};

}  // namespace kqsim::model::testing

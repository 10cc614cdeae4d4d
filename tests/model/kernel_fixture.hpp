// Shared helpers for model tests: a fresh FreeBSD-main kernel and short
// ways to make the calls a test needs. Expected values in tests come from
// the sources cited next to them, never from running the model.
#pragma once

#include <array>
#include <vector>

#include <gtest/gtest.h>

#include "model/invariants.hpp"
#include "model/kernel.hpp"

namespace kqsim::model::testing {

inline constexpr Timespec kPoll{0, 0};
// The first vnode a test creates: 0 is "/", 1 is "/tmp" (the model's file
// system starts with it, kernel_fd.cpp).
inline constexpr std::uint32_t kFirstVnode = 2;

inline KEvent kev(std::uint64_t ident, FilterId filter, EventFlags flags, std::uint32_t fflags = 0,
                  std::int64_t data = 0, std::uint64_t udata = 0) {
  return KEvent{ident, filter, flags, fflags, data, udata};
}

class KernelTest : public ::testing::Test {
 protected:
  explicit KernelTest(const DialectProfile& profile = default_profile()) : k(profile) {}

  void TearDown() override {
    auto violations = check_invariants(k);
    EXPECT_TRUE(violations.empty()) << violations.front();
  }

  int new_kq() {
    SysResult r = k.kqueue(pid);
    EXPECT_TRUE(r.done() && r.err == Errno::kNone);
    return static_cast<int>(r.ret);
  }
  std::array<int, 2> new_pipe(bool nonblock = true) {
    PipeResult r = k.pipe(pid, nonblock);
    EXPECT_EQ(r.sys.err, Errno::kNone);
    return r.fds;
  }
  // Opens (by default creates) a regular file of the simulated file system.
  int open_file(const char* path, std::uint32_t flags = oflag::kRdwr | oflag::kCreat) {
    SysResult r = k.open(pid, path, flags);
    EXPECT_EQ(r.err, Errno::kNone);
    return static_cast<int>(r.ret);
  }
  // Apply changes with room for error records; returns the whole result.
  KeventResult apply(int kq, std::vector<KEvent> changes, int nevents = 0) {
    return k.kevent(pid, kq, changes, nevents, kPoll);
  }
  KeventResult poll(int kq, int nevents = 8) { return k.kevent(pid, kq, {}, nevents, kPoll); }
  // Registers and asserts success.
  void add(int kq, KEvent change) {
    KeventResult r = apply(kq, {change});
    ASSERT_EQ(r.sys.err, Errno::kNone);
    ASSERT_EQ(r.sys.ret, 0);
  }

  Kernel k;
  Pid pid = Kernel::kInitPid;
};

}  // namespace kqsim::model::testing

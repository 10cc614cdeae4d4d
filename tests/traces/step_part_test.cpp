// A Step's rarely used arguments (traces/step_part.hpp): absent until
// written, read as defaults meanwhile, copied deeply with the step.
#include "traces/step_part.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "traces/trace.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::traces {
namespace {

Trace parse(const char* steps) {
  return parse_steps(nlohmann::json::parse(steps), "step-part-test", "freebsd-main");
}

TEST(StepPart, AKeventStepCarriesNoSocketFileOrAioArguments) {
  const Trace t = parse(R"([{"op": "kqueue", "as": "kq"},
                            {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}}])");
  ASSERT_EQ(t.steps.size(), 2U);
  EXPECT_FALSE(t.steps[1].sock.written());
  EXPECT_FALSE(t.steps[1].vfs.written());
  EXPECT_FALSE(t.steps[1].aio.written());
  // Read as a plain member's default would be.
  EXPECT_EQ(t.steps[1].sock->backlog, 0);
  EXPECT_EQ(t.steps[1].vfs->fd, -1);
  EXPECT_TRUE(t.steps[1].aio->entries.empty());
}

TEST(StepPart, ASocketStepHoldsItsArguments) {
  const Trace t = parse(R"([{"op": "socket", "domain": "unix", "type": "stream", "as": "s"},
                            {"op": "listen", "fd": "s", "backlog": 5}])");
  EXPECT_TRUE(t.steps[1].sock.written());
  EXPECT_EQ(t.steps[1].sock->backlog, 5);
  EXPECT_FALSE(t.steps[1].vfs.written());
}

TEST(StepPart, ACopyIsIndependentOfTheOriginal) {
  Step a;
  a.sock->backlog = 7;
  Step b = a;
  b.sock->backlog = 9;
  EXPECT_EQ(a.sock->backlog, 7);
  EXPECT_EQ(b.sock->backlog, 9);
  Step c;
  c = b;
  EXPECT_EQ(c.sock->backlog, 9);
  Step d = std::move(c);
  EXPECT_EQ(d.sock->backlog, 9);
  const Step empty;
  d = empty;
  EXPECT_FALSE(d.sock.written());
}

}  // namespace
}  // namespace kqsim::traces

namespace kqsim::traces {
namespace {

// RareText reads and compares as the std::optional<std::string> it replaced.
TEST(RareText, ComparesAsAnOptionalString) {
  const std::optional<std::string> none;
  const std::optional<std::string> segv = "SIGSEGV";
  RareText absent;
  RareText crash = segv;
  EXPECT_FALSE(absent.has_value());
  EXPECT_TRUE(absent == none);
  EXPECT_FALSE(absent != none);
  EXPECT_TRUE(absent != segv);
  EXPECT_TRUE(crash == segv);
  EXPECT_FALSE(crash != segv);
  EXPECT_TRUE(crash != none);
  EXPECT_TRUE(none != crash);
  EXPECT_TRUE(crash == "SIGSEGV");
  EXPECT_EQ(absent.value_or("returned"), "returned");
  EXPECT_EQ(crash.value_or("returned"), "SIGSEGV");
  const std::optional<std::string> back = crash;
  EXPECT_EQ(back, segv);
  RareText copy = crash;
  EXPECT_TRUE(copy == crash);
  copy = std::nullopt;
  EXPECT_FALSE(copy.has_value());
  EXPECT_TRUE(crash.has_value());
}

}  // namespace
}  // namespace kqsim::traces

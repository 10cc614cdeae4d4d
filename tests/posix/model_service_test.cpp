// ModelService, the model behind the C API, with host effects: what it does
// with calls that race each other across processes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>

#include "model/kernel.hpp"
#include "sim/interpreter.hpp"
#include "sim/model_backend.hpp"
#include "sim/posix/model_service.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::posix {
namespace {

RpcRequest call(RpcOp op, std::int32_t pid, std::int64_t a = 0, std::int64_t b = 0) {
  RpcRequest q;
  q.op = op;
  q.pid = pid;
  q.a = a;
  q.b = b;
  return q;
}

bool blocked(const RpcReply& r) { return r.completion == static_cast<std::uint8_t>(model::Completion::kBlockedForever); }

// A host process to play the model's child: it only waits to be killed,
// and is killed and reaped here if a failed assertion left it running.
struct HostChild {
  pid_t pid = fork();
  HostChild() {
    if (pid == 0) {
      for (;;) pause();
    }
  }
  HostChild(const HostChild&) = delete;
  HostChild& operator=(const HostChild&) = delete;
  ~HostChild() {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
};

// Regression (CI of 2026-12-03, posix/trace-replay): a child's read()
// reached the model after its parent's kill(SIGKILL) of it had; the trace
// recorded a read by a process that had exited, and kqreplay refused the
// trace ("process 'p3' has exited"). The kernel never sees such a call.
TEST(ModelService, CallOfAKilledProcessIsNeitherAnsweredNorRecorded) {
  const std::string path = testing::TempDir() + "/kqsim-model-service-trace.json";
  ASSERT_EQ(setenv("KQSIM_TRACE", path.c_str(), 1), 0);
  ModelService service(model::default_profile(), true);
  const std::int32_t parent = model::Kernel::kInitPid;
  const RpcReply pipe = service.answer(call(RpcOp::kPipe, parent));
  ASSERT_EQ(pipe.ret, 0);
  const RpcReply fork = service.answer(call(RpcOp::kFork, parent));
  ASSERT_GT(fork.ret, 0);
  const auto child = static_cast<std::int32_t>(fork.ret);
  HostChild host_child;
  const pid_t host = host_child.pid;
  ASSERT_GT(host, 0);
  (void)service.answer(call(RpcOp::kBindPid, child, child, host));

  EXPECT_EQ(service.answer(call(RpcOp::kKill, parent, host, SIGKILL)).ret, 0);
  EXPECT_FALSE(service.alive(child));
  int status = 0;
  ASSERT_EQ(waitpid(host, &status, 0), host);
  host_child.pid = -1;  // reaped
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  EXPECT_TRUE(blocked(service.answer(call(RpcOp::kRead, child, pipe.fds[0], 1))));
  // Its exit(1), raced the same way, lets the host process go (exit1 ran).
  const RpcReply exit = service.answer(call(RpcOp::kExit, child, 0, 1));
  EXPECT_FALSE(blocked(exit));
  EXPECT_EQ(exit.ret, 0);
  service.finish();  // writes KQSIM_TRACE's file
  unsetenv("KQSIM_TRACE");

  const traces::Trace trace = traces::load_trace_file(path);
  std::filesystem::remove(path);
  const std::string child_name = "p" + std::to_string(child);
  for (const traces::Step& s : trace.steps) EXPECT_NE(s.proc, child_name) << "step " << s.index;
  sim::ModelBackend backend(model::default_profile());
  sim::Interpreter interpreter(trace, backend);
  for (const sim::StepOutcome& o : interpreter.run()) EXPECT_TRUE(o.divergences.empty()) << "step " << o.step->index;
}

}  // namespace
}  // namespace kqsim::posix

// KQSIM_TRACE: a program's calls on the model, in the order the model
// served them, written as a kqsim trace (each step with what it returned),
// so `kqreplay run` replays the program's run and `explain` shows it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "sim/posix/model_rpc.hpp"
#include "traces/trace.hpp"

namespace kqsim::posix {

class CallTrace {
 public:
  // to_model_pid: the model pid of a host pid the program named.
  CallTrace(std::string dialect, std::function<std::int64_t(std::int64_t)> to_model_pid);
  // One call the model completed. The request and reply speak in host pids.
  void record(const RpcRequest& q, const RpcReply& r);
  // A kevent that then waited: its changes were applied (no error record,
  // or it would not have waited) - a kevent with nevents 0 did the same.
  void record_applied_changes(const RpcRequest& q);
  void write(const std::string& path) const;

 private:
  bool fill(const RpcRequest& q, const RpcReply& r, traces::Step& s);
  traces::Trace trace_;
  std::function<std::int64_t(std::int64_t)> to_model_pid_;
  std::string skipped_;  // calls a trace cannot hold, by name
};

}  // namespace kqsim::posix

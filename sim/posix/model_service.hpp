// The model behind the C API: one ModelBackend answering RpcRequests, with
// the program's host pids translated to the model's pids and back.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "model/dialect_profile.hpp"
#include "sim/model_backend.hpp"
#include "sim/posix/call_trace.hpp"
#include "sim/posix/deviations.hpp"
#include "sim/posix/model_rpc.hpp"

namespace kqsim::posix {

class ModelService {
 public:
  // host_effects: a process the model kills dies on the host too (programs
  // run on the model); the recorder keeps its workers and leaves it off.
  ModelService(const model::DialectProfile& profile, bool host_effects);

  // One request answered on the model, as faithfully as the injected
  // deviations allow.
  RpcReply answer(const RpcRequest& q);
  // The same request answered on a copy of the model: what it would return
  // now, the model untouched.
  [[nodiscard]] RpcReply try_answer(const RpcRequest& q) const;
  [[nodiscard]] std::int64_t now_ns() const { return model_.kernel().now_ns(); }
  [[nodiscard]] bool alive(std::int32_t model_pid) const { return model_.alive(model_pid); }
  // The host process playing model_pid ended without calling exit: exit1
  // for it, status 0 (the host's real status is not known here).
  void vanished(std::int32_t model_pid);
  // The program is over: KQSIM_TRACE, if set, gets the trace of its calls.
  void finish() const;

 private:
  // The caller's process ended before this call of it reached the model.
  [[nodiscard]] bool caller_already_gone(const RpcRequest& q) const;
  static RpcReply gone_caller_reply(const RpcRequest& q);

  sim::ModelBackend model_;
  std::map<std::int64_t, std::int32_t> host_to_model_;  // learnt from kBindPid
  const Deviations& deviations_;
  bool host_effects_;
  std::unique_ptr<CallTrace> trace_;  // with KQSIM_TRACE set
};

}  // namespace kqsim::posix

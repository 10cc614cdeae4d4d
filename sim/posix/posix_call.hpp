// What the C API's source files share: one request to the model server, and
// a call the model cannot serve at all.
#pragma once

#include <cstdint>

#include "sim/posix/model_rpc.hpp"

namespace kqsim::posix {

// Sends one request; returns the C return value, errno set as the call's.
std::int64_t rpc_call(RpcRequest& q, RpcReply& r);
// Fails the call as KQSIM_UNSUPPORTED (errno ENOSYS) with `what` as detail.
int unsupported_call(const char* what);

}  // namespace kqsim::posix

// A call of the model's C API (kqsim/posix.h) as the recorder's HostCall:
// the host_kernel (host_kernel_model.cpp) and host_net_call
// (host_net_model.cpp) implementations on the model share it.
#pragma once

#include <cstdint>

#include "sim/host/host_kernel.hpp"

namespace kqsim::host {

// The C API's return value, and on failure its errno, whether the model
// would block forever or cannot express the call (kqsim_last_status), and
// why (kqsim_last_detail).
HostCall model_call_result(std::int64_t ret);

}  // namespace kqsim::host

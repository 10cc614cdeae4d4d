#include "sim/host/model_call_result.hpp"

#include <cerrno>
#include <cstring>

#include "kqsim/posix.h"

namespace kqsim::host {

HostCall model_call_result(std::int64_t ret) {
  HostCall c;
  c.ret = ret;
  if (ret >= 0) return c;
  if (kqsim_last_status() == KQSIM_BLOCKED) c.completion = model::Completion::kBlockedForever;
  if (kqsim_last_status() == KQSIM_UNSUPPORTED) c.completion = model::Completion::kUnsupported;
  c.detail = kqsim_last_detail();
  c.errno_name = strerrorname_np(errno);
  return c;
}

}  // namespace kqsim::host

// Known bugs the model-backed kqueue C API can be told to have, so the tools
// that hunt for an implementation's divergences can be tested on an
// implementation whose divergences are known (docs/kqreplay.md#injected-deviations).
// Selected at run time: KQSIM_DEVIATIONS=ev-add-kept,crash-on=dup2,...
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/posix/model_rpc.hpp"

namespace kqsim::posix {

struct Deviations {
  bool ev_add_kept = false;              // EV_ADD stays set in returned events (libkqueue has had this)
  bool error_records_uncounted = false;  // EV_ERROR receipts written but not counted in kevent's return
  bool close_keeps_knotes = false;       // close() does not reach the kqueue: knotes on the descriptor stay
  bool extra_fds = false;                // kqueue() holds two internal descriptors first (a pipe)
  std::optional<RpcOp> crash_on;         // the calling process dies of SIGSEGV at this call
  std::optional<RpcOp> hang_on;          // the calling process never returns from this call
  std::optional<model::FilterId> never_fires;  // events of this filter are never returned

  [[nodiscard]] bool any() const;
};

// Parses a KQSIM_DEVIATIONS value; on an unknown entry returns nullopt and
// names it in `error`.
std::optional<Deviations> parse_deviations(const std::string& text, std::string& error);
// The deviations of this process's environment (parsed once; a bad value is
// reported on stderr and ends the process: silently testing a faithful
// implementation would pass every test).
const Deviations& active_deviations();

// Server side: a request as a buggy implementation would handle it. Returns
// true when it answered the request itself.
bool deviate_request(const Deviations& d, const RpcRequest& q, RpcReply& reply);
// Server side: a reply as a buggy implementation would give it.
void deviate_reply(const Deviations& d, const RpcRequest& q, RpcReply& reply);
// Client side: crashes or hangs the calling process on the chosen call.
void deviate_call(const Deviations& d, RpcOp op);

}  // namespace kqsim::posix

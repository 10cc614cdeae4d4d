#include "sim/posix/deviations.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <utility>

#include "model/kevent_names.hpp"

namespace kqsim::posix {
namespace {

// The C API calls a deviation can name, by the name of their C function.
constexpr std::array<std::pair<const char*, RpcOp>, 16> kCalls{{
    {"kqueue", RpcOp::kKqueue}, {"pipe", RpcOp::kPipe}, {"read", RpcOp::kRead}, {"write", RpcOp::kWrite},
    {"close", RpcOp::kClose}, {"dup", RpcOp::kDup}, {"dup2", RpcOp::kDup2}, {"fork", RpcOp::kFork},
    {"exec", RpcOp::kExec}, {"exit", RpcOp::kExit}, {"sleep", RpcOp::kSleep}, {"kevent", RpcOp::kKevent},
    {"kill", RpcOp::kKill}, {"pdfork", RpcOp::kPdfork}, {"socket", RpcOp::kSocket}, {"aio", RpcOp::kAio},
}};

std::optional<RpcOp> call_named(const std::string& name) {
  for (const auto& [n, op] : kCalls) {
    if (name == n) return op;
  }
  return std::nullopt;
}

bool is_error(const model::KEvent& e) { return (e.flags & model::ev::kError) != 0; }

// Removes the events `drop` selects from a kevent reply, keeping the count right.
template <typename Drop>
void drop_events(RpcReply& reply, Drop drop) {
  std::int32_t kept = 0;
  for (std::int32_t i = 0; i < reply.nevents; ++i) {
    if (!drop(reply.events[i])) reply.events[kept++] = reply.events[i];
  }
  if (reply.ret >= 0) reply.ret -= reply.nevents - kept;
  reply.nevents = kept;
}

}  // namespace

bool Deviations::any() const {
  return ev_add_kept || error_records_uncounted || close_keeps_knotes || extra_fds || crash_on || hang_on || never_fires;
}

std::optional<Deviations> parse_deviations(const std::string& text, std::string& error) {
  Deviations d;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (key == "ev-add-kept") d.ev_add_kept = true;
    else if (key == "error-records-uncounted") d.error_records_uncounted = true;
    else if (key == "close-keeps-knotes") d.close_keeps_knotes = true;
    else if (key == "extra-fds") d.extra_fds = true;
    else if (key == "crash-on" && call_named(value)) d.crash_on = call_named(value);
    else if (key == "hang-on" && call_named(value)) d.hang_on = call_named(value);
    else if (key == "never-fires" && model::filter_from_name(value)) d.never_fires = model::filter_from_name(value);
    else {
      error = "unknown KQSIM_DEVIATIONS entry '" + item + "'";
      return std::nullopt;
    }
  }
  return d;
}

const Deviations& active_deviations() {
  static const Deviations d = [] {
    const char* env = std::getenv("KQSIM_DEVIATIONS");
    std::string error;
    auto parsed = parse_deviations(env != nullptr ? env : "", error);
    if (!parsed) {
      std::fprintf(stderr, "kqsim: %s\n", error.c_str());
      std::exit(2);
    }
    return *parsed;
  }();
  return d;
}

bool deviate_request(const Deviations& d, const RpcRequest& q, RpcReply& reply) {
  if (d.close_keeps_knotes && q.op == RpcOp::kClose) {
    reply = RpcReply{};  // the caller hears success; the model never learns of the close
    return true;
  }
  return false;
}

void deviate_reply(const Deviations& d, const RpcRequest& q, RpcReply& reply) {
  if (q.op != RpcOp::kKevent || reply.ret < 0) return;
  if (d.never_fires) drop_events(reply, [&](const model::KEvent& e) { return !is_error(e) && e.filter == *d.never_fires; });
  if (d.ev_add_kept) {
    for (std::int32_t i = 0; i < reply.nevents; ++i) {
      if (!is_error(reply.events[i])) reply.events[i].flags |= model::ev::kAdd;
    }
  }
  if (d.error_records_uncounted) {
    std::int32_t errors = 0;
    for (std::int32_t i = 0; i < reply.nevents; ++i) errors += is_error(reply.events[i]) ? 1 : 0;
    reply.ret -= errors;
  }
}

void deviate_call(const Deviations& d, RpcOp op) {
  if (d.crash_on == op) raise(SIGSEGV);
  if (d.hang_on == op) {
    for (;;) pause();
  }
}

}  // namespace kqsim::posix

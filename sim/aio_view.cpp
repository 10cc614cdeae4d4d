#include <fmt/format.h>

#include "sim/kernel_view.hpp"

namespace kqsim::sim {

std::string describe_aio(const model::Kernel& k, const AddrNamer& addr_name, const ProcNamer& proc_name) {
  std::string out;
  for (std::size_t i = 0; i < k.aio_jobs().size(); ++i) {
    const model::AioJob& j = k.aio_jobs()[i];
    if (!j.live) continue;
    if (out.empty()) out = "  aio requests:\n";
    const std::string state = j.finished ? fmt::format("finished: status {}, error {}", j.status, model::errno_name(j.error))
                                         : std::string("queued for an aio daemon (EINPROGRESS)");
    const std::string lio = j.lio == model::kNoLio ? "" : fmt::format(", lio {}", addr_text(k.aio_lios()[j.lio].uaddr, addr_name));
    out += fmt::format("    {:<24} {} {} fd {} offset {} nbytes {}: {}, {} knote(s){}\n", addr_text(j.ujob, addr_name),
                       proc_text(j.owner, proc_name), j.opcode == model::lio::kRead ? "read" : "write", j.fildes,
                       j.offset, j.nbytes, state, j.knotes.size(), lio);
  }
  for (const model::AioLio& lj : k.aio_lios()) {
    if (!lj.live) continue;
    out += fmt::format("    lio_listio {} {}: {} job(s), {} finished, {}, {} knote(s)\n", addr_text(lj.uaddr, addr_name),
                       proc_text(lj.owner, proc_name), lj.count, lj.finished_count,
                       lj.kevent ? (lj.kevent_posted ? "kevent posted" : "kevent not yet posted") : "no kevent",
                       lj.knotes.size());
  }
  return out;
}

}  // namespace kqsim::sim

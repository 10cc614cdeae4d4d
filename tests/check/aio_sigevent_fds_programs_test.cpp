// GeneratorOptions::with_aio_sigevent_fds (kqcheck --with-aio-sigevent-fds):
// aio requests' and lio_listio's SIGEV_KEVENT sigevents now and then name an
// open descriptor that is not a kqueue, which kqfd_register refuses with the
// dialect's answer (EBADF on 13.2: kqueue_acquire; EINVAL on 15.1 and main,
// aio-sigevent-kqueue-errors). Without the option none does. Off by default:
// each earlier seed keeps its programs (checked by comparing the generated
// programs of several option sets with the generator before the option).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>

#include "check/program_generator.hpp"
#include "model/kevent_constants.hpp"
#include "tests/check/generated_programs.hpp"

namespace kqsim::check {
namespace {

using traces::Op;

// The kqueues a generated program names are kq0, kq1, ... (fresh("kq")).
bool names_other_than_kqueue(const traces::Ref& kq) { return kq.is_name() && kq.name().rfind("kq", 0) != 0; }

bool sigevent_on_other_fd(const traces::Step& s) {
  if (s.op == Op::kAioRead || s.op == Op::kAioWrite) {
    const traces::AioSigevent& sig = s.aio->cb.sigevent;
    return sig.notify == model::sigev::kKevent && names_other_than_kqueue(sig.kq);
  }
  if (s.op != Op::kLioListio) return false;
  if (s.aio->sig && s.aio->sig->notify == model::sigev::kKevent && names_other_than_kqueue(s.aio->sig->kq)) return true;
  for (const traces::AioRequest& q : s.aio->entries) {
    if (q.sigevent.notify == model::sigev::kKevent && names_other_than_kqueue(q.sigevent.kq)) return true;
  }
  return false;
}

Counts run_programs(bool sigevent_fds, const char* dialect) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.with_aio_sigevent_fds = sigevent_fds;
  o.steps = 150;
  const model::Errno refusal = std::string(dialect) == "freebsd-13.2" ? model::Errno::kEBADF : model::Errno::kEINVAL;
  return count_on_model(o, 53, 300, dialect,
                        {{"submissions naming another descriptor",
                          [](const traces::Step& s, const sim::StepOutcome&) -> std::size_t {
                            return sigevent_on_other_fd(s) ? 1 : 0;
                          }},
                         {"of which refused as not a kqueue",
                          [refusal](const traces::Step& s, const sim::StepOutcome& out) -> std::size_t {
                            return sigevent_on_other_fd(s) && out.actual.err == refusal ? 1 : 0;
                          }}});
}

TEST(AioSigeventFdsPrograms, SigeventsNameDescriptorsThatAreNotKqueues) {
  for (const char* dialect : {"freebsd-13.2", "freebsd-15.1"}) {
    const Counts off = run_programs(false, dialect);
    const Counts on = run_programs(true, dialect);
    std::fprintf(stderr, "%s: %s\n", dialect, counts_text(off, on).c_str());
    EXPECT_EQ(off.at("submissions naming another descriptor"), 0U);
    EXPECT_GE(on.at("submissions naming another descriptor"), 20U);
    // Most are refused for that reason; a few fail earlier (EBADF of the
    // request's own descriptor, EINVAL of an offset or of kevent flags).
    EXPECT_GT(2 * on.at("of which refused as not a kqueue"), on.at("submissions naming another descriptor"));
  }
}

}  // namespace
}  // namespace kqsim::check

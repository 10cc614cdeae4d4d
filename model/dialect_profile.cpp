#include "model/dialect_profile.hpp"

#include <array>

namespace kqsim::model {
namespace {

constexpr DialectProfile make_main() {
  DialectProfile p;
  p.name = "freebsd-main";
  p.description = "FreeBSD main (16-CURRENT), kern_event.c as of late 2025";
  return p;
}

// 15.1-RELEASE matched main in every probe (docs/observed-real-kernels.md).
constexpr DialectProfile make_15_1() {
  DialectProfile p = make_main();
  p.name = "freebsd-15.1";
  p.description = "FreeBSD 15.1-RELEASE (observed on a real kernel)";
  // 15.1 ships main's unix stream implementation (the peer's receive buffer
  // measured by EVFILT_WRITE, unp_dispose on SHUT_RD): every socket trace of
  // the corpus recorded on 15.1 matches it (docs/observed-real-kernels.md R4).
  p.procdesc_fork_notes = false;  // recorded: a fork posts nothing (procdesc-fork-not-posted-13.2 step 4)
  return p;
}

constexpr DialectProfile make_13_2() {
  DialectProfile p = make_main();
  p.name = "freebsd-13.2";
  p.description = "FreeBSD 13.2-RELEASE (observed on a real kernel)";
  p.non_kqueue_errno = Errno::kEBADF;
  p.filter_syscount = 13;
  p.has_cponfork = false;
  p.has_kqueuex = false;
  p.has_keepudata = false;
  p.fork_skipped_kqueue_lowers_free_hint = true;
  // The pre-rewrite uipc_usrreq.c: PIPSIZ 8192 for streams, 2 KiB datagrams
  // and a 4 KiB datagram receive buffer (R5).
  p.unix_stream_own_send_buffer = true;
  p.unix_listener_keeps_buffer_sizes = true;
  p.unix_stream_receive_generic = true;
  p.sorflush_clears_sb_flags = true;
  p.unix_dgram_receiver_space = true;
  p.unix_abort_errno = Errno::kECONNRESET;
  p.unix_stream_sendspace = 8192;
  p.unix_stream_recvspace = 8192;
  p.unix_dgram_maxdgram = 2048;
  p.unix_dgram_sendspace = 2048;
  p.unix_dgram_recvspace = 4096;
  p.fifo_other_filters_to_vnode = false;
  p.procdesc_fork_notes = false;
  p.dead_vnode_io_errno = Errno::kEIO;
  p.tcp_timewait_connect_errno = Errno::kEADDRINUSE;
  p.tcp_timewait_ns = -1;
  p.tcp_finwait2_connect_reuses_pcb = true;
  return p;
}

constexpr std::array<DialectProfile, 3> kProfiles{make_main(), make_15_1(), make_13_2()};

}  // namespace

const DialectProfile& default_profile() { return kProfiles[0]; }

const DialectProfile* find_profile(std::string_view name) {
  for (const auto& p : kProfiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::span<const DialectProfile> all_profiles() { return kProfiles; }

}  // namespace kqsim::model

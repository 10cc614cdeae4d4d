// GeneratorOptions::with_fixed_ports (kqcheck --with-fixed-ports): with TCP,
// listeners and clients now and then bind(2) one of the program's three
// fixed ports, some after SO_REUSEADDR, so that binds meet ports held by
// bound sockets, listeners, connections and TIME_WAIT (R48: in_pcbbind_setup).
// Each program of a campaign has ports of its own (for_program_index), all
// below FreeBSD's ephemeral range. Off by default: each earlier seed keeps
// its programs (generator_stability_test).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>

#include "check/program_generator.hpp"
#include "model/errno_code.hpp"
#include "tests/check/generated_programs.hpp"

namespace kqsim::check {
namespace {

using traces::Op;

bool binds_port(const traces::Step& s) { return s.op == Op::kBind && s.sock->port.has_value(); }

GeneratorOptions campaign_like(bool fixed_ports, bool recv_waitall = true) {
  GeneratorOptions o = for_real_host(GeneratorOptions{});
  o.recv_waitall = recv_waitall;  // off on 13.2 (soreceive_generic sleeps), as kqcheck sets it
  o.with_extra_calls = true;
  o.with_tcp = true;
  o.tcp_teardown = true;
  o.tcp_clients_per_listener = 4;
  o.with_fixed_ports = fixed_ports;
  o.steps = 150;
  return o;
}

Counts run_programs(bool fixed_ports, const char* dialect) {
  return count_on_model(campaign_like(fixed_ports, std::string(dialect) != "freebsd-13.2"), 71, 300, dialect,
                        {{"binds of a fixed port",
                          [](const traces::Step& s, const sim::StepOutcome&) -> std::size_t { return binds_port(s) ? 1 : 0; }},
                         {"of which bound",
                          [](const traces::Step& s, const sim::StepOutcome& out) -> std::size_t {
                            return binds_port(s) && out.actual.err == model::Errno::kNone ? 1 : 0;
                          }},
                         {"of which in use (EADDRINUSE)",
                          [](const traces::Step& s, const sim::StepOutcome& out) -> std::size_t {
                            return binds_port(s) && out.actual.err == model::Errno::kEADDRINUSE ? 1 : 0;
                          }},
                         {"SO_REUSEADDR set",
                          [](const traces::Step& s, const sim::StepOutcome& out) -> std::size_t {
                            return s.op == Op::kSetsockopt && s.sock->option == model::SocketOption::kReuseAddr &&
                                           out.actual.err == model::Errno::kNone
                                       ? 1
                                       : 0;
                          }}});
}

TEST(FixedPortsPrograms, BindsMeetHeldPorts) {
  for (const char* dialect : {"freebsd-13.2", "freebsd-15.1"}) {
    const Counts off = run_programs(false, dialect);
    const Counts on = run_programs(true, dialect);
    std::fprintf(stderr, "%s: %s\n", dialect, counts_text(off, on).c_str());
    EXPECT_EQ(off.at("binds of a fixed port"), 0U);
    EXPECT_EQ(off.at("SO_REUSEADDR set"), 0U);
    EXPECT_GE(on.at("binds of a fixed port"), 100U);
    EXPECT_GE(on.at("of which bound"), 50U);
    EXPECT_GE(on.at("of which in use (EADDRINUSE)"), 5U);
    EXPECT_GE(on.at("SO_REUSEADDR set"), 30U);
  }
}

// A connect step whose socket a fixed bind named before it: that bind.
const traces::Step* bound_client(const traces::Trace& t, const traces::Step& connect) {
  if (connect.op != Op::kConnect || !connect.fd.is_name()) return nullptr;
  for (std::size_t i = 0; i < connect.index; ++i) {
    const traces::Step& b = t.steps[i];
    if (binds_port(b) && b.fd.is_name() && b.fd.name() == connect.fd.name()) return &b;
  }
  return nullptr;
}

// Every fixed port a program binds is one of its own three. A client bound
// to one connects by number to another: never by port_of, which may name a
// number the client itself holds by then (its own port: TCP's simultaneous
// open with itself, which connects on a real kernel and which the model
// does not model; 15.1 campaign seed 54).
TEST(FixedPortsPrograms, PortsAreTheProgramsOwn) {
  for (std::uint64_t index : {0U, 1U, 2599U, 2600U, 123456U}) {
    const GeneratorOptions o = for_program_index(campaign_like(true), index);
    const std::uint16_t base = o.fixed_port_base;
    const Counts n = count_written(
        o, 72 + index, 40,
        {{"fixed binds outside the program's ports",
          [base](const traces::Trace&, const traces::Step& s) -> std::size_t {
            return binds_port(s) && (*s.sock->port < base || *s.sock->port >= base + GeneratorOptions::kFixedPortsPerProgram) ? 1 : 0;
          }},
         {"clients bound to a fixed port",
          [](const traces::Trace& t, const traces::Step& s) -> std::size_t { return bound_client(t, s) ? 1 : 0; }},
         {"bound clients connecting by port_of or to their own port",
          [](const traces::Trace& t, const traces::Step& s) -> std::size_t {
            const traces::Step* bind = bound_client(t, s);
            return bind != nullptr && (!s.sock->port || *s.sock->port == *bind->sock->port) ? 1 : 0;
          }}});
    EXPECT_EQ(n.at("fixed binds outside the program's ports"), 0U) << "index " << index;
    EXPECT_GE(n.at("clients bound to a fixed port"), 2U) << "index " << index;
    EXPECT_EQ(n.at("bound clients connecting by port_of or to their own port"), 0U) << "index " << index;
  }
}

// 2,600 programs in a row have ports no other of them has, all from 2000 and
// below 10,000 (ipport_firstauto): a campaign's programs never meet a port an
// earlier one left in TIME_WAIT, and listen(2) never picks one.
TEST(FixedPortsPrograms, ProgramsInARowHavePortsOfTheirOwn) {
  std::set<std::uint16_t> ports;
  for (std::uint64_t i = 0; i < 2600; ++i) {
    const std::uint16_t base = for_program_index(GeneratorOptions{}, 1000 + i).fixed_port_base;
    for (std::uint16_t k = 0; k < GeneratorOptions::kFixedPortsPerProgram; ++k) {
      EXPECT_TRUE(ports.insert(static_cast<std::uint16_t>(base + k)).second) << "program " << 1000 + i;
    }
  }
  EXPECT_EQ(*ports.begin(), 2000);
  EXPECT_LT(*ports.rbegin(), 10000);
}

}  // namespace
}  // namespace kqsim::check

// Ephemeral AF_INET ports compared as names when the model follows a
// recording (docs/kqreplay.md#following-the-host). A real FreeBSD kernel
// picks a port at random from net.inet.ip.portrange.first..last (in_pcb_lport
// with ipport_randomized on), the model counts up from 10000, so a recorded
// getsockname port is never the model's number. What is compared instead is
// identity: the first distinct port the host returned stands for the first
// distinct port the model returned, and so on, both ways. A host port outside
// the ephemeral range, a port the trace bound explicitly, or a pairing that
// contradicts an earlier one is compared as a number (a divergence).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>

namespace kqsim::sim {

class PortNames {
 public:
  // netinet/in.h IPPORT_EPHEMERALFIRST/LAST: the defaults of
  // net.inet.ip.portrange.first/last (13.2, 15.1 and main).
  static constexpr std::int64_t kEphemeralFirst = 10000;
  static constexpr std::int64_t kEphemeralLast = 65535;

  explicit PortNames(std::set<std::int64_t> explicit_ports = {}) : explicit_(std::move(explicit_ports)) {}

  // The port the host's one stands for on the model (the model's own, when
  // the two can be paired as names), else the host's port unchanged.
  std::int64_t model_port_for(std::int64_t host_port, std::int64_t model_port);

 private:
  std::set<std::int64_t> explicit_;
  std::map<std::int64_t, std::int64_t> host_to_model_;
  std::map<std::int64_t, std::int64_t> model_to_host_;
};

}  // namespace kqsim::sim

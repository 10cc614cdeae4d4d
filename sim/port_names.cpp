#include "sim/port_names.hpp"

namespace kqsim::sim {

std::int64_t PortNames::model_port_for(std::int64_t host_port, std::int64_t model_port) {
  // The same number is the same port (an explicit bind, or the host's random
  // pick happened to be the model's): it is paired with itself.
  if (host_port == model_port) {
    host_to_model_.emplace(host_port, model_port);
    model_to_host_.emplace(model_port, host_port);
    return host_port;
  }
  if (explicit_.count(host_port) != 0 || explicit_.count(model_port) != 0) return host_port;
  if (host_port < kEphemeralFirst || host_port > kEphemeralLast) return host_port;
  auto h = host_to_model_.find(host_port);
  auto m = model_to_host_.find(model_port);
  if (h == host_to_model_.end() && m == model_to_host_.end()) {
    host_to_model_[host_port] = model_port;
    model_to_host_[model_port] = host_port;
    return model_port;
  }
  if (h != host_to_model_.end() && h->second == model_port) return model_port;
  return host_port;  // the host's port or the model's already stands for another one
}

}  // namespace kqsim::sim

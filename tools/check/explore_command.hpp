// kqcheck explore: every interleaving of a concurrency scenario, one
// exhaustive search (check/explorer.hpp) or a swarm of bounded ones
// (check/swarm_report.hpp).
#pragma once

#include <cstdint>
#include <string>

namespace kqsim::tools {

struct ExploreCli {
  std::string scenario;
  bool fingerprint = false;
  bool por = false;
  std::uint64_t max_states = 2'000'000;
  std::uint32_t max_depth = 64;
  std::string mutate;
  std::string out;
  bool progress = false;
  bool json = false;
  unsigned threads = 1;
  std::uint64_t swarm = 0;  // members; 0: one exhaustive search
  std::uint64_t swarm_seed = 1;
  std::string shard;        // with --swarm: run only these members
};

// Exit 0 when the whole space was searched clean, 1 on a violation (written
// to --out as a trace), 5 when a bound cut the search short, 2 bad input.
int explore_command(const ExploreCli& c);

}  // namespace kqsim::tools

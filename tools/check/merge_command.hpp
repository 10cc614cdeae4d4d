// kqcheck merge: the whole campaign's (or swarm's) result from its shards'
// --json results, exactly what one run without --shard prints
// (check/campaign_shards.hpp, check/swarm_report.hpp).
#pragma once

#include <string>
#include <vector>

namespace kqsim::tools {

struct MergeCli {
  std::vector<std::string> files;
  bool json = false;
};

// Exit as the whole run would have: 0 clean, 1 failures or a violation, 5 a
// swarm no member of which completed; 2 for unreadable or mismatched shards.
int merge_command(const MergeCli& c);

}  // namespace kqsim::tools

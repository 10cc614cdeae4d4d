#include "tools/check/merge_command.hpp"

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "check/campaign_shards.hpp"
#include "check/swarm_report.hpp"
#include "tools/check/command_output.hpp"
#include "tools/replay/exit_codes.hpp"
#include "traces/compare_json.hpp"

namespace kqsim::tools {

int merge_command(const MergeCli& c) {
  std::vector<nlohmann::json> docs;
  for (const std::string& path : c.files) {
    std::ifstream in(path);
    if (!in) {
      std::cerr << "kqcheck merge: cannot read " << path << "\n";
      return replay::kExitBadInput;
    }
    try {
      docs.push_back(nlohmann::json::parse(in));
    } catch (const nlohmann::json::parse_error& e) {
      std::cerr << "kqcheck merge: " << path << ": not JSON: " << e.what() << "\n";
      return replay::kExitBadInput;
    }
  }
  if (!docs.empty() && check::is_swarm_document(docs.front())) {
    try {
      const nlohmann::json whole = check::merge_swarm_shards(docs, c.files);
      fmt::print(text_out(c.json), "{}: swarm of {} members merged: {} states generated, {} member(s) complete, {}\n",
                 whole["summary"]["swarm"]["name"].get<std::string>(), whole["summary"]["swarm"]["members"].get<std::uint64_t>(),
                 whole["summary"]["generated"].get<std::uint64_t>(), whole["summary"]["complete_members"].get<std::uint64_t>(),
                 whole["traces"].empty() ? "no violation" : "VIOLATION: " + whole["traces"][0]["error"].get<std::string>());
      if (c.json) std::cout << traces::dump_result(whole) << "\n";
      if (!whole["traces"].empty()) return replay::kExitDivergence;
      return whole["summary"]["complete_members"].get<std::uint64_t>() > 0 ? replay::kExitOk : kExitIncomplete;
    } catch (const check::MergeError& e) {
      std::cerr << "kqcheck merge: " << e.what() << "\n";
      return replay::kExitBadInput;
    }
  }
  check::CampaignHeader header;
  check::CampaignTally all;
  try {
    all = check::merge_campaign_shards(docs, c.files, header);
  } catch (const check::MergeError& e) {
    std::cerr << "kqcheck merge: " << e.what() << "\n";
    return replay::kExitBadInput;
  }
  header.shard.reset();
  fmt::print(text_out(c.json), "{}\n", check::campaign_summary_line(all));
  if (c.json) std::cout << traces::dump_result(check::campaign_document(header, all)) << "\n";
  return all.failures == 0 ? replay::kExitOk : replay::kExitDivergence;
}

}  // namespace kqsim::tools

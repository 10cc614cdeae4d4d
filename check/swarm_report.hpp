// What `kqcheck explore --swarm K` reports, as text and as a result
// document (kqsim-result/1, command "explore", summary.swarm), and the merge
// of the documents of a swarm run in shards (`--shard I/N`: members
// K*I/N to K*(I+1)/N) into the whole swarm's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/explorer.hpp"

namespace kqsim::check {

// summary.swarm.members holds each member's figures; summary.swarm.covered
// the distinct states stored by at least one member (null in a merge of
// shards: each shard counts its own, and their union is not in the
// documents - each shard's count is kept in covered_by_shard).
nlohmann::json swarm_document(const Scenario& s, const SwarmOptions& w, const SwarmResult& r, const std::string& out_path);
std::string swarm_text(const Scenario& s, const SwarmOptions& w, const SwarmResult& r);

// Whether a result document is a swarm's (or a shard of one).
bool is_swarm_document(const nlohmann::json& doc);
// The whole swarm's document from its shards' (any order, each shard once;
// throws MergeError). Members, violations and the figures summed over members
// are exactly the unsharded run's.
nlohmann::json merge_swarm_shards(const std::vector<nlohmann::json>& docs, const std::vector<std::string>& names);

}  // namespace kqsim::check

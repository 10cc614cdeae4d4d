// A random campaign split into shards that any batch runner can run on any
// machines (`kqcheck random --shard I/N`), and the merge of their results
// into exactly the result of the whole campaign on one machine.
//
// Shard I of N runs the programs [count*I/N, count*(I+1)/N) of the campaign:
// program i comes from trace_seed(seed, i) whichever shard runs it. A
// campaign is a fold over its programs in order - count steps and failures,
// shrink a failure whose signature is new, stop after --max-failures - so a
// shard records, for each failure, its program, kind, signature and the
// shard's steps through it, and the merge replays that fold over the shards
// in order: a signature first met in an earlier shard is not new again (its
// later shrunk entry is dropped), and the --max-failures cut falls where it
// falls in the whole campaign.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kqsim::check {

struct ShardSpec {
  std::uint64_t index = 0;
  std::uint64_t count = 1;
};

// "I/N" with 0 <= I < N <= 10^9, decimal; nullopt otherwise.
std::optional<ShardSpec> parse_shard(std::string_view text);

struct ProgramRange {
  std::uint64_t first = 0, end = 0;
};
// The programs of shard `s` in a campaign of `programs`.
ProgramRange shard_range(std::uint64_t programs, ShardSpec s);

// One failing program of a campaign, in program order.
struct FailureRecord {
  std::uint64_t program = 0;
  std::string kind, signature;
  std::uint64_t steps_through = 0;    // the run's steps up to and including this program
  std::optional<std::size_t> entry;   // its shrunk trace in the result's "traces", when it was new
};

// What a campaign (or a shard of it) found, folded in program order.
struct CampaignTally {
  std::uint64_t runs = 0, steps = 0, failures = 0;
  std::map<std::string, std::uint64_t> by_kind;
  std::set<std::string> signatures;
  nlohmann::json entries = nlohmann::json::array();
  std::vector<FailureRecord> records;
  // Programs that diverged in known behaviours only (kqcheck --known): not
  // failures, in program order.
  std::vector<std::uint64_t> known_only;

  // Counts a failure of `program`; true when its signature is new (shrink
  // it and add_entry the result).
  bool add_failure(std::uint64_t program, const std::string& kind, const std::string& signature);
  void add_entry(nlohmann::json entry);
};

struct CampaignHeader {
  std::uint64_t seed = 0;
  std::optional<std::string> against;
  std::uint64_t programs = 0;      // --count of the whole campaign
  std::uint64_t max_failures = 0;  // 0: no bound
  std::optional<ShardSpec> shard;  // a shard's result carries what the merge needs
  // The --known behaviours (known_fingerprint), "" without: shards run with
  // other known behaviours are not one campaign.
  std::string known;
  // The run's other options that shape its programs or results (--steps,
  // --dialect, --mutate, every --with-* ...), as "--name value" text
  // (kqcheck's campaign_options), "" in shards made before it: shards run
  // with other options are not one campaign.
  std::string options;
};

// "N keys, fnv1a64 HEX" of a set of behaviour keys: what a shard records of
// its --known set, for the merge to compare.
std::string known_fingerprint(const std::set<std::string>& keys);

// The result document (kqsim-result/1, command "random"). A shard's adds
// summary.shard: its place and every failure record.
nlohmann::json campaign_document(const CampaignHeader& h, const CampaignTally& t);
// "N traces, S steps, F failure(s), D distinct, n kind..." as campaigns print it.
std::string campaign_summary_line(const CampaignTally& t);

struct MergeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The shards' result documents (named by `names` in errors), in any order,
// one per shard index 0..N-1 of one campaign: the whole campaign's tally.
// Throws MergeError for a document that is not a shard result, shards of
// different campaigns, a missing or repeated shard.
CampaignTally merge_campaign_shards(const std::vector<nlohmann::json>& docs, const std::vector<std::string>& names,
                                    CampaignHeader& header);

}  // namespace kqsim::check

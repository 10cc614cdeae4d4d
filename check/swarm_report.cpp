#include "check/swarm_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "check/campaign_shards.hpp"
#include "traces/compare_json.hpp"

namespace kqsim::check {
namespace {

nlohmann::json member_json(const Scenario& s, const SwarmMember& m) {
  const ExploreResult& r = m.result;
  nlohmann::json schedule = nlohmann::json::array();
  for (const ScheduledStep& st : r.counterexample) schedule.push_back({{"thread", s.threads[st.thread].name}, {"step", st.step}});
  return {{"member", m.index}, {"generated", r.generated}, {"distinct", r.distinct}, {"max_depth", r.max_depth},
          {"deadlocks", r.deadlocks}, {"complete", r.complete},
          {"violation", r.violation ? nlohmann::json(*r.violation) : nlohmann::json(nullptr)}, {"schedule", schedule}};
}

// The figures over members, the violation entry, from the members' JSON:
// the same code for a run and a merge, so both give the same document.
nlohmann::json document_of(const nlohmann::json& head, const nlohmann::json& members, const nlohmann::json& covered,
                           const nlohmann::json& covered_by_shard, const std::string& out_path) {
  std::uint64_t generated = 0, distinct = 0, deadlocks = 0, max_depth = 0, complete = 0;
  nlohmann::json entries = nlohmann::json::array();
  for (const nlohmann::json& m : members) {
    generated += m["generated"].get<std::uint64_t>();
    distinct += m["distinct"].get<std::uint64_t>();
    deadlocks += m["deadlocks"].get<std::uint64_t>();
    max_depth = std::max(max_depth, m["max_depth"].get<std::uint64_t>());
    complete += m["complete"].get<bool>() && m["violation"].is_null() ? 1 : 0;
    if (entries.empty() && !m["violation"].is_null()) {
      entries.push_back({{"path", out_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(out_path)},
                         {"name", head["name"]},
                         {"status", "violation"},
                         {"error", m["violation"]},
                         {"steps", m["schedule"].size()},
                         {"unexpected_divergences", 0},
                         {"divergences", nlohmann::json::array()},
                         {"skipped_steps", nlohmann::json::array()},
                         {"schedule", m["schedule"]}});
    }
  }
  nlohmann::json swarm{{"members", head["members"]}, {"seed", head["seed"]}, {"first", head["first"]}, {"end", head["end"]},
                       {"covered", covered}, {"member_results", members}, {"name", head["name"]}};
  if (!covered_by_shard.is_null()) swarm["covered_by_shard"] = covered_by_shard;
  return {{"format", traces::kResultFormat},
          {"command", "explore"},
          {"traces", entries},
          {"summary", {{"generated", generated}, {"distinct_summed_over_members", distinct}, {"max_depth", max_depth},
                       {"deadlocks_summed_over_members", deadlocks}, {"complete_members", complete}, {"swarm", swarm}}}};
}

}  // namespace

nlohmann::json swarm_document(const Scenario& s, const SwarmOptions& w, const SwarmResult& r, const std::string& out_path) {
  nlohmann::json members = nlohmann::json::array();
  for (const SwarmMember& m : r.members) members.push_back(member_json(s, m));
  const nlohmann::json head{{"name", s.name}, {"members", w.members}, {"seed", w.seed}, {"first", w.first}, {"end", w.end}};
  return document_of(head, members, r.covered, nullptr, out_path);
}

std::string swarm_text(const Scenario& s, const SwarmOptions& w, const SwarmResult& r) {
  std::uint64_t generated = 0, complete = 0;
  std::string text;
  for (const SwarmMember& m : r.members) {
    generated += m.result.generated;
    complete += m.result.complete && !m.result.violation ? 1 : 0;
    text += fmt::format("  member {}: {} states generated, {} distinct, depth {}{}{}\n", m.index, m.result.generated, m.result.distinct,
                        m.result.max_depth, m.result.complete ? ", complete" : "",
                        m.result.violation ? ", VIOLATION: " + *m.result.violation : "");
  }
  const double rate = r.cpu_seconds > 0 ? static_cast<double>(generated) / r.cpu_seconds : 0;
  return fmt::format("{}: swarm of {} members (seed {}), members {} to {} here: {} distinct states covered by at least one, "
                     "{} states generated, {} member(s) searched the whole space; {:.0f} states generated/s of CPU time\n",
                     s.name, w.members, w.seed, w.first, w.end - 1, r.covered, generated, complete, rate) +
         text;
}

bool is_swarm_document(const nlohmann::json& doc) {
  return doc.is_object() && doc.value("command", "") == "explore" && doc.contains("summary") && doc["summary"].is_object() &&
         doc["summary"].contains("swarm");
}

nlohmann::json merge_swarm_shards(const std::vector<nlohmann::json>& docs, const std::vector<std::string>& names) {
  if (docs.empty()) throw MergeError("no shard results to merge");
  struct Part {
    const nlohmann::json* swarm;
    std::uint64_t first, end;
    std::string name;
    const nlohmann::json* doc;
  };
  std::vector<Part> parts;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (!is_swarm_document(docs[i])) throw MergeError(names[i] + ": not a kqcheck explore --swarm result");
    const nlohmann::json& w = docs[i]["summary"]["swarm"];
    try {
      parts.push_back({&w, w.at("first").get<std::uint64_t>(), w.at("end").get<std::uint64_t>(), names[i], &docs[i]});
      const nlohmann::json& a = *parts.front().swarm;
      if (w.at("members") != a.at("members") || w.at("seed") != a.at("seed") || w.at("name") != a.at("name")) {
        throw MergeError(names[i] + ": not a shard of the same swarm as " + parts.front().name + " (scenario, members or seed differ)");
      }
    } catch (const nlohmann::json::exception& e) {
      throw MergeError(names[i] + ": summary.swarm: " + e.what());
    }
  }
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.first < b.first; });
  const nlohmann::json& head = *parts.front().swarm;
  const std::uint64_t members = head["members"].get<std::uint64_t>();
  std::uint64_t at = 0;
  nlohmann::json all = nlohmann::json::array(), covered_by_shard = nlohmann::json::array();
  for (const Part& p : parts) {
    if (p.first != at) throw MergeError(p.first < at ? p.name + ": its members overlap another shard's" : fmt::format("members {} to {} are missing", at, p.first - 1));
    for (const nlohmann::json& m : (*p.swarm)["member_results"]) all.push_back(m);
    covered_by_shard.push_back((*p.swarm)["covered"]);
    at = p.end;
  }
  if (at != members) throw MergeError(fmt::format("members {} to {} are missing", at, members - 1));
  nlohmann::json whole_head = head;
  whole_head["first"] = 0;
  whole_head["end"] = members;
  // The violation entry's path: that of the shard holding the first violating member.
  std::string path;
  for (const Part& p : parts) {
    const nlohmann::json& t = (*p.doc)["traces"];
    if (t.empty()) continue;
    if (t[0]["path"].is_string()) path = t[0]["path"].get<std::string>();
    break;
  }
  if (parts.size() == 1) return document_of(whole_head, all, head["covered"], nullptr, path);
  return document_of(whole_head, all, nullptr, covered_by_shard, path);
}

}  // namespace kqsim::check

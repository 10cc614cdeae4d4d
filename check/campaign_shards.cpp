#include "check/campaign_shards.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "traces/compare_json.hpp"

namespace kqsim::check {
namespace {

constexpr std::uint64_t kMaxShards = 1'000'000'000;

std::optional<std::uint64_t> decimal(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// A field of a shard document, or a MergeError naming the file and field.
const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& name, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw MergeError(name + ": " + where + key + ": missing (not a `kqcheck random --shard I/N --json` result)");
  return j.at(key);
}

std::uint64_t number(const nlohmann::json& j, const char* key, const std::string& name, const std::string& where) {
  const nlohmann::json& v = field(j, key, name, where);
  if (!v.is_number_unsigned()) throw MergeError(name + ": " + where + key + ": not a non-negative integer");
  return v.get<std::uint64_t>();
}

std::string text(const nlohmann::json& j, const char* key, const std::string& name, const std::string& where) {
  const nlohmann::json& v = field(j, key, name, where);
  if (!v.is_string()) throw MergeError(name + ": " + where + key + ": not a string");
  return v.get<std::string>();
}

// One shard's document, read and checked.
struct Shard {
  std::string name;
  const nlohmann::json* doc = nullptr;
  CampaignHeader header;
  ShardSpec spec;
  ProgramRange range;
  std::uint64_t runs = 0, steps = 0;
  std::vector<FailureRecord> records;
  std::vector<std::uint64_t> known_only;
};

Shard read_shard(const nlohmann::json& doc, const std::string& name) {
  Shard s{name, &doc, {}, {}, {}, 0, 0, {}, {}};
  if (!doc.is_object() || doc.value("format", "") != traces::kResultFormat || doc.value("command", "") != "random") {
    throw MergeError(name + ": not a kqcheck random result (format kqsim-result/1, command random)");
  }
  s.header.seed = number(doc, "seed", name, "");
  const nlohmann::json& against = field(doc, "against", name, "");
  if (!against.is_null()) s.header.against = against.is_string() ? against.get<std::string>() : throw MergeError(name + ": against: not a string");
  const nlohmann::json& summary = field(doc, "summary", name, "");
  const nlohmann::json& shard = field(summary, "shard", name, "summary.");
  s.runs = number(summary, "traces", name, "summary.");
  s.steps = number(summary, "steps", name, "summary.");
  s.spec = {number(shard, "index", name, "summary.shard."), number(shard, "count", name, "summary.shard.")};
  s.header.programs = number(shard, "programs", name, "summary.shard.");
  s.header.max_failures = number(shard, "max_failures", name, "summary.shard.");
  if (shard.contains("known")) s.header.known = text(shard, "known", name, "summary.shard.");
  if (shard.contains("options")) s.header.options = text(shard, "options", name, "summary.shard.");
  s.range = {number(shard, "first", name, "summary.shard."), number(shard, "end", name, "summary.shard.")};
  if (s.spec.count == 0 || s.spec.index >= s.spec.count) throw MergeError(name + ": summary.shard: index not below count");
  const ProgramRange want = shard_range(s.header.programs, s.spec);
  if (s.range.first != want.first || s.range.end != want.end) throw MergeError(name + ": summary.shard: first/end are not those of the shard");
  const nlohmann::json& failures = field(shard, "failures", name, "summary.shard.");
  const nlohmann::json& entries = field(doc, "traces", name, "");
  if (!failures.is_array() || !entries.is_array()) throw MergeError(name + ": traces or summary.shard.failures: not an array");
  for (const nlohmann::json& f : failures) {
    const std::string where = "summary.shard.failures[" + std::to_string(s.records.size()) + "].";
    FailureRecord r{number(f, "program", name, where), text(f, "kind", name, where), text(f, "signature", name, where),
                    number(f, "steps_through", name, where), std::nullopt};
    if (r.program < s.range.first || r.program >= s.range.end) throw MergeError(name + ": " + where + "program: outside the shard");
    const nlohmann::json& entry = field(f, "entry", name, where);
    if (!entry.is_null()) {
      if (!entry.is_number_unsigned() || entry.get<std::size_t>() >= entries.size()) throw MergeError(name + ": " + where + "entry: no such trace");
      r.entry = entry.get<std::size_t>();
    }
    s.records.push_back(std::move(r));
  }
  // Absent from results made before kqcheck --known.
  if (shard.contains("known_only")) {
    const nlohmann::json& known = shard.at("known_only");
    if (!known.is_array()) throw MergeError(name + ": summary.shard.known_only: not an array");
    for (const nlohmann::json& p : known) {
      if (!p.is_number_unsigned() || p.get<std::uint64_t>() < s.range.first || p.get<std::uint64_t>() >= s.range.end) {
        throw MergeError(name + ": summary.shard.known_only: not a program of the shard");
      }
      s.known_only.push_back(p.get<std::uint64_t>());
    }
  }
  return s;
}

void check_same_campaign(const std::vector<Shard>& shards) {
  const Shard& a = shards.front();
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const Shard& b = shards[i];
    if (b.header.seed != a.header.seed || b.header.against != a.header.against || b.header.programs != a.header.programs ||
        b.header.max_failures != a.header.max_failures || b.spec.count != a.spec.count || b.header.known != a.header.known) {
      throw MergeError(b.name + ": not a shard of the same campaign as " + a.name +
                       " (seed, against, count, max-failures, known behaviours or shard count differ)");
    }
    if (b.header.options != a.header.options) {
      auto shown = [](const std::string& o) {
        return o.empty() ? std::string("none recorded (a shard made before kqcheck recorded them)") : "\"" + o + "\"";
      };
      throw MergeError(b.name + ": not a shard of the same campaign as " + a.name + ": its options are " +
                       shown(b.header.options) + ", not " + shown(a.header.options));
    }
    if (b.spec.index != i) {
      throw MergeError(b.spec.index < i ? b.name + ": shard " + std::to_string(b.spec.index) + " given twice"
                                        : "shard " + std::to_string(i) + " of " + std::to_string(a.spec.count) + " is missing");
    }
  }
  if (shards.size() != a.spec.count) throw MergeError("shard " + std::to_string(shards.size()) + " of " + std::to_string(a.spec.count) + " is missing");
}

}  // namespace

std::optional<ShardSpec> parse_shard(std::string_view t) {
  const std::size_t slash = t.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto i = decimal(t.substr(0, slash));
  auto n = decimal(t.substr(slash + 1));
  if (!i || !n || *n == 0 || *n > kMaxShards || *i >= *n) return std::nullopt;
  return ShardSpec{*i, *n};
}

ProgramRange shard_range(std::uint64_t programs, ShardSpec s) {
  // programs <= 10^9 and count <= 10^9: the products fit in 64 bits.
  return {programs * s.index / s.count, programs * (s.index + 1) / s.count};
}

std::string known_fingerprint(const std::set<std::string>& keys) {
  if (keys.empty()) return "";
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a, 64 bits
  for (const std::string& k : keys) {
    for (const char c : k + "\n") h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  return fmt::format("{} keys, fnv1a64 {:016x}", keys.size(), h);
}

bool CampaignTally::add_failure(std::uint64_t program, const std::string& kind, const std::string& signature) {
  ++failures;
  ++by_kind[kind];
  records.push_back({program, kind, signature, steps, std::nullopt});
  return signatures.insert(signature).second;
}

void CampaignTally::add_entry(nlohmann::json entry) {
  records.back().entry = entries.size();
  entries.push_back(std::move(entry));
}

nlohmann::json campaign_document(const CampaignHeader& h, const CampaignTally& t) {
  nlohmann::json summary{{"traces", t.runs}, {"steps", t.steps}, {"failures", t.failures},
                         {"distinct", t.signatures.size()}, {"by_category", t.by_kind}};
  if (!t.known_only.empty()) summary["known_only"] = t.known_only.size();
  if (h.shard) {
    nlohmann::json failures = nlohmann::json::array();
    for (const FailureRecord& r : t.records) {
      failures.push_back({{"program", r.program}, {"kind", r.kind}, {"signature", r.signature}, {"steps_through", r.steps_through},
                          {"entry", r.entry ? nlohmann::json(*r.entry) : nlohmann::json(nullptr)}});
    }
    const ProgramRange range = shard_range(h.programs, *h.shard);
    summary["shard"] = {{"index", h.shard->index}, {"count", h.shard->count}, {"programs", h.programs},
                        {"first", range.first}, {"end", range.end}, {"max_failures", h.max_failures}, {"failures", failures}};
    if (!t.known_only.empty()) summary["shard"]["known_only"] = t.known_only;
    if (!h.known.empty()) summary["shard"]["known"] = h.known;
    if (!h.options.empty()) summary["shard"]["options"] = h.options;
  }
  return {{"format", traces::kResultFormat}, {"command", "random"}, {"seed", h.seed},
          {"against", h.against ? nlohmann::json(*h.against) : nlohmann::json(nullptr)}, {"traces", t.entries}, {"summary", summary}};
}

std::string campaign_summary_line(const CampaignTally& t) {
  std::string line = fmt::format("{} traces, {} steps, {} failure(s), {} distinct", t.runs, t.steps, t.failures, t.signatures.size());
  for (const auto& [kind, n] : t.by_kind) line += fmt::format(", {} {}", n, kind);
  if (!t.known_only.empty()) line += fmt::format("; {} diverged in known behaviours only", t.known_only.size());
  return line;
}

CampaignTally merge_campaign_shards(const std::vector<nlohmann::json>& docs, const std::vector<std::string>& names,
                                    CampaignHeader& header) {
  if (docs.empty()) throw MergeError("no shard results to merge");
  std::vector<Shard> shards;
  for (std::size_t i = 0; i < docs.size(); ++i) shards.push_back(read_shard(docs[i], names[i]));
  // By shard index, ties (a repeated shard, refused below) in the order given.
  // Not std::stable_sort: libstdc++ 12's uses get_temporary_buffer, which
  // clang 19 reports as deprecated (an error under -Werror).
  std::vector<std::size_t> order(shards.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&shards](std::size_t a, std::size_t b) {
    return std::pair(shards[a].spec.index, a) < std::pair(shards[b].spec.index, b);
  });
  std::vector<Shard> sorted;
  sorted.reserve(shards.size());
  for (std::size_t i : order) sorted.push_back(std::move(shards[i]));
  shards = std::move(sorted);
  check_same_campaign(shards);
  header = shards.front().header;
  CampaignTally all;
  // The whole campaign's fold, shard after shard; the --max-failures cut
  // may fall inside a shard (which ran on, not knowing the others').
  for (const Shard& s : shards) {
    auto known = s.known_only.begin();
    for (const FailureRecord& r : s.records) {
      for (; known != s.known_only.end() && *known < r.program; ++known) all.known_only.push_back(*known);
      const std::uint64_t steps_before = all.steps;
      all.steps += r.steps_through;
      if (all.add_failure(r.program, r.kind, r.signature) && r.entry) all.add_entry((*s.doc)["traces"][*r.entry]);
      all.steps = steps_before;
      if (header.max_failures != 0 && all.failures == header.max_failures) {
        all.runs += r.program - s.range.first + 1;
        all.steps += r.steps_through;
        return all;
      }
    }
    all.known_only.insert(all.known_only.end(), known, s.known_only.end());
    all.runs += s.runs;
    all.steps += s.steps;
  }
  return all;
}

}  // namespace kqsim::check

#include "tools/replay/explain_html.hpp"

#include <fmt/format.h>

#include "explain_assets.hpp"
#include "tools/replay/knote_timeline.hpp"

namespace kqsim::replay {
namespace {

using nlohmann::json;

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON inside <script>: no '<' may appear, or "</script>" in a note would
// end the element; \u003c means the same to JSON.parse.
std::string script_safe(const std::string& json_text) {
  std::string out;
  for (char c : json_text) out += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return out;
}

json run_json(const ExplainedRun& run) {
  json steps = json::array();
  for (const ExplainedStep& s : run.steps) {
    steps.push_back({{"index", s.index}, {"proc", s.proc}, {"call", s.call}, {"note", s.note}, {"result", s.result},
                     {"divergences", s.divergences}, {"world", s.world}, {"delivered", s.delivered}});
  }
  json timeline = json::array();
  for (const TimelineRow& r : knote_timeline(run)) timeline.push_back({{"key", r.key}, {"label", r.label}, {"cells", r.cells}});
  return {{"name", run.report.trace.name}, {"status", status_name(run.report.status)}, {"steps", steps}, {"timeline", timeline}};
}

std::string status_line(const ExplainedRun& run) {
  switch (run.report.status) {
    case TraceStatus::kMatched: return "Every expectation of the trace matches the model.";
    case TraceStatus::kDivergent: return "<span class=\"status-divergent\">The model diverges from the trace (steps marked in red).</span>";
    case TraceStatus::kPropertyViolated:
      return "<span class=\"status-divergent\">A property the trace asks for broke: " + escape_html(run.report.error) + "</span>";
    default: return "<span class=\"status-divergent\">The run stopped: " + escape_html(run.report.error) + "</span>";
  }
}

}  // namespace

std::string explain_html(const ExplainedRun& run) {
  const traces::Trace& t = run.report.trace;
  // The first script reports script errors into the page itself, so a
  // headless browser's DOM dump shows them (tests/docs/html_view_test.sh).
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kqsim: {name}</title>
<style>{css}</style>
<script>window.addEventListener("error", function (e) {{
  document.documentElement.setAttribute("data-script-error", String(e.message));
}});</script>
</head>
<body>
<header>
<h1>{name}</h1>
<p>{description}</p>
<p>dialect {dialect} · {steps} step(s) · {status}</p>
<p>Click a step (or use #step-N in the address) to see the kernel state after it; what the step changed is
highlighted: <span class="added">new</span>, <span class="changed">changed</span>, <span class="removed">gone</span>.</p>
</header>
<section id="timeline"><h2>Knote timeline: one row per knote, one column per step (click a column)</h2></section>
<main>
<nav id="steps"><ol></ol></nav>
<section id="state"></section>
</main>
<script type="application/json" id="kqsim-data">{data}</script>
<script>{js}</script>
</body>
</html>
)",
                     fmt::arg("name", escape_html(t.name)), fmt::arg("description", escape_html(t.description)),
                     fmt::arg("dialect", escape_html(run.report.dialect)), fmt::arg("steps", run.steps.size()),
                     fmt::arg("status", status_line(run)), fmt::arg("css", assets::kExplainCss),
                     fmt::arg("data", script_safe(run_json(run).dump(-1, ' ', false, json::error_handler_t::replace))), fmt::arg("js", assets::kExplainJs));
}

}  // namespace kqsim::replay

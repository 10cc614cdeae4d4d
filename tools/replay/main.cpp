// kqreplay: replay kqsim traces against the reference model.
#include <iostream>

#include <CLI/CLI.hpp>

#include "tools/common/cli_support.hpp"
#include "tools/replay/commands.hpp"
#include "tools/replay/exit_codes.hpp"
#include "traces/trace_error.hpp"

int main(int argc, char** argv) {
  using namespace kqsim::replay;
  CLI::App app{"kqreplay - replay kqueue traces against the kqsim reference model"};
  kqsim::cli::add_standard_options(app, "kqreplay", kqsim::cli::kCommonExitCodes);
  app.require_subcommand(1);
  CommonOptions opts;
  std::string dialect;
  auto add_common = [&](CLI::App* cmd, bool with_json) {
    cmd->add_option("--dialect", dialect, "Run as this dialect instead of the trace's (e.g. freebsd-13.2)");
    if (with_json) cmd->add_flag("--json", opts.json, "Machine-readable output");
    cmd->add_flag("--full-checks", opts.full_checks,
                  "Check every model invariant after every call (default: only what the call touched)");
  };

  std::string trace, against;
  std::vector<std::string> traces;
  CLI::App* run = app.add_subcommand("run", "Run a trace on the model and print what it observes");
  run->add_option("TRACE", trace, "Trace file")->required();
  add_common(run, true);
  CLI::App* diff = app.add_subcommand("diff", "Compare traces' observations with the model, or with another recording");
  diff->add_option("TRACES", traces, "Trace files or directories")->required();
  diff->add_option("--against", against, "Another recording (file or folder) of the same program(s) to compare with");
  std::string expectations;
  diff->add_option("--expectations", expectations, "JSON file of known differences, each with a reason");
  diff->add_flag("--raw-fds", opts.raw_fds, "Compare returned descriptor numbers too (default: by the trace's names)");
  diff->add_flag("--no-follow-races{false}", opts.follow_task_races,
                 "Compare with the model's usual outcome of the races with kernel threads (kqueue_task, netisr) "
                 "only, never the other one a host may take (docs/kqreplay.md#the-kqueue_task-race)");
  add_common(diff, true);
  CLI::App* report = app.add_subcommand("report", "Distinct divergences of recordings and campaign failures, as Markdown (or --json)");
  report->add_option("TRACES", traces, "Recordings, campaign failures, or folders of them")->required();
  report->add_option("--expectations", expectations, "JSON file of known differences, each with a reason");
  ReportOptions report_opts;
  report->add_option("--corpus", report_opts.corpus, "Conformance traces whose sources are cited (default: traces/conformance if present)");
  report->add_option("--out", report_opts.out, "Write each behaviour's minimal trace into this folder");
  report->add_option("--examples", report_opts.examples,
                     "Traces (or folders) that only offer shorter examples of the behaviours found, e.g. kqcheck shrink's output");
  report->add_option("--notes", report_opts.notes, "JSON file of what was checked by hand, per behaviour key (repeat to join several)");
  report->add_flag("--past-notes", report_opts.past_notes,
                   "With --notes: a divergence after noted ones only counts as a trace's first (claimed), as kqcheck "
                   "--known looks past known behaviours")
      ->needs(report->get_option("--notes"));
  report->add_flag("--raw-fds", opts.raw_fds, "Compare returned descriptor numbers too (default: by the trace's names)");
  add_common(report, true);
  CLI::App* explain = app.add_subcommand("explain", "Walk through a trace showing the kqueue state after each step");
  explain->add_option("TRACE", trace, "Trace file")->required();
  ExplainOptions explain_opts;
  explain->add_flag("--changes", explain_opts.changes, "After each step show only what it changed (+ new, - gone)");
  explain->add_option("--html", explain_opts.html, "Write a self-contained HTML page of the run to this file");
  add_common(explain, false);
  CLI::App* timeline = app.add_subcommand("timeline", "One row per knote, one column per step: each knote's status");
  timeline->add_option("TRACE", trace, "Trace file")->required();
  add_common(timeline, false);
  std::string perfetto_out;
  CLI::App* perfetto = app.add_subcommand("perfetto", "Export the run as Chrome trace event JSON for ui.perfetto.dev");
  perfetto->add_option("TRACE", trace, "Trace file (a hand-written trace, a recording or a kqcheck counterexample)")->required();
  perfetto->add_option("--out,-o", perfetto_out, "Write here instead of standard output");
  add_common(perfetto, false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  if (!dialect.empty()) opts.dialect = dialect;
  if (!expectations.empty()) opts.expectations = expectations;
  try {
    if (run->parsed()) return cmd_run(trace, opts);
    if (diff->parsed() && !against.empty()) {
      if (traces.size() != 1) {
        std::cerr << "kqreplay: --against compares exactly one trace (or folder) with another\n";
        return kExitBadInput;
      }
      return cmd_compare(traces[0], against, opts);
    }
    if (diff->parsed()) return cmd_diff(traces, opts);
    if (report->parsed()) return cmd_report(traces, opts, report_opts);
    if (timeline->parsed()) return cmd_timeline(trace, opts);
    if (perfetto->parsed()) return cmd_perfetto(trace, opts, perfetto_out);
    return cmd_explain(trace, opts, explain_opts);
  } catch (const kqsim::traces::TraceError& e) {
    std::cerr << "kqreplay: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "kqreplay: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

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
  add_common(diff, true);
  CLI::App* explain = app.add_subcommand("explain", "Walk through a trace showing the kqueue state after each step");
  explain->add_option("TRACE", trace, "Trace file")->required();
  add_common(explain, false);

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
    return cmd_explain(trace, opts);
  } catch (const kqsim::traces::TraceError& e) {
    std::cerr << "kqreplay: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "kqreplay: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

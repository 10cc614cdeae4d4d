#include "model/signals.hpp"

#include <array>
#include <utility>

namespace kqsim::model {
namespace {

// Every signal FreeBSD names (sys/signal.h), 1 to 33.
constexpr std::array<std::pair<std::string_view, int>, 33> kNames{{
    {"SIGHUP", sig::kHup},   {"SIGINT", sig::kInt},     {"SIGQUIT", sig::kQuit},   {"SIGILL", 4},
    {"SIGTRAP", 5},          {"SIGABRT", 6},            {"SIGEMT", 7},             {"SIGFPE", 8},
    {"SIGKILL", sig::kKill}, {"SIGBUS", 10},            {"SIGSEGV", 11},           {"SIGSYS", 12},
    {"SIGPIPE", sig::kPipe}, {"SIGALRM", sig::kAlrm},   {"SIGTERM", sig::kTerm},   {"SIGURG", sig::kUrg},
    {"SIGSTOP", sig::kStop}, {"SIGTSTP", sig::kTstp},   {"SIGCONT", sig::kCont},   {"SIGCHLD", sig::kChld},
    {"SIGTTIN", sig::kTtin}, {"SIGTTOU", sig::kTtou},   {"SIGIO", 23},             {"SIGXCPU", 24},
    {"SIGXFSZ", 25},         {"SIGVTALRM", 26},         {"SIGPROF", 27},           {"SIGWINCH", sig::kWinch},
    {"SIGINFO", sig::kInfo}, {"SIGUSR1", sig::kUsr1},   {"SIGUSR2", sig::kUsr2},   {"SIGTHR", 32},
    {"SIGLIBRT", 33},
}};

}  // namespace

// sigproptbl: the signals that stop, continue or are ignored by default;
// every other one terminates.
DefaultAction default_action(int signo) {
  switch (signo) {
    case sig::kStop:
    case sig::kTstp:
    case sig::kTtin:
    case sig::kTtou: return DefaultAction::kStop;
    case sig::kCont: return DefaultAction::kContinue;
    case sig::kUrg:
    case sig::kChld:
    case sig::kWinch:
    case 23:  // SIGIO
    case sig::kInfo: return DefaultAction::kIgnore;
    default: return DefaultAction::kTerminate;
  }
}

std::optional<int> signal_from_name(std::string_view name) {
  for (const auto& [n, v] : kNames) {
    if (n == name) return v;
  }
  return std::nullopt;
}

std::string signal_name(int signo) {
  for (const auto& [n, v] : kNames) {
    if (v == signo) return std::string(n);
  }
  return std::to_string(signo);
}

}  // namespace kqsim::model

// Signals as FreeBSD numbers them (sys/signal.h), and what a signal does by
// default (sigproptbl in kern_sig.c): enough for EVFILT_SIGNAL and kill(2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kqsim::model {

namespace sig {
inline constexpr int kHup = 1, kInt = 2, kQuit = 3, kKill = 9, kPipe = 13, kAlrm = 14, kTerm = 15, kUrg = 16,
                     kStop = 17, kTstp = 18, kCont = 19, kChld = 20, kTtin = 21, kTtou = 22, kWinch = 28,
                     kInfo = 29, kUsr1 = 30, kUsr2 = 31;
inline constexpr int kMax = 128;  // _SIG_MAXSIG
}  // namespace sig

enum class SignalAction : std::uint8_t { kDefault, kIgnore, kCatch };

enum class DefaultAction : std::uint8_t { kTerminate, kIgnore, kStop, kContinue };
DefaultAction default_action(int signo);

std::optional<int> signal_from_name(std::string_view name);
// "SIGUSR1"; signals without a name print as their number.
std::string signal_name(int signo);

}  // namespace kqsim::model

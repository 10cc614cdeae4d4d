// Layout of `kqreplay explain`'s text: lines folded to fit a terminal, and
// the part of the state a step changed.
#pragma once

#include <string>

namespace kqsim::replay {

// Folds every line longer than `width` at spaces; continuation lines keep
// the line's indentation plus four spaces.
std::string fit_width(const std::string& text, std::size_t width = 100);

// The state entries (a line and the more-indented lines under it) of
// `after` that are not in `before`, marked "+", and those gone, marked "-".
// "  (nothing changed)" when they are the same.
std::string state_changes(const std::string& before, const std::string& after);

}  // namespace kqsim::replay

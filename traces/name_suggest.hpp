// "Did you mean EV_ONESHOT?": the known name closest to a misspelt one, so
// a learner's typo gets a correction rather than only a refusal.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kqsim::traces {

// The known name nearest to `name` by edit distance (case-insensitive),
// when it is near enough to be a plausible typo; nullopt otherwise.
std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string_view>& known);

// " (did you mean EV_ONESHOT?)" or "".
std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& known);

}  // namespace kqsim::traces

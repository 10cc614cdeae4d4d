// Symbolic names for filters, flags and notes, so traces and explanations
// stay readable and portable across dialects whose numbers differ.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kevent_constants.hpp"

namespace kqsim::model {

std::optional<FilterId> filter_from_name(std::string_view name);
// "EVFILT_READ"; an unknown number prints as its decimal value.
std::string filter_name(FilterId filter);

std::optional<EventFlags> flag_from_name(std::string_view name);
// Names of the set bits, lowest first, joined with '|'; "0" for none.
std::string flags_to_string(EventFlags flags);

// Note names are per filter: NOTE_SECONDS and NOTE_LOWAT share the value 1.
std::optional<std::uint32_t> note_from_name(std::string_view name);

// Every name flag_from_name / note_from_name knows (for "did you mean").
std::vector<std::string_view> known_filter_names();
std::vector<std::string_view> known_flag_names();
std::vector<std::string_view> known_note_names();

}  // namespace kqsim::model

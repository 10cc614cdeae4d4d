// "Did you mean": the closest known name to a typo, and none for a word
// that is not near any.
#include "traces/name_suggest.hpp"

#include <gtest/gtest.h>

#include "model/kevent_names.hpp"

namespace kqsim::traces {
namespace {

TEST(NameSuggest, CorrectsTyposOfFlagNames) {
  const auto flags = model::known_flag_names();
  EXPECT_EQ(closest_name("EV_ONESHOTT", flags), "EV_ONESHOT");
  EXPECT_EQ(closest_name("EV_ONSHOT", flags), "EV_ONESHOT");
  EXPECT_EQ(closest_name("ev_oneshot", flags), "EV_ONESHOT");
  EXPECT_EQ(closest_name("ONESHOT", flags), "EV_ONESHOT");
  EXPECT_EQ(closest_name("EV_DISPACH", flags), "EV_DISPATCH");
}

TEST(NameSuggest, NoSuggestionForAnUnrelatedWord) {
  EXPECT_EQ(closest_name("frobnicate", model::known_flag_names()), std::nullopt);
  EXPECT_EQ(did_you_mean("frobnicate", model::known_flag_names()), "");
}

TEST(NameSuggest, NotesAndFilters) {
  EXPECT_EQ(did_you_mean("NOTE_TRIGER", model::known_note_names()), " (did you mean NOTE_TRIGGER?)");
  EXPECT_EQ(closest_name("EVFILT_TIMR", model::known_filter_names()), "EVFILT_TIMER");
}

}  // namespace
}  // namespace kqsim::traces

// KeyPath refuses a key an object already has and names where it is, for
// the short list of keys a step has and for objects past that list.
#include "traces/json_key_path.hpp"

#include <gtest/gtest.h>

#include <string>

#include "traces/trace_error.hpp"

namespace kqsim::traces {
namespace {

// Opens `{"steps": [{...` as a trace reader does, ready for a step's keys.
void open_first_step(KeyPath& path) {
  path.open(false);
  path.key("steps");
  path.open(true);
  path.open(false);
}

TraceError repeat_error(KeyPath& path, const std::string& key) {
  try {
    path.key(key);
  } catch (const TraceError& e) {
    return e;
  }
  ADD_FAILURE() << "'" << key << "' taken twice";
  return TraceError("", std::nullopt, "", "");
}

TEST(KeyPath, RefusesARepeatedKeyAndNamesItsPath) {
  const std::string file = "t.json";
  KeyPath path(file);
  open_first_step(path);
  path.key("op");
  path.key("changes");
  path.open(true);
  path.open(false);
  path.key("ident");
  path.key("filter");
  const TraceError e = repeat_error(path, "filter");
  EXPECT_EQ(e.file(), "t.json");
  EXPECT_EQ(e.step(), std::optional<std::size_t>(0));
  EXPECT_EQ(e.field(), "changes[0].filter");
  EXPECT_EQ(e.message(), "the key 'filter' appears twice in one object");
}

TEST(KeyPath, KeysOfAClosedObjectDoNotCount) {
  const std::string file = "t.json";
  KeyPath path(file);
  open_first_step(path);
  path.key("op");
  path.close();
  path.open(false);  // the second step
  EXPECT_NO_THROW(path.key("op"));
  const TraceError e = repeat_error(path, "op");
  EXPECT_EQ(e.step(), std::optional<std::size_t>(1));
  EXPECT_EQ(e.field(), "op");
}

// Past the short list the keys move to a set; a repeat of an early key, of
// the one that moved them and of a later one are all refused.
TEST(KeyPath, RefusesARepeatInAnObjectOfManyKeys) {
  const std::string file = "t.json";
  KeyPath path(file);
  path.open(false);
  for (int i = 0; i < 40; ++i) path.key("k" + std::to_string(i));
  for (const char* repeat : {"k0", "k3", "k16", "k17", "k39"}) {
    const TraceError e = repeat_error(path, repeat);
    EXPECT_EQ(e.field(), repeat);
    EXPECT_EQ(e.step(), std::nullopt);
  }
  EXPECT_NO_THROW(path.key("k40"));
}

TEST(KeyPath, KeysThatDifferOnlyInTheMiddleAreDifferent) {
  const std::string file = "t.json";
  KeyPath path(file);
  path.open(false);
  // The same length, first and last byte: one bit of the filter for all.
  EXPECT_NO_THROW(path.key("axc"));
  EXPECT_NO_THROW(path.key("ayc"));
  EXPECT_NO_THROW(path.key("azc"));
  EXPECT_NO_THROW(path.key(""));
  EXPECT_EQ(repeat_error(path, "ayc").field(), "ayc");
  EXPECT_EQ(repeat_error(path, "").message(), "the key '' appears twice in one object");
}

}  // namespace
}  // namespace kqsim::traces
